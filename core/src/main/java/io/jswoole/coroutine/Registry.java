package io.jswoole.coroutine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * The live coroutines by id (or by the id of the thread that runs them), readable from any thread. Ids are thread ids, handed out in increasing order, and most
 * coroutines are short: a coroutine goes into the slot its id picks in a fixed table (one compare-and-set, nothing
 * allocated), and only when that slot holds a coroutine still alive from {@code SLOTS} ids ago into a map beside it.
 * A map alone cost two allocations and four atomic operations per coroutine, a few percent of a pipelined HTTP run.
 */
final class Registry {
    static final int SLOTS = 1 << 16;
    private final AtomicReferenceArray<Coroutine> table = new AtomicReferenceArray<>(SLOTS);
    private final Map<Long, Coroutine> overflow = new ConcurrentHashMap<>();
    /** The key a coroutine is registered under (its id, or the id of the thread that runs it). */
    private final ToLongFunction<Coroutine> key;

    Registry(ToLongFunction<Coroutine> key) {
        this.key = key;
    }

    private static int slot(long id) {
        return (int) id & (SLOTS - 1);
    }

    /** Registers {@code co} under {@code id} (its key, not registered yet). */
    void put(long id, Coroutine co) {
        if (!table.compareAndSet(slot(id), null, co)) {
            overflow.put(id, co);
        }
    }

    void remove(long id) {
        int i = slot(id);
        Coroutine c = table.get(i);
        if (c == null || key.applyAsLong(c) != id || !table.compareAndSet(i, c, null)) {
            overflow.remove(id);
        }
    }

    Coroutine get(long id) {
        Coroutine c = table.get(slot(id));
        return c != null && key.applyAsLong(c) == id ? c : overflow.get(id);
    }

    boolean contains(long id) {
        return get(id) != null;
    }

    /** The live coroutines now (a snapshot, in no particular order). */
    List<Coroutine> values() {
        List<Coroutine> all = new ArrayList<>(overflow.values());
        for (int i = 0; i < SLOTS; i++) {
            Coroutine c = table.get(i);
            if (c != null) {
                all.add(c);
            }
        }
        return all;
    }

    /** Forgets the coroutines {@code which} selects. */
    void removeIf(Predicate<Coroutine> which) {
        for (int i = 0; i < SLOTS; i++) {
            Coroutine c = table.get(i);
            if (c != null && which.test(c)) {
                table.compareAndSet(i, c, null);
            }
        }
        overflow.values().removeIf(which);
    }
}
