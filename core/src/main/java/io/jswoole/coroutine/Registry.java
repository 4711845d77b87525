package io.jswoole.coroutine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Live coroutines by id (or the threads that run them, by thread id), readable from any thread. Ids come from the
 * JDK's sequence of thread ids, in increasing order, and most coroutines are short: an entry goes into the slot its
 * id picks in a fixed table (one compare-and-set, nothing allocated), and only when that slot holds an entry still
 * alive from a table's length of ids ago into a map beside it. A map alone cost two allocations and four atomic
 * operations per coroutine, a few percent of a pipelined HTTP run.
 */
final class Registry<T> {
    /** The table's size for coroutines: most ids of the live ones pick a slot of their own. */
    static final int SLOTS = 1 << 16;
    private final AtomicReferenceArray<T> table;
    private final int mask;
    private final Map<Long, T> overflow = new ConcurrentHashMap<>();
    /** The key a coroutine is registered under (its id, or the id of the thread that runs it). */
    private final ToLongFunction<T> key;

    /** A table of {@code slots} entries (a power of two) before the map. */
    Registry(int slots, ToLongFunction<T> key) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two, got " + slots);
        }
        this.table = new AtomicReferenceArray<>(slots);
        this.mask = slots - 1;
        this.key = key;
    }

    private int slot(long id) {
        return (int) id & mask;
    }

    /** Registers {@code co} under {@code id} (its key, not registered yet). */
    void put(long id, T co) {
        if (!table.compareAndSet(slot(id), null, co)) {
            overflow.put(id, co);
        }
    }

    void remove(long id) {
        int i = slot(id);
        T c = table.get(i);
        if (c == null || key.applyAsLong(c) != id || !table.compareAndSet(i, c, null)) {
            overflow.remove(id);
        }
    }

    T get(long id) {
        T c = table.get(slot(id));
        return c != null && key.applyAsLong(c) == id ? c : overflow.get(id);
    }

    boolean contains(long id) {
        return get(id) != null;
    }

    /** The live coroutines now (a snapshot, in no particular order). */
    List<T> values() {
        List<T> all = new ArrayList<>(overflow.values());
        for (int i = 0; i < table.length(); i++) {
            T c = table.get(i);
            if (c != null) {
                all.add(c);
            }
        }
        return all;
    }

    /** Forgets the coroutines {@code which} selects. */
    void removeIf(Predicate<T> which) {
        for (int i = 0; i < table.length(); i++) {
            T c = table.get(i);
            if (c != null && which.test(c)) {
                table.compareAndSet(i, c, null);
            }
        }
        overflow.values().removeIf(which);
    }
}
