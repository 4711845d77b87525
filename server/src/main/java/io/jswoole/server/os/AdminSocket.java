package io.jswoole.server.os;

import io.jswoole.log.Log;
import io.jswoole.server.Server;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * {@code ./jswoole stats --pid-file F}: when {@code pid_file} is set, the master answers on the Unix socket
 * {@code F.sock} (owner-only) with its {@link Server#stats()} as one JSON object, then closes. The socket is
 * removed with the pid file.
 */
public final class AdminSocket {
    private final Server server;
    private final Path path;
    private ServerSocketChannel listener;

    public AdminSocket(Server server, Path pidFile) {
        this.server = server;
        this.path = Path.of(pidFile + ".sock");
    }

    public void start() {
        try {
            Files.deleteIfExists(path);
            listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            listener.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            Log.warning("no stats socket at " + path + ": " + e.getMessage());
            return;
        }
        Thread.ofPlatform().daemon().name("jswoole-admin").start(this::serve);
    }

    private void serve() {
        while (listener.isOpen()) {
            try (SocketChannel ch = listener.accept()) {
                ch.write(ByteBuffer.wrap((json(server.stats()) + "\n").getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                if (listener.isOpen()) {
                    Log.warning("stats socket: " + e.getMessage());
                }
            }
        }
    }

    public void stop() {
        try {
            if (listener != null) {
                listener.close();
            }
            Files.deleteIfExists(path);
        } catch (IOException e) {
            Log.warning("cannot remove " + path + ": " + e.getMessage());
        }
    }

    /** Stats values are numbers and strings: a flat JSON object. */
    static String json(Map<String, Object> m) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : m.entrySet()) {
            sb.append(sb.length() > 1 ? ", " : "").append('"').append(e.getKey()).append("\": ");
            Object v = e.getValue();
            if (v instanceof Number || v instanceof Boolean) {
                sb.append(v);
            } else {
                sb.append('"').append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return sb.append('}').toString();
    }
}
