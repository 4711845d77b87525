package io.jswoole.http;

import io.netty.handler.codec.http.HttpRequest;
import java.util.Map;

/**
 * A complete request, decoded on the connection's event loop and handed to a worker: the head (Netty's, not
 * reference-counted), the body as bytes, the multipart fields and files when they were parsed while streaming,
 * and the request's sequence number on its connection (responses are written in that order).
 *
 * @param conn     the connection, or null in a worker JVM (PROCESS mode), where only its addresses travel

 * @param form     multipart form fields, or null when the body was not multipart
 * @param files    uploaded files (empty when none)
 * @param upgrade  a WebSocket upgrade request (only on a WebSocketServer)
 * @param time     when the head arrived, seconds since the epoch
 * @param stream   the body as it arrives, for a request handed over at its head ({@code HttpServer.streamBody});
 *                 null when {@code body} is the whole body
 * @param localIp  in a worker JVM, the address the client reached as the master saw it; null where {@code conn}
 *                 is at hand ({@link #serverAddr()} reads it from the connection's channel then)
 */
record HttpExchange(HttpConn conn, long seq, HttpRequest head, byte[] body, Map<String, String> form,
                    Map<String, UploadedFile> files, boolean keepAlive, boolean upgrade, double time,
                    String remoteIp, int remotePort, int localPort, IncomingBody stream, String localIp) {
    HttpExchange(HttpConn conn, long seq, HttpRequest head, byte[] body, Map<String, String> form,
                 Map<String, UploadedFile> files, boolean keepAlive, boolean upgrade, double time) {
        this(conn, seq, head, body, form, files, keepAlive, upgrade, time, conn.remoteIp, conn.remotePort,
                conn.localPort, null, null);
    }

    /** A request handed over at its head, its body to come through {@code stream}. */
    static HttpExchange streaming(HttpConn conn, long seq, HttpRequest head, boolean keepAlive, double time,
                                  IncomingBody stream) {
        return new HttpExchange(conn, seq, head, new byte[0], null, Map.of(), keepAlive, false, time, conn.remoteIp,
                conn.remotePort, conn.localPort, stream, null);
    }

    /**
     * Swoole's {@code server_addr}: the local address of the connection (the interface the client reached, not the
     * address the port is bound to, which may be 0.0.0.0); for a Unix socket, its path.
     */
    String serverAddr() {
        if (localIp != null || conn == null) {
            return localIp == null ? "" : localIp;
        }
        return address(conn.channel.localAddress());
    }

    /** An address as Swoole prints it: IPv6 in RFC 5952's short form ({@code ::1}), a Unix socket as its path. */
    static String address(java.net.SocketAddress a) {
        if (a instanceof java.net.InetSocketAddress i) {
            return i.getAddress() == null ? i.getHostString() : io.netty.util.NetUtil.toAddressString(i.getAddress());
        }
        return a == null ? "" : a.toString(); // Netty's DomainSocketAddress and the JDK's print their path
    }
}
