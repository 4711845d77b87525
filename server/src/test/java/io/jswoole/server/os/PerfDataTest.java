package io.jswoole.server.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@link PerfData} reads a JVM's heap from its hsperfdata file: this JVM's, checked against its MemoryMXBean. */
class PerfDataTest {
    @Test
    void readsTheHeapOfARunningJvmFromItsPublishedCounters() {
        Assumptions.assumeTrue(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .noneMatch(a -> a.contains("UsePerfData") || a.contains("PerfDisableSharedMem")), "perf data off");
        PerfData.Heap heap = PerfData.heap(ProcessHandle.current().pid());
        assertThat(heap).as("this JVM publishes /tmp/hsperfdata_<user>/<pid>").isNotNull();
        assertThat(heap.used()).isPositive().isLessThanOrEqualTo(heap.committed());
        // the counters and the MXBean describe the same heap: what is committed agrees within the heap's maximum
        long max = Runtime.getRuntime().maxMemory();
        assertThat(heap.committed()).isLessThanOrEqualTo(max);
    }

    @Test
    void aProcessWithoutCountersHasNoHeap() {
        assertThat(PerfData.heap(Integer.MAX_VALUE)).isNull();
        assertThat(PerfData.parse(java.nio.ByteBuffer.allocate(64))).as("no magic").isNull();
    }
}
