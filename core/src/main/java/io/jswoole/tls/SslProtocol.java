package io.jswoole.tls;

/**
 * The bits of {@code ssl_protocols}, with Swoole's values ({@code SWOOLE_SSL_TLSv1_2}...). 0, the default, means
 * every protocol the JDK enables (TLSv1.3 and TLSv1.2 on a stock JDK 25).
 * <pre>{@code
 * port.set(Map.of("ssl_protocols", SslProtocol.TLSv1_2 | SslProtocol.TLSv1_3));
 * }</pre>
 */
public final class SslProtocol {
    public static final int SSLv2 = 1 << 1;
    public static final int SSLv3 = 1 << 2;
    public static final int TLSv1 = 1 << 3;
    public static final int TLSv1_1 = 1 << 4;
    public static final int TLSv1_2 = 1 << 5;
    public static final int TLSv1_3 = 1 << 6;
    /** Datagram TLS: refused (jswoole has no DTLS). */
    public static final int DTLS = 1 << 7;
    /** Swoole's {@code SW_SSL_ALL}. */
    public static final int ALL = SSLv2 | SSLv3 | TLSv1 | TLSv1_1 | TLSv1_2 | TLSv1_3;

    private SslProtocol() {
    }
}
