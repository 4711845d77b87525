/**
 * Internal: TLS on a port: the SSL contexts built from the {@code ssl_*} settings, SNI, client-certificate
 * verification, reload on SIGUSR1 or when the files change ({@link io.jswoole.server.tls.Tls}), from core's
 * {@code io.jswoole.tls} pieces (PEM files, OpenSSL cipher expressions, protocol masks, peer trust), which the clients
 * share. A leaf: it names only the API.
 */
package io.jswoole.server.tls;
