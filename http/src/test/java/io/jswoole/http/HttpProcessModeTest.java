package io.jswoole.http;

import static io.jswoole.http.HttpServerTest.readUntil;
import static io.jswoole.http.Served.curl;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
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
        try (Served s = Served.start(HttpApp.create(Mode.PROCESS, tmp, Map.of("worker_num", 1)))) {
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
        try (Served s = Served.start(HttpApp.create(Mode.PROCESS, tmp, Map.of("worker_num", 1)))) {
            long pid = Long.parseLong(curl(s.url("/pid")));
            try (Socket c = s.connect()) {
                c.getOutputStream().write("GET /stall HTTP/1.1\r\nHost: a\r\n\r\n".getBytes());
                assertThat(readUntil(c.getInputStream(), "part1,", 1)).startsWith("HTTP/1.1 200");
                kill(pid);
                String rest = Served.readUntilClose(c);
                assertThat(rest).as("closed, not hanging, without the end of the body")
                        .doesNotContain("<timeout>", "end");
            }
            assertThat(curl(s.url("/info"))).contains("method=GET");
        }
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
