/**
 * Internal: TLS on a port: the SSL context built from the {@code ssl_*} settings, SNI, client-certificate
 * verification, reload on SIGUSR1 or when the files change ({@link io.jswoole.server.tls.Tls}), and the pieces it is
 * made of (PEM files, OpenSSL cipher expressions, protocol masks, peer trust). A leaf: it names only the API.
 */
package io.jswoole.server.tls;
