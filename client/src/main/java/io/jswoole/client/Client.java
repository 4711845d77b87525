package io.jswoole.client;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import io.jswoole.coroutine.Completion;
import io.jswoole.protocol.frame.FrameSpec;
import io.jswoole.tls.Pem;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;

/**
 * {@code Swoole\Coroutine\Client}: a TCP, UDP or Unix-socket client with a blocking-style API. Every call parks
 * only the calling coroutine (JDK channels park virtual threads); timeouts are in seconds (negative: none).
 * <pre>{@code
 * Client c = new Client(Client.Type.TCP);
 * c.set(Map.of("open_length_check", true, "package_length_type", "N", "package_body_offset", 4));
 * if (!c.connect("127.0.0.1", 9501, 1.0)) { System.out.println(c.errCode() + " " + c.errMsg()); }
 * c.send(packet);
 * byte[] reply = c.recv(2.0);   // one whole packet; null on error or timeout, empty when the peer closed
 * c.close();
 * }</pre>
 * Failures answer {@code false}, {@code -1} or {@code null} and set {@link #errCode()} to Linux's errno as Swoole
 * does ({@link #ETIMEDOUT}, {@link #ECONNREFUSED}, {@link #ECANCELED} ...) or to a Swoole error code (framing:
 * {@link ErrorCode#PACKAGE_LENGTH_TOO_LARGE}, which also closes the connection).
 * <p>Framing: {@link #set} takes the same keys as server ports ({@link FrameSpec}: {@code open_eof_check},
 * {@code open_eof_split}, {@code package_eof}, {@code open_length_check}, {@code package_length_type} ...), decoded
 * by the very decoders of the server, so {@link #recv} returns exactly one packet. Timeouts: {@code timeout},
 * {@code connect_timeout}, {@code read_timeout} (defaults for calls without one). A timed-out or canceled
 * {@code recv} leaves the connection usable: the read keeps going and its data goes to the next {@code recv}.
 * <p>TLS: {@code new Client(Client.Type.TCP, Client.SSL)} (Swoole's {@code SWOOLE_SOCK_TCP | SWOOLE_SSL}) connects,
 * then handshakes within the connect timeout, and verifies the server (chain and host name) unless
 * {@code ssl_verify_peer} is false; the keys are {@link ClientTls}'s. A certificate that does not verify fails
 * {@code connect} with {@link #SSL_VERIFY_FAILED}, any other TLS failure with {@link #SSL_HANDSHAKE_FAILED}.
 */
public final class Client implements AutoCloseable {
    /** Socket types: Swoole's {@code SWOOLE_SOCK_TCP}, {@code _TCP6}, {@code _UDP}, {@code _UDP6}, {@code _UNIX_*}. */
    public enum Type { TCP, TCP6, UDP, UDP6, UNIX_STREAM, UNIX_DGRAM }

    /** A datagram and its sender, from {@link #recvfrom}. */
    public record Datagram(byte[] data, String host, int port) {
    }

    public static final int ECONNRESET = 104;
    public static final int ENOTCONN = 107;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int ECANCELED = 125;
    public static final int EPIPE = 32;
    public static final int EIO = 5;
    /** Swoole's {@code SWOOLE_ERROR_SSL_VERIFY_FAILED}: the server's certificate or host name did not verify. */
    public static final int SSL_VERIFY_FAILED = ClientTls.SSL_VERIFY_FAILED;
    /** Swoole's {@code SWOOLE_ERROR_SSL_HANDSHAKE_FAILED}: another TLS failure (an alert, no common protocol). */
    public static final int SSL_HANDSHAKE_FAILED = ClientTls.SSL_HANDSHAKE_FAILED;
    /**
     * Swoole's {@code SWOOLE_SSL} flag, the value of the server's {@code SockType.SSL}:
     * {@code new Client(Type.TCP, Client.SSL)}.
     */
    public static final int SSL = 1 << 9;

    private static final int READ_SIZE = 65536;

    private final Type type;
    private final boolean ssl;
    private ClientTls tls;
    private String peerHost;
    private int peerPort;
    private final Map<String, Object> settings = new HashMap<>();
    private FrameSpec frame = FrameSpec.none();
    private Packetizer packets;
    private ByteChannel channel;
    private Completion<Object> pendingRead;
    private boolean connected;
    private int errCode;
    private String errMsg = "";

    public Client(Type type) {
        this(type, 0);
    }

