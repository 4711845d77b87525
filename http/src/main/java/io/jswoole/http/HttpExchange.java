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
 */
record HttpExchange(HttpConn conn, long seq, HttpRequest head, byte[] body, Map<String, String> form,
                    Map<String, UploadedFile> files, boolean keepAlive, boolean upgrade, double time,
                    String remoteIp, int remotePort, int localPort, IncomingBody stream) {
    HttpExchange(HttpConn conn, long seq, HttpRequest head, byte[] body, Map<String, String> form,
                 Map<String, UploadedFile> files, boolean keepAlive, boolean upgrade, double time) {
        this(conn, seq, head, body, form, files, keepAlive, upgrade, time, conn.remoteIp, conn.remotePort,
                conn.localPort, null);
    }

    HttpExchange(HttpConn conn, long seq, HttpRequest head, byte[] body, Map<String, String> form,
                 Map<String, UploadedFile> files, boolean keepAlive, boolean upgrade, double time,
                 String remoteIp, int remotePort, int localPort) {
        this(conn, seq, head, body, form, files, keepAlive, upgrade, time, remoteIp, remotePort, localPort, null);
    }

    /** A request handed over at its head, its body to come through {@code stream}. */
    static HttpExchange streaming(HttpConn conn, long seq, HttpRequest head, boolean keepAlive, double time,
                                  IncomingBody stream) {
        return new HttpExchange(conn, seq, head, new byte[0], null, Map.of(), keepAlive, false, time, conn.remoteIp,
                conn.remotePort, conn.localPort, stream);
    }
}
