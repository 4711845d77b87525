package io.jswoole.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Headless Chromium (Debian's {@code /usr/bin/chromium}) driven through its DevTools protocol over the JDK's
 * WebSocket client: open tabs, evaluate JavaScript in them, close them. Only string results are read back.
 */
final class Chromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Pattern ID = Pattern.compile("^\\{\"id\":(\\d+),");

    private final Process process;
    private final Path profile;
    private final WebSocket cdp;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<String>> pending = new ConcurrentHashMap<>();

    Chromium() throws Exception {
        profile = Files.createTempDirectory("jswoole-chromium");
        process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = DEVTOOLS.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
            url.completeExceptionally(new IOException("chromium exited before DevTools listened"));
        });
        String ws = url.get(30, TimeUnit.SECONDS);
        cdp = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(ws), new WebSocket.Listener() {
            private final StringBuilder sb = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                sb.append(data);
                if (last) {
                    String msg = sb.toString();
                    sb.setLength(0);
                    Matcher m = ID.matcher(msg);
                    if (m.find()) {
                        CompletableFuture<String> f = pending.remove(Integer.parseInt(m.group(1)));
                        if (f != null) {
                            f.complete(msg);
                        }
                    }
                }
                w.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
    }

    /** Sends a command (params as JSON text) and returns the raw JSON reply. */
    String send(String method, String params, String sessionId) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<String> f = new CompletableFuture<>();
        pending.put(id, f);
        cdp.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params
                + (sessionId == null ? "" : ",\"sessionId\":\"" + sessionId + "\"") + "}", true);
        String reply = f.get(15, TimeUnit.SECONDS);
        if (reply.contains("\"error\":")) {
            throw new IllegalStateException(method + " failed: " + reply);
        }
        return reply;
    }

    /** Opens a tab on {@code url}; returns its session id. */
    String open(String url) throws Exception {
        String target = field(send("Target.createTarget", "{\"url\":" + quote(url) + "}", null), "targetId");
        return field(send("Target.attachToTarget", "{\"targetId\":" + quote(target) + ",\"flatten\":true}", null),
                "sessionId") + " " + target;
    }

    /** Evaluates {@code js} in the tab and returns its value as a string. */
    String eval(String tab, String js) throws Exception {
        String reply = send("Runtime.evaluate", "{\"expression\":" + quote("String(" + js + ")")
                + ",\"returnByValue\":true,\"awaitPromise\":true}", tab.split(" ")[0]);
        return unquote(field(reply, "value"));
    }

    /** Polls {@code js} in the tab until its value contains {@code expected} (10 s); returns the last value. */
    String await(String tab, String js, String expected) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String v = "";
        while (System.nanoTime() < end) {
            v = eval(tab, js);
            if (v.contains(expected)) {
                return v;
            }
            Thread.sleep(50);
        }
        return v;
    }

    /** A PNG of the tab at {@code width} x {@code height} CSS pixels (a laptop screen: 1366 x 768). */
    byte[] screenshot(String tab, int width, int height) throws Exception {
        String session = tab.split(" ")[0];
        send("Emulation.setDeviceMetricsOverride", "{\"width\":" + width + ",\"height\":" + height
                + ",\"deviceScaleFactor\":1,\"mobile\":false}", session);
        String reply = send("Page.captureScreenshot", "{\"format\":\"png\"}", session);
        int at = reply.indexOf("\"data\":\"") + 8; // base64 has no quote or escape; too long for field's pattern
        if (at < 8) {
            throw new IllegalStateException("no screenshot in " + reply);
        }
        return java.util.Base64.getDecoder().decode(reply.substring(at, reply.indexOf('"', at)));
    }

    void closeTab(String tab) throws Exception {
        send("Target.closeTarget", "{\"targetId\":" + quote(tab.split(" ")[1]) + "}", null);
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1);
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static String unquote(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                sb.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> sb.append(n);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws Exception {
        try {
            cdp.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the browser goes anyway
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (Stream<Path> s = Files.walk(profile)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