    /**
     * A client of {@code type} with Swoole's flags: {@link #SSL} for TLS, on {@link Type#TCP} and
     * {@link Type#TCP6} (UDP would need DTLS, and TLS over Unix sockets is not done yet: both are refused).
     */
    public Client(Type type, int flags) {
        if ((flags & ~SSL) != 0) {
            throw new IllegalArgumentException("unknown client flags " + Integer.toHexString(flags & ~SSL)
                    + ": the one flag is Client.SSL");
        }
        this.type = type;
        this.ssl = (flags & SSL) != 0;
        if (ssl && type != Type.TCP && type != Type.TCP6) {
            throw new IllegalArgumentException("Client.SSL works on TCP and TCP6 clients, not " + type
                    + (type == Type.UNIX_STREAM ? " (TLS over Unix sockets is not done yet)" : " (DTLS is not done)"));
        }
    }

    /**
     * Settings: framing keys of {@link FrameSpec}, {@code timeout}, {@code connect_timeout}, {@code read_timeout},
     * and on a TCP client the {@code ssl_*} keys of {@link ClientTls} (files read now), for {@link #SSL} or
     * {@link #enableSSL}.
     *
     * @throws IllegalArgumentException naming a setting that is refused or does not load
     */
    public boolean set(Map<String, ?> options) {
        Map<String, Object> merged = new HashMap<>(settings);
        merged.putAll(options);
        frame = FrameSpec.from(merged);
        boolean tcp = type == Type.TCP || type == Type.TCP6;
        boolean sslKeys = merged.keySet().stream().anyMatch(k -> k.startsWith("ssl_"));
        tls = ClientTls.of(merged, ssl || tcp && sslKeys, null, "a " + type + " client");
        settings.clear();
        settings.putAll(merged);
        return true;
    }

    private double setting(String key, double def) {
        Object v = settings.get(key);
        if (v == null && !key.equals("timeout")) {
            v = settings.get("timeout");
        }
        return v instanceof Number n ? n.doubleValue() : def;
    }

    /** Connects, with the {@code connect_timeout} setting (default 2 s). */
    public boolean connect(String host, int port) {
        return connect(host, port, setting("connect_timeout", 2));
    }

    /**
     * Connects to {@code host:port} (for Unix sockets {@code host} is the socket path and {@code port} is ignored;
     * for UDP this only fixes the peer). False with {@link #errCode()} on failure.
     */
    public boolean connect(String host, int port, double timeout) {
        if (connected) {
            return fail(EIO, "already connected");
        }
        if (ssl && tls == null) {
            tls = ClientTls.of(Map.of(), true, null, "a " + type + " client");
        }
        ClientTls t = ssl ? tls : null; // a plain client's ssl_* settings wait for enableSSL
        try {
            SocketAddress addr = switch (type) {
                case UNIX_STREAM, UNIX_DGRAM -> UnixDomainSocketAddress.of(host);
                default -> new InetSocketAddress(host, port);
            };
            ByteChannel ch = switch (type) {
                case TCP, TCP6 -> SocketChannel.open();
                case UNIX_STREAM -> SocketChannel.open(StandardProtocolFamily.UNIX);
                case UDP, UDP6 -> DatagramChannel.open();
                case UNIX_DGRAM -> DatagramChannel.open(StandardProtocolFamily.UNIX);
            };
            Completion<Object> done = new Completion<>();
            Thread.ofVirtual().start(() -> {
                try {
                    if (ch instanceof SocketChannel s) {
                        s.connect(addr);
                        if (t != null) {
                            done.complete(new TlsChannel(s, handshake(t, s, host, port)));
                            return;
                        }
                    } else {
                        ((DatagramChannel) ch).connect(addr);
                    }
                    done.complete(ch);
                } catch (IOException | RuntimeException e) {
                    done.fail(e);
                }
            });
            Object opened;
            try {
                opened = done.await(timeout);
            } catch (RuntimeException e) {
                ch.close();
                return failFrom(e);
            }
            channel = (ByteChannel) opened;
            peerHost = host;
            peerPort = port;
            connected = true;
            packets = frame.isFramed() ? new Packetizer(frame) : null;
            errCode = 0;
            errMsg = "";
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return fail(EIO, e.getMessage());
        }
    }

    /** {@link #enableSSL(double)} within the {@code connect_timeout} setting (default 2 s). */
    public boolean enableSSL() {
        return enableSSL(setting("connect_timeout", 2));
    }

