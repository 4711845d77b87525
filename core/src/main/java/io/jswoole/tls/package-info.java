/**
 * TLS pieces shared by the server's SSL ports and the clients, on the JDK's provider: {@link io.jswoole.tls.SslProtocol}
 * (Swoole's {@code ssl_protocols} bits, for applications), PEM certificates and keys ({@link io.jswoole.tls.Pem}),
 * OpenSSL cipher expressions over the JDK's suites ({@link io.jswoole.tls.Ciphers}), the protocols and curves a mask
 * or a list asks for ({@link io.jswoole.tls.TlsParameters}), and a peer's chain checked as OpenSSL checks it, with
 * {@code ssl_verify_depth} and {@code ssl_allow_self_signed} ({@link io.jswoole.tls.PeerTrust}).
 */
package io.jswoole.tls;
