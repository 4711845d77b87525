package io.jswoole.server.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A worker JVM's standard error: copied to this JVM's as it comes (what {@code inheritIO} would show), with its
 * last {@value #KEEP} bytes kept so that a worker that cannot start can be reported with its own words.
 */
final class StderrTail {
    private static final int KEEP = 2048;
    private final byte[] ring = new byte[KEEP];
    private long total;
    private final CountDownLatch ended = new CountDownLatch(1);

    StderrTail(InputStream in) {
        Thread.ofVirtual().name("jswoole-worker-stderr").start(() -> copy(in));
    }

    private void copy(InputStream in) {
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) {
                System.err.write(buf, 0, n);
                System.err.flush();
                keep(buf, n);
            }
        } catch (IOException e) {
            // the worker is gone
        } finally {
            ended.countDown();
        }
    }

    private synchronized void keep(byte[] buf, int n) {
        for (int i = Math.max(0, n - KEEP); i < n; i++) {
            ring[(int) (total++ % KEEP)] = buf[i];
        }
    }

    /** The last bytes written, once the stream has ended (or after {@code millis}). */
    String await(long millis) {
        try {
            ended.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            int n = (int) Math.min(total, KEEP);
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                out[i] = ring[(int) ((total - n + i) % KEEP)];
            }
            return new String(out, StandardCharsets.UTF_8);
        }
    }
}
