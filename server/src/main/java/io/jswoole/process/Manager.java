package io.jswoole.process;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code Swoole\Process\Manager}: a {@link Pool} whose workers each run an entry point of their own, added one by
 * one ({@link #add}) or in batches ({@link #addBatch}). An entry point is a {@code public static} method taking
 * {@code (Pool pool, int workerId)}, as Swoole's callables take them (a JVM cannot fork a closure); when it
 * returns, the worker exits and is restarted, so it should loop while {@code pool.running()}. Supervision,
 * stopping and reloading are the pool's.
 * <pre>{@code
 * new Manager().add(Jobs.class, "scheduler").addBatch(4, Jobs.class, "consumer").start();
 * }</pre>
 */
public final class Manager {
    private final List<String> entries = new ArrayList<>();
    private final List<Class<?>> owners = new ArrayList<>();
    private int ipcType = Pool.IPC_NONE;
    private Map<String, ?> settings = Map.of();
    private Consumer<Pool> onStart;
    private Pool pool;

    /** Adds a worker that runs {@code owner.method(Pool, int)}. */
    public Manager add(Class<?> owner, String method) {
        return addBatch(1, owner, method);
    }

    /** Adds {@code n} workers that run {@code owner.method(Pool, int)}. */
    public Manager addBatch(int n, Class<?> owner, String method) {
        if (n < 1) {
            throw new IllegalArgumentException("addBatch needs at least 1 worker, got " + n);
        }
        check(owner, method);
        for (int i = 0; i < n; i++) {
            entries.add(owner.getName() + "#" + method);
            owners.add(owner);
        }
        return this;
    }

    /** {@code setIPCType}: {@link Pool#IPC_NONE} (the default) or {@link Pool#IPC_UNIXSOCK}. */
    public Manager setIPCType(int type) {
        this.ipcType = type;
        return this;
    }

    public int getIPCType() {
        return ipcType;
    }

    /** The pool's settings ({@link Pool#set}). */
    public Manager set(Map<String, ?> settings) {
        this.settings = Map.copyOf(settings);
        return this;
    }

    /** The pool's {@code onStart}, in this JVM. */
    public Manager onStart(Consumer<Pool> callback) {
        this.onStart = callback;
        return this;
    }

    /** Starts the workers and supervises them until SIGTERM, SIGINT or {@link #shutdown}. */
    public boolean start() throws InterruptedException {
        if (entries.isEmpty()) {
            throw new IllegalStateException("no worker was added (add, addBatch)");
        }
        Pool p = new Pool(entries.size(), ipcType, EntryWorker.class).set(settings).extraArgs(entries,
                owners.get(0).getClassLoader());
        if (onStart != null) {
            p.onStart(onStart);
        }
        synchronized (this) {
            pool = p;
        }
        return p.start();
    }

    /** Stops a started manager. */
    public synchronized void shutdown() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    /** The pool under this manager, once {@link #start} has begun (for {@code getProcess}). */
    public synchronized Pool pool() {
        return pool;
    }

    private static Method check(Class<?> owner, String method) {
        Method m;
        try {
            m = owner.getMethod(method, Pool.class, int.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("the entry point " + owner.getName() + "." + method
                    + "(Pool, int) does not exist or is not public", e);
        }
        if (!Modifier.isStatic(m.getModifiers())) {
            throw new IllegalArgumentException("the entry point " + owner.getName() + "." + method
                    + " must be static: the worker JVM has no instance to call it on");
        }
        return m;
    }

    /** The worker of a manager's pool: runs the entry point its id was given. */
    static final class EntryWorker implements Pool.Worker {
        @Override
        public void onWorkerStart(Pool pool, int workerId) throws Exception {
            String[] e = PoolWorker.extraArgs().get(workerId).split("#", 2);
            Method m = check(Class.forName(e[0]), e[1]);
            m.setAccessible(true);
            try {
                m.invoke(null, pool, workerId);
            } catch (java.lang.reflect.InvocationTargetException ex) {
                if (ex.getCause() instanceof Exception c) {
                    throw c;
                }
                throw ex;
            }
        }
    }
}
