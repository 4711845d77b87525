package io.jswoole.cli.bench;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.netty.channel.unix.DomainSocketAddress;

/**
 * Where the load goes, from {@code -s}: {@code tcp://host:port}, {@code tls://host:port} (TCP with TLS),
 * {@code udp://host:port}, {@code unix:/path} (or a path starting with {@code /}), or a bare {@code host:port} (TCP).
 *
 * @param scheme {@code tcp}, {@code tls}, {@code udp} or {@code unix}
 * @param host   host name or address ({@code tcp}, {@code tls}, {@code udp}); the socket path for {@code unix}
 * @param port   the port, 0 for {@code unix}
 */
public record Target(String scheme, String host, int port) {
    /** Parses the {@code -s} value; throws IllegalArgumentException with the forms it takes. */
    static Target parse(String s) {
        String usage = "-s takes tcp://host:port, tls://host:port, udp://host:port or unix:/path, got '" + s + "'";
        if (s.startsWith("unix:") || s.startsWith("/")) {
            String path = s.startsWith("unix://") ? s.substring(7) : s.startsWith("unix:") ? s.substring(5) : s;
            if (path.isEmpty()) {
                throw new IllegalArgumentException(usage);
            }
            return new Target("unix", path, 0);
        }
        String scheme = "tcp";
        String rest = s;
        int sep = s.indexOf("://");
        if (sep >= 0) {
            scheme = s.substring(0, sep);
            rest = s.substring(sep + 3);
            if (!scheme.equals("tcp") && !scheme.equals("tls") && !scheme.equals("udp")) {
                throw new IllegalArgumentException(usage);
            }
        }
        int colon = rest.lastIndexOf(':');
        if (colon <= 0 || colon == rest.length() - 1) {
            throw new IllegalArgumentException(usage);
        }
        String host = rest.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(rest.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(usage);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(usage + " (the port is 1 to 65535)");
        }
        return new Target(scheme, host, port);
    }

    boolean isUdp() {
        return scheme.equals("udp");
    }

    /** TCP with TLS: each connection handshakes before its first request. */
    boolean isTls() {
        return scheme.equals("tls");
    }

    boolean isUnix() {
        return scheme.equals("unix");
    }

    /** What a Netty channel connects to (unix sockets need the epoll transport). */
    SocketAddress address() {
        return isUnix() ? new DomainSocketAddress(host) : new InetSocketAddress(host, port);
    }

    /** The {@code Host} header value of HTTP and WebSocket requests. */
    String authority() {
        if (isUnix()) {
            return "localhost";
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return isUnix() ? "unix:" + host : scheme + "://" + authority();
    }
}
