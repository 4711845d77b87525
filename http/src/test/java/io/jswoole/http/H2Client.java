package io.jswoole.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A raw HTTP/2 client for the hardening tests (and the gRPC module's): it writes frames as a hostile client would
 * (floods, resets, oversized heads) and reads the server's frames one by one. HPACK is Netty's (the encoder and
 * decoder are plain classes); the framing is written here, 9 bytes of header per frame (RFC 9113 4.1).
 */
public final class H2Client implements AutoCloseable {
    public static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PING = 6, GOAWAY = 7,
            CONTINUATION = 9;
    public static final int END_STREAM = 1, END_HEADERS = 4;

    /** A frame the server sent. */
    public record Frame(int type, int flags, int stream, byte[] payload) {
        public int int32(int at) {
            return ((payload[at] & 0xff) << 24) | ((payload[at + 1] & 0xff) << 16) | ((payload[at + 2] & 0xff) << 8)
                    | (payload[at + 3] & 0xff);
        }
    }

    public final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final DefaultHttp2HeadersEncoder hpackOut = new DefaultHttp2HeadersEncoder();
    private final DefaultHttp2HeadersDecoder hpackIn = new DefaultHttp2HeadersDecoder(false);

    public H2Client(int port, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        frame(SETTINGS, 0, 0, new byte[0]);
    }

    public H2Client(int port) throws IOException {
        this(port, 0);
    }

    public void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(bytes(type, flags, stream, payload));
    }

    /** One frame as it goes on the wire: the 9-byte header, then the payload. */
    public static byte[] bytes(int type, int flags, int stream, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (stream >>> 24);
        f[6] = (byte) (stream >>> 16);
        f[7] = (byte) (stream >>> 8);
        f[8] = (byte) stream;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    /** The HPACK block of a GET (or {@code method}) of {@code path} with extra headers (name, value, ...). */
    public byte[] block(int stream, String method, String path, String... extra) throws Exception {
        Http2Headers h = new io.netty.handler.codec.http2.DefaultHttp2Headers().method(method).path(path)
                .scheme("http").authority("127.0.0.1");
        for (int i = 0; i < extra.length; i += 2) {
            h.add(extra[i], extra[i + 1]);
        }
        ByteBuf b = Unpooled.buffer();
        hpackOut.encodeHeaders(stream, h, b);
        byte[] bytes = ByteBufUtil.getBytes(b);
        b.release();
        return bytes;
    }

    public void headers(int stream, boolean end, String method, String path, String... extra) throws Exception {
        frame(HEADERS, END_HEADERS | (end ? END_STREAM : 0), stream, block(stream, method, path, extra));
    }

    public void flush() throws IOException {
        out.flush();
    }

    /** The next frame, or null at the end of the connection. */
    public Frame read() throws IOException {
        int len;
        try {
            len = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
        } catch (EOFException | java.net.SocketException e) {
            return null;
        }
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] p = new byte[len];
        in.readFully(p);
        return new Frame(type, flags, stream, p);
    }

    /** Reads until a frame of {@code type} (on {@code stream}, or any stream when negative); null at EOF. */
    public Frame until(int type, int stream) throws IOException {
        Frame f;
        while ((f = read()) != null) {
            if (f.type == HEADERS) {
                decoded = decode(f);
            }
            if (f.type == type && (stream < 0 || f.stream == stream)) {
                return f;
            }
        }
        return null;
    }

    /** The headers of the last HEADERS frame {@link #until} passed. */
    public Http2Headers decoded;

    public Http2Headers decode(Frame f) throws IOException {
        try {
            return hpackIn.decodeHeaders(f.stream, Unpooled.wrappedBuffer(f.payload));
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** The :status of the response on {@code stream} (reads up to its HEADERS). */
    public String status(int stream) throws IOException {
        Frame f = until(HEADERS, stream);
        return f == null ? null : decoded.status().toString();
    }

    /** Whether the server closes the connection (EOF) within the socket timeout, reading what comes first. */
    public boolean closedByServer() throws IOException {
        try {
            while (read() != null) {
                // frames before the close
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
