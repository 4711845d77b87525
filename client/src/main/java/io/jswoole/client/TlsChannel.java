package io.jswoole.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLSocket;

/**
 * A {@link Client}'s TLS connection as the byte channel its reads and writes use: the JDK's {@link SSLSocket}
 * layered on the client's {@link SocketChannel}. Its streams block, which parks only a virtual thread, so a read
 * pending on the helper thread and a write from the coroutine go on at once, as on the plain channel.
 */
final class TlsChannel implements ByteChannel {
    private final SocketChannel raw;
    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;

    TlsChannel(SocketChannel raw, SSLSocket socket) throws IOException {
        this.raw = raw;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** The TCP connection under the TLS (for its addresses). */
    SocketChannel raw() {
        return raw;
    }

    SSLSocket socket() {
        return socket;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        byte[] buf = new byte[dst.remaining()];
        int n = in.read(buf);
        if (n > 0) {
            dst.put(buf, 0, n);
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        byte[] buf = new byte[n];
        src.get(buf);
        out.write(buf);
        out.flush();
        return n;
    }

    @Override
    public boolean isOpen() {
        return raw.isOpen() && !socket.isClosed();
    }

    /** Sends close_notify, then closes the TCP connection (a read pending on it fails quietly). */
    @Override
    public void close() throws IOException {
        try {
            socket.close();
        } finally {
            raw.close();
        }
    }
}
