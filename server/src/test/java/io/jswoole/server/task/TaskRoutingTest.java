package io.jswoole.server.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** task_ipc_mode's choice of task worker, over made-up loads (the socket tests are in TaskTest). */
class TaskRoutingTest {
    @Test
    void modeOneHonoursTheNamedWorkerEvenWhenItIsBusy() {
        TaskRouting r = new TaskRouting(1);
        assertThat(r.pick(2, 4, i -> i == 2 ? 9 : 0, i -> false)).isEqualTo(2);
    }

    @Test
    void withoutANameOrInModeThreeAFreeWorkerTakesTheTask() {
        for (int mode : new int[] {1, 3}) {
            TaskRouting r = new TaskRouting(mode);
            int dst = mode == 3 ? 0 : -1; // mode 3 ignores the name
            for (int k = 0; k < 8; k++) {
                assertThat(r.pick(dst, 4, i -> i == 3 ? 0 : 1, i -> false)).isEqualTo(3);
            }
        }
    }

    @Test
    void freeWorkersTakeTurnsAndTheLeastBusyTakesWhatNoFreeOneCan() {
        TaskRouting r = new TaskRouting(3);
        assertThat(new int[] {r.pick(-1, 3, i -> 0, i -> false), r.pick(-1, 3, i -> 0, i -> false),
                r.pick(-1, 3, i -> 0, i -> false)}).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(r.pick(-1, 3, i -> new int[] {5, 2, 7}[i], i -> false)).isEqualTo(1);
    }

    @Test
    void aWorkerBeingReplacedIsPassedOverWhileAnotherCanTakeTheTask() {
        TaskRouting r = new TaskRouting(1);
        assertThat(r.pick(-1, 2, i -> i == 0 ? 0 : 4, i -> i == 0)).isEqualTo(1);
        assertThat(r.pick(-1, 1, i -> 0, i -> true)).as("the only one").isZero();
    }

    @Test
    void onlyModesOneAndThreeExist() {
        assertThatThrownBy(() -> new TaskRouting(2)).hasMessageContaining("task_ipc_mode");
    }
}
