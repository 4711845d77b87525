package io.jswoole.examples;

import io.jswoole.process.Pool;
import java.nio.charset.StandardCharsets;

/**
 * {@code ./jswoole run pool [--host H] [--port P]}: a {@link Pool} of 4 worker JVMs fed through {@code listen}, as
 * Swoole's {@code SWOOLE_IPC_SOCKET} pool is: each connection sends one message (a 4-byte big-endian length, then
 * the bytes) and gets the answer of whichever worker took it, framed the same way, then the connection closes.
 * <pre>
 * printf '\000\000\000\005hello' | nc -q1 127.0.0.1 9501 | tail -c +5
 * </pre>
 */
public final class PoolJobs {
    private PoolJobs() {
    }

    /** Each worker answers a job with its id, its pid and the job reversed. */
    public static final class Jobs implements Pool.Worker {
        @Override
        public void onWorkerStart(Pool pool, int workerId) {
        }

        @Override
        public void onMessage(Pool pool, byte[] data) throws Exception {
            String job = new String(data, StandardCharsets.UTF_8);
            pool.write(("worker #" + pool.getWorkerId() + " (pid " + ProcessHandle.current().pid() + "): "
                    + new StringBuilder(job).reverse() + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The pool, listening on {@code host:port} once started (port 0: {@link Pool#port()}). */
    public static Pool create(String host, int port) {
        return new Pool(4, Pool.IPC_SOCKET, Jobs.class).listen(host, port);
    }

    public static void main(String[] args) throws InterruptedException {
        String host = "127.0.0.1";
        int port = 9501;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("usage: pool [--host H] [--port P]");
            }
        }
        Pool pool = create(host, port);
        String h = host;
        pool.onStart(p -> System.out.println("pool of 4 workers listening on " + h + ":" + p.port()
                + "; try: printf '\\000\\000\\000\\005hello' | nc -q1 " + h + " " + p.port() + " | tail -c +5"));
        pool.start();
    }
}
