package io.jswoole.coroutine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Coroutines whose ids share a slot of the registry's table are all found, and each leaves alone. */
class RegistryTest {
    @Test
    void idsSharingASlotGoBesideTheTableAndAreFoundAndRemovedOneByOne() {
        Coroutine.run(() -> {
            Registry<Coroutine> r = new Registry<>(Registry.SLOTS, Coroutine::id);
            Coroutine a = Coroutine.currentOrNull();
            long id = a.id();
            long sameSlot = id + Registry.SLOTS, again = id + 2L * Registry.SLOTS;
            r.put(id, a);
            r.put(sameSlot, a); // the table holds id: these two go to the overflow map
            r.put(again, a);
            assertThat(r.contains(id)).isTrue();
            assertThat(r.get(sameSlot)).isSameAs(a);
            assertThat(r.contains(again)).isTrue();
            assertThat(r.contains(id + 1)).isFalse();
            assertThat(r.values()).hasSize(3);
            r.remove(sameSlot);
            assertThat(r.contains(sameSlot)).isFalse();
            assertThat(r.contains(id)).as("the table's entry stays").isTrue();
            r.remove(id);
            assertThat(r.contains(id)).isFalse();
            assertThat(r.contains(again)).as("the overflow's entry stays").isTrue();
            r.removeIf(c -> c == a);
            assertThat(r.values()).isEmpty();
        });
    }
}