    /**
     * {@code enableSSL}: starts TLS on a plain TCP connection already open (STARTTLS: after the protocol's own
     * "switch to TLS" exchange), with the {@code ssl_*} settings, verifying as a {@link #SSL} client does. Plaintext
     * read before it and not yet returned by {@code recv} is dropped, so a peer cannot slip data in ahead of the
     * handshake. False with {@link #errCode()} when the handshake fails (the connection is then closed), when TLS is
     * on already, or while a timed-out {@code recv} still has a read pending (it would take the handshake's bytes).
     */
    public boolean enableSSL(double timeout) {
        if (!isConnected() || !(channel instanceof SocketChannel s)) {
            return fail(channel instanceof TlsChannel ? EIO : ENOTCONN, channel instanceof TlsChannel
                    ? "TLS is on already" : "not a connected TCP client");
        }
        if (pendingRead != null) {
            return fail(EIO, "a read is pending (a recv timed out or was canceled): it would take the handshake's "
                    + "bytes; recv until it completes first");
        }
        if (tls == null) {
            tls = ClientTls.of(Map.of(), true, null, "a " + type + " client");
        }
        ClientTls t = tls;
        String host = peerHost;
        int port = peerPort;
        Completion<Object> done = new Completion<>();
        Thread.ofVirtual().start(() -> {
            try {
                done.complete(new TlsChannel(s, handshake(t, s, host, port)));
            } catch (IOException | RuntimeException e) {
                done.fail(e);
            }
        });
        try {
            channel = (ByteChannel) done.await(timeout);
        } catch (RuntimeException e) {
            close();
            return failFrom(e);
        }
        if (packets != null) {
            packets.close();
            packets = new Packetizer(frame);
        }
        return true;
    }

    /** The TLS handshake on a connected channel: SNI and the name checked are ssl_host_name, else the host. */
    private static SSLSocket handshake(ClientTls t, SocketChannel s, String host, int port) throws IOException {
        String name = t.hostName() != null ? t.hostName() : host;
        SSLSocket socket = (SSLSocket) t.context().getSocketFactory().createSocket(s.socket(), name, port, true);
        socket.setSSLParameters(t.parameters(name));
        socket.startHandshake();
        return socket;
    }

    /** Sends all of {@code data}; the number of bytes sent, or -1 ({@link #errCode()}). */
    public int send(byte[] data) {
        if (!connected) {
            fail(ENOTCONN, "not connected");
            return -1;
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            return data.length;
        } catch (IOException e) {
            int code = ClientTls.code(e);
            fail(code != 0 ? code : EPIPE, code != 0 ? ClientTls.message(code, e) : String.valueOf(e.getMessage()));
            return -1;
        }
    }

