package io.jswoole.coroutine;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link CoSystem#waitSignal}: a handler of the JDK's signal dispatcher is installed for the signals waited for,
 * while someone waits, and the previous one is put back when the last waiter leaves. A delivery wakes every waiter
 * of that signal; with nobody waiting (a delivery racing the end of a wait) it goes to the previous handler.
 */
final class SignalWait {
    /** Linux's numbers (x86-64 and arm64 share them). */
    private static final String[] NAMES = {null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
        "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
        "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};

    private static final Map<Integer, Slot> SLOTS = new HashMap<>();

    private static final class Slot {
        final List<Waiter> waiters = new ArrayList<>();
        sun.misc.SignalHandler previous;
    }

    private SignalWait() {
    }

    static int waitSignal(int[] signals, double timeout) {
        if (signals.length == 0) {
            throw new IllegalArgumentException("waitSignal needs at least one signal");
        }
        Waiter w = new Waiter(Coroutine.currentOrNull());
        List<Integer> added = new ArrayList<>();
        try {
            for (int signo : signals) {
                add(signo, w);
                added.add(signo);
            }
            int r = Waiter.await(w, Channel.nanos(timeout));
            if (r == Waiter.CANCELED) {
                throw new SwooleException(ErrorCode.CO_CANCELED, "canceled");
            }
            return r == Waiter.OK ? (Integer) w.item : -1;
        } finally {
            for (int signo : added) {
                remove(signo, w);
            }
        }
    }

    private static synchronized void add(int signo, Waiter w) {
        if (signo <= 0 || signo >= NAMES.length) {
            throw new IllegalArgumentException("unknown signal " + signo);
        }
        Slot slot = SLOTS.get(signo);
        if (slot == null) {
            slot = new Slot();
            Slot s = slot;
            // throws IllegalArgumentException for a signal HotSpot keeps (QUIT, SEGV, KILL...), naming it
            slot.previous = sun.misc.Signal.handle(new sun.misc.Signal(NAMES[signo]), sig -> deliver(signo, s, sig));
            SLOTS.put(signo, slot);
        }
        slot.waiters.add(w);
    }

    private static synchronized void remove(int signo, Waiter w) {
        Slot slot = SLOTS.get(signo);
        if (slot != null && slot.waiters.remove(w) && slot.waiters.isEmpty()) {
            SLOTS.remove(signo);
            sun.misc.Signal.handle(new sun.misc.Signal(NAMES[signo]), slot.previous);
        }
    }

    private static void deliver(int signo, Slot slot, sun.misc.Signal sig) {
        boolean woke = false;
        synchronized (SignalWait.class) { // deliveries one at a time: the first signal a waiter sees is its answer
            for (Waiter w : slot.waiters) {
                if (w.state == Waiter.WAITING) {
                    w.item = signo;
                    woke |= w.wake(Waiter.OK);
                }
            }
        }
        if (!woke && slot.previous != null && slot.previous != sun.misc.SignalHandler.SIG_DFL
                && slot.previous != sun.misc.SignalHandler.SIG_IGN) {
            slot.previous.handle(sig);
        }
    }
}
