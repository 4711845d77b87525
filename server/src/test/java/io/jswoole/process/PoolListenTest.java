package io.jswoole.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code Pool::listen} with IPC_SOCKET: real TCP clients on 127.0.0.1 feed real worker JVMs. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PoolListenTest {
    /** Answers each message with who answered; "twice" gets two answers, "slow" one after a second. */
    public static final class Echo implements Pool.Worker {
        @Override
        public void onWorkerStart(Pool pool, int workerId) {
        }

        @Override
        public void onMessage(Pool pool, byte[] data) throws Exception {
            String m = new String(data, StandardCharsets.UTF_8);
            if (m.equals("slow")) {
                Thread.sleep(1000);
            }
            String answer = "echo " + m + " from " + pool.getWorkerId();
            pool.write(answer.getBytes(StandardCharsets.UTF_8));
            if (m.equals("twice")) {
                pool.write("again".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private Pool pool;
    private Thread runner;

    private Pool start(Pool p) throws InterruptedException {
        CountDownLatch up = new CountDownLatch(1);
        p.onStart(x -> up.countDown());
        pool = p;
        runner = Thread.ofPlatform().start(() -> {
            try {
                p.start();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(up.await(60, TimeUnit.SECONDS));
        return p;
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (pool != null) {
            pool.shutdown();
            runner.join(30_000);
        }
    }

    /** One client exchange: the message out, every answer until the pool closes the connection. */
    private static List<String> ask(int port, byte[] message, int declaredLength) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(declaredLength);
            out.write(message);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            List<String> answers = new ArrayList<>();
            while (true) {
                int len;
                try {
                    len = in.readInt();
                } catch (EOFException e) {
                    return answers;
                }
                byte[] b = new byte[len];
                in.readFully(b);
                answers.add(new String(b, StandardCharsets.UTF_8));
            }
        }
    }

    private static List<String> ask(int port, String message) throws IOException {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        return ask(port, b, b.length);
    }

    @Test
    void outsideClientsGetOneAnswerPerConnectionFromEveryWorker() throws Exception {
        Pool p = start(new Pool(2, Pool.IPC_SOCKET, Echo.class).listen("127.0.0.1", 0));
        int port = p.port();
        assertTrue(port > 0);
        Set<String> workers = ConcurrentHashMap.newKeySet();
        List<Future<?>> done = new ArrayList<>();
        try (var exec = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 40; i++) {
                int id = i;
                done.add(exec.submit(() -> {
                    List<String> a = ask(port, "job-" + id);
                    assertEquals(1, a.size(), a::toString);
                    assertTrue(a.get(0).matches("echo job-" + id + " from [01]"), a.get(0));
                    workers.add(a.get(0).substring(a.get(0).length() - 1));
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertEquals(Set.of("0", "1"), workers, "both workers served");
        List<String> two = ask(port, "twice");
        assertEquals(2, two.size(), two::toString);
        assertTrue(two.get(0).matches("echo twice from [01]") && two.get(1).equals("again"), two::toString);
        assertThrows(IllegalStateException.class, () -> p.getProcess(0).write("x"), "the listener's pipe");
        assertThrows(IllegalStateException.class, () -> p.sendMessage(new byte[1], 0));
    }

    @Test
    void aMessageOverMaxPackageSizeClosesThatConnectionOnly() throws Exception {
        Pool p = start(new Pool(1, Pool.IPC_SOCKET, Echo.class).set(Map.of("max_package_size", 1024))
                .listen("127.0.0.1", 0));
        assertEquals(List.of(), ask(p.port(), new byte[0], 1025), "closed, no answer, nothing allocated");
        assertEquals(List.of(), ask(p.port(), new byte[0], -1));
        assertEquals(List.of("echo fine from 0"), ask(p.port(), "fine"));
    }

    @Test
    void shutdownLetsTheMessageBeingHandledAnswer() throws Exception {
        Pool p = start(new Pool(1, Pool.IPC_SOCKET, Echo.class).set(Map.of("max_wait_time", 10))
                .listen("127.0.0.1", 0));
        int port = p.port();
        AtomicBoolean answered = new AtomicBoolean();
        Thread client = Thread.ofPlatform().start(() -> {
            try {
                answered.set(ask(port, "slow").equals(List.of("echo slow from 0")));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(500); // the worker is in its second of sleep
        p.shutdown();
        client.join(30_000);
        runner.join(30_000);
        pool = null;
        assertTrue(answered.get(), "the slow message's answer arrived before the pool stopped");
        assertThrows(IOException.class, () -> ask(port, "late"), "nothing listens any more");
    }

    @Test
    void listenIsChecked() {
        assertThrows(IllegalStateException.class, () -> new Pool(1, Pool.IPC_UNIXSOCK, Echo.class)
                .listen("127.0.0.1", 0));
        assertThrows(IllegalStateException.class, () -> new Pool(1, Pool.IPC_SOCKET, Echo.class).start(),
                "IPC_SOCKET without listen");
        assertThrows(IllegalArgumentException.class, () -> new Pool(1, Pool.IPC_SOCKET, Echo.class)
                .listen("127.0.0.1", 70000));
    }
}