    /** Sends a string as UTF-8. */
    public int send(String data) {
        return send(data.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code sendto}: one datagram to {@code host:port} from an unconnected UDP client. */
    public boolean sendto(String host, int port, byte[] data) {
        try {
            if (channel == null) {
                channel = type == Type.UNIX_DGRAM ? DatagramChannel.open(StandardProtocolFamily.UNIX)
                        : DatagramChannel.open();
            }
            SocketAddress to = type == Type.UNIX_DGRAM ? UnixDomainSocketAddress.of(host)
                    : new InetSocketAddress(host, port);
            ((DatagramChannel) channel).send(ByteBuffer.wrap(data), to);
            return true;
        } catch (IOException | ClassCastException e) {
            return fail(EIO, String.valueOf(e.getMessage()));
        }
    }

    /** {@link #recv(double)} with the {@code read_timeout} setting (default: none). */
    public byte[] recv() {
        return recv(setting("read_timeout", -1));
    }

    /**
     * Receives one packet when framing is set, otherwise what one read gives (up to 64 KiB; one datagram for UDP).
     *
     * @return the data; an empty array when the peer closed the connection; {@code null} on error or timeout
     */
    public byte[] recv(double timeout) {
        if (channel == null || !channel.isOpen()) {
            fail(ENOTCONN, "not connected");
            return null;
        }
        long deadline = timeout < 0 ? Long.MAX_VALUE : System.nanoTime() + (long) (timeout * 1e9);
        while (true) {
            if (packets != null) {
                byte[] p = packets.next();
                if (p != null) {
                    return p;
                }
            }
            double left = timeout < 0 ? -1 : Math.max(0, (deadline - System.nanoTime()) / 1e9);
            Object r = readOnce(left);
            if (r == null) {
                return null;
            }
            byte[] bytes = r instanceof Datagram d ? d.data() : (byte[]) r;
            if (bytes.length == 0 || packets == null) {
                if (bytes.length == 0) {
                    connected = false;
                }
                return bytes;
            }
            try {
                packets.feed(bytes);
            } catch (SwooleException e) {
                fail(e.code(), e.getMessage());
                close();
                return null;
            }
        }
    }

    /** {@code recvfrom}: one datagram and its sender (UDP), or {@code null} on error or timeout. */
    public Datagram recvfrom(double timeout) {
        if (!(channel instanceof DatagramChannel)) {
            fail(ENOTCONN, "not a bound datagram client");
            return null;
        }
        Object r = readOnce(timeout);
        return r instanceof Datagram d ? d : null;
    }

    /** One read through a helper virtual thread, so that a timeout or cancel leaves the read (and data) pending. */
    private Object readOnce(double timeout) {
        if (pendingRead == null) {
            Completion<Object> c = new Completion<>();
            ByteChannel ch = channel;
            Thread.ofVirtual().start(() -> {
                try {
                    ByteBuffer buf = ByteBuffer.allocate(READ_SIZE);
                    if (ch instanceof DatagramChannel d && !d.isConnected()) {
                        SocketAddress from = d.receive(buf);
                        c.complete(new Datagram(bytes(buf), host(from), port(from)));
                    } else {
                        int n = ch.read(buf);
                        c.complete(n < 0 ? new byte[0] : bytes(buf));
                    }
                } catch (IOException | RuntimeException e) {
                    c.fail(e);
                }
            });
            pendingRead = c;
        }
        try {
            Object r = pendingRead.await(timeout);
            pendingRead = null;
            return r;
        } catch (CompletionException e) {
            pendingRead = null;
            int code = ClientTls.code(e.getCause());
            fail(code != 0 ? code : ECONNRESET, code != 0 ? ClientTls.message(code, e.getCause())
                    : String.valueOf(e.getCause().getMessage()));
            return null;
        } catch (SwooleException e) {
            failFrom(e);
            return null;
        }
    }

    private static byte[] bytes(ByteBuffer buf) {
        buf.flip();
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
    }

    private static String host(SocketAddress a) {
        return a instanceof InetSocketAddress i ? i.getAddress().getHostAddress() : String.valueOf(a);
    }

    private static int port(SocketAddress a) {
        return a instanceof InetSocketAddress i ? i.getPort() : 0;
    }

    /** Whether {@link #connect} succeeded and neither side closed since. */
    public boolean isConnected() {
        return connected && channel != null && channel.isOpen();
    }

    /** The local address as {@code host:port} (or the socket path), or {@code null} when not open. */
    public String getsockname() {
        return address(true);
    }

    /** The peer address as {@code host:port} (or the socket path), or {@code null} when not connected. */
    public String getpeername() {
        return address(false);
    }

    /**
     * {@code getPeerCert}: the server's certificate as PEM, on a TLS connection; null when plain, not connected,
     * or the server sent none.
     */
    public String getPeerCert() {
        if (!(channel instanceof TlsChannel t)) {
            return null;
        }
        try {
            Certificate[] certs = t.socket().getSession().getPeerCertificates();
            return certs.length > 0 && certs[0] instanceof X509Certificate x ? Pem.encode(x) : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private String address(boolean local) {
        ByteChannel channel = this.channel instanceof TlsChannel t ? t.raw() : this.channel;
        try {
            SocketAddress a = channel instanceof SocketChannel s ? (local ? s.getLocalAddress() : s.getRemoteAddress())
                    : channel instanceof DatagramChannel d ? (local ? d.getLocalAddress() : d.getRemoteAddress())
                    : null;
            return a instanceof InetSocketAddress i ? i.getAddress().getHostAddress() + ":" + i.getPort()
                    : a == null ? null : a.toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** Closes the connection (a pending read fails quietly). */
    @Override
    public void close() {
        connected = false;
        ByteChannel ch = channel;
        channel = null;
        pendingRead = null;
        if (packets != null) {
            packets.close();
            packets = null;
        }
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** The last error: errno or a Swoole code; 0 after a successful connect. */
    public int errCode() {
        return errCode;
    }

    /** Text of the last error. */
    public String errMsg() {
        return errMsg;
    }

    private boolean fail(int code, String msg) {
        errCode = code;
        errMsg = msg;
        return false;
    }

    private boolean failFrom(RuntimeException e) {
        if (e instanceof SwooleException se) {
            return se.error() == ErrorCode.CO_CANCELED ? fail(ECANCELED, "Operation canceled")
                    : fail(ETIMEDOUT, "Connection timed out");
        }
        Throwable cause = e instanceof CompletionException ? e.getCause() : e;
        int code = ClientTls.code(cause);
        if (code != 0) {
            return fail(code, ClientTls.message(code, cause));
        }
        String m = String.valueOf(cause.getMessage());
        return fail(m.contains("refused") ? ECONNREFUSED : EIO, m);
    }
}
