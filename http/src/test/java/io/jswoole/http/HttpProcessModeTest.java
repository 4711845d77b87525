package io.jswoole.http;

import static io.jswoole.http.HttpServerTest.readUntil;
import static io.jswoole.server.Running.curl;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Running;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only PROCESS mode does to HTTP: a worker JVM that dies mid-request. */
class HttpProcessModeTest {
    @TempDir
    Path tmp;

    private static void kill(long pid) {
        ProcessHandle p = ProcessHandle.of(pid).orElseThrow();
        p.destroyForcibly();
        p.onExit().join();
    }

    @Test
    void aWorkerKilledMidRequestAnswers503AndTheConnectionServesOn() throws Exception {
        try (Running s = Running.start(HttpApp.create(Mode.PROCESS, tmp, Map.of("worker_num", 1)))) {
            long pid = Long.parseLong(curl(s.url("/pid")));
            try (Socket c = s.connect()) {
                c.setSoTimeout(10_000);
                c.getOutputStream().write("GET /sleep?ms=60000 HTTP/1.1\r\nHost: a\r\n\r\n".getBytes());
                Thread.sleep(1000); // the request reaches the worker and its handler sleeps
                kill(pid);
                String answer = readUntil(c.getInputStream(), "</html>", 1);
                assertThat(answer).startsWith("HTTP/1.1 503 Service Unavailable").doesNotContainIgnoringCase(
                        "connection: close");
                // the same keep-alive connection: the replacement worker answers its next request
                c.getOutputStream().write("GET /pid HTTP/1.1\r\nHost: a\r\n\r\n".getBytes());
                String next = readUntil(c.getInputStream(), "\r\n\r\n", 1);
                assertThat(next).startsWith("HTTP/1.1 200");
                String body = readBody(c, next);
                assertThat(Long.parseLong(body)).isNotEqualTo(pid);
            }
        }
    }

    @Test
    void aWorkerKilledMidResponseClosesThatConnectionAfterWhatWasSent() throws Exception {
        try (Running s = Running.start(HttpApp.create(Mode.PROCESS, tmp, Map.of("worker_num", 1)))) {
            long pid = Long.parseLong(curl(s.url("/pid")));
            try (Socket c = s.connect()) {
                c.getOutputStream().write("GET /stall HTTP/1.1\r\nHost: a\r\n\r\n".getBytes());
                assertThat(readUntil(c.getInputStream(), "part1,", 1)).startsWith("HTTP/1.1 200");
                kill(pid);
                String rest = Running.readUntilClose(c);
                assertThat(rest).as("closed, not hanging, without the end of the body")
                        .doesNotContain("<timeout>", "end");
            }
            assertThat(curl(s.url("/info"))).contains("method=GET");
        }
    }

    @Test
    void requestsQueuedToAWorkerRecycledByMaxRequestAreAllServed() throws Exception {
        // one worker replaced after 20 requests (plus up to 10 of grace): 600 requests on 4 connections, 10
        // pipelined at a time; every one is answered 200 by a worker, none dropped or answered 503
        try (Running s = Running.start(HttpApp.create(Mode.PROCESS, tmp, Map.of("worker_num", 1, "max_request", 20)))) {
            var pids = java.util.concurrent.ConcurrentHashMap.<String>newKeySet();
            var errors = new java.util.concurrent.CopyOnWriteArrayList<String>();
            Thread[] clients = new Thread[4];
            for (int t = 0; t < clients.length; t++) {
                clients[t] = Thread.ofPlatform().start(() -> {
                    try (Socket c = s.connect()) {
                        c.setSoTimeout(20_000);
                        var in = new java.io.BufferedInputStream(c.getInputStream());
                        for (int round = 0; round < 15; round++) {
                            c.getOutputStream().write("GET /pid HTTP/1.1\r\nHost: a\r\n\r\n".repeat(10).getBytes());
                            for (int i = 0; i < 10; i++) {
                                String head = readHead(in);
                                if (!head.startsWith("HTTP/1.1 200")) {
                                    errors.add(head.lines().findFirst().orElse(head));
                                }
                                int len = Integer.parseInt(head.replaceAll("(?si).*content-length: (\\d+).*", "$1"));
                                pids.add(new String(in.readNBytes(len)));
                            }
                        }
                    } catch (Exception e) {
                        errors.add(e.toString());
                    }
                });
            }
            for (Thread t : clients) {
                t.join();
            }
            assertThat(errors).isEmpty();
            // a recycling worker also serves what it already holds (up to 40 requests in flight): 20-30 + 40 each
            assertThat(pids.size()).as("worker JVMs that answered").isGreaterThanOrEqualTo(600 / 70);
        }
    }

    /** A response head read byte by byte, so that nothing after it is taken. */
    private static String readHead(java.io.InputStream in) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 4 || !sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("EOF after " + sb);
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    /** The Content-Length body after {@code head} (which may already hold part of it). */
    private static String readBody(Socket c, String head) throws java.io.IOException {
        int len = Integer.parseInt(head.replaceAll("(?si).*content-length: (\\d+).*", "$1"));
        String have = head.substring(head.indexOf("\r\n\r\n") + 4);
        StringBuilder sb = new StringBuilder(have);
        byte[] buf = new byte[1024];
        while (sb.length() < len) {
            int n = c.getInputStream().read(buf);
            if (n < 0) {
                break;
            }
            sb.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        return sb.toString();
    }
}
