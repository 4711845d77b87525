package io.jswoole.memory;

import java.util.Map;

/**
 * A worker process for the cross-process tests: started by {@link ChildProcess} with {@code JSWOOLE_SHM_ATTACH}
 * set, it creates the same shared objects as the test (so it attaches to them) and then plays one role.
 * Exit codes: 0 done, 2 bad arguments, 3 an attach error (message on stderr).
 */
public final class ShmChild {
    private ShmChild() {
    }

    static Table counterTable(String name) {
        Table t = new Table(name, 1024, 0.2);
        t.column("n", Table.Type.INT);
        t.column("f", Table.Type.FLOAT);
        t.column("s", Table.Type.STRING, 16);
        t.create();
        return t;
    }

    public static void main(String[] args) throws Exception {
        if (!SharedMemory.attaching()) {
            System.err.println("JSWOOLE_SHM_ATTACH is not set");
            System.exit(2);
        }
        try {
            run(args);
        } catch (io.jswoole.SwooleException e) {
            System.err.println(e.getMessage());
            System.exit(3);
        }
    }

    private static void run(String[] args) throws Exception {
        String role = args[0];
        switch (role) {
            case "incr" -> {
                int n = Integer.parseInt(args[1]);
                Table t = counterTable("xp-counter");
                Atomic a = new Atomic("xp-total", 0);
                AtomicLong l = new AtomicLong("xp-long", 0);
                Lock lock = new Lock("xp-lock", Lock.Type.MUTEX);
                ready();
                for (int i = 0; i < n; i++) {
                    t.incr("k", "n");
                    t.incr("k" + (i % 50), "n");
                    a.add();
                    l.add(3);
                    if (i % 10 == 0) {
                        lock.lock();
                        long v = (Long) t.get("locked", "n");
                        t.set("locked", Map.of("n", v + 1));
                        lock.unlock();
                    }
                }
            }
            case "holdrow" -> {
                Table t = counterTable("xp-crash");
                t.lockRowForever(args[1]);
                ready();
                Thread.sleep(60_000);
            }
            case "holdlock" -> {
                Lock lock = new Lock("xp-held", Lock.Type.valueOf(args[1]));
                if (args.length > 2 && args[2].equals("read")) {
                    lock.lockRead();
                } else {
                    lock.lock();
                }
                ready();
                Thread.sleep(60_000);
            }
            case "churn" -> {
                Table t = counterTable("xp-iter");
                ready();
                long end = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000L;
                for (long i = 0; System.nanoTime() < end; i++) {
                    String key = "churn-" + (i % 300);
                    if (i % 3 == 2) {
                        t.del(key);
                    } else {
                        t.set(key, Map.of("n", i, "f", (double) i, "s", Long.toString(i)));
                    }
                }
            }
            case "mismatch" -> {
                Table t = new Table("xp-counter", 1024, 0.2);
                t.column("n", Table.Type.INT);
                t.column("other", Table.Type.INT);
                t.column("s", Table.Type.STRING, 16);
                t.create();
            }
            default -> System.exit(2);
        }
    }

    private static void ready() {
        System.out.println("READY");
        System.out.flush();
    }
}
