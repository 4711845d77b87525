package io.jswoole.client;

import io.jswoole.tls.Ciphers;
import io.jswoole.tls.PeerTrust;
import io.jswoole.tls.Pem;
import io.jswoole.tls.TlsParameters;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS of one coroutine client ({@link Client} made with {@link Client#SSL}, {@link HttpClient} with
 * {@code ssl}, {@code wss://}), from Swoole's client settings: {@code ssl_verify_peer} (jswoole: true by default),
 * {@code ssl_host_name}, {@code ssl_cafile}, {@code ssl_capath}, {@code ssl_allow_self_signed},
 * {@code ssl_verify_depth}, {@code ssl_cert_file} + {@code ssl_key_file}, {@code ssl_protocols},
 * {@code ssl_ciphers}. The files are read, and every value checked, when the settings are set; other {@code ssl_*}
 * keys are refused by name. The chain checks, PEM files, cipher lists and protocol bits are the server's own
 * ({@link PeerTrust}, {@link Pem}, {@link Ciphers}, {@link TlsParameters}); the host name is {@link HostName}'s.
 */
final class ClientTls {
    /** Swoole's {@code SW_ERROR_SSL_VERIFY_FAILED}: the server's certificate or host name did not verify. */
    static final int SSL_VERIFY_FAILED = 1014;
    /** Swoole's {@code SW_ERROR_SSL_HANDSHAKE_FAILED}: any other TLS failure (alert, protocol, cipher). */
    static final int SSL_HANDSHAKE_FAILED = 1018;

    private static final Set<String> KEYS = Set.of("ssl_verify_peer", "ssl_host_name", "ssl_cafile", "ssl_capath",
            "ssl_allow_self_signed", "ssl_verify_depth", "ssl_cert_file", "ssl_key_file", "ssl_protocols",
            "ssl_ciphers");
    private static final List<String> VERIFY_KEYS = List.of("ssl_cafile", "ssl_capath", "ssl_allow_self_signed",
            "ssl_verify_depth");

    private final SSLContext context;
    private final String hostName;
    private final String[] protocols;
    private final String[] ciphers;

    private ClientTls(SSLContext context, String hostName, String[] protocols, String[] ciphers) {
        this.context = context;
        this.hostName = hostName;
        this.protocols = protocols;
        this.ciphers = ciphers;
    }

    /**
     * The TLS of a client from its settings (only the {@code ssl_*} keys are read); null when the client is plain
     * and has no {@code ssl_*} setting.
     *
     * @param fixedName the name the server's certificate must carry whatever the connection's peer host (the
     *        {@link HttpClient}'s host), or null to check {@code ssl_host_name} or the peer host of each connection
     * @throws IllegalArgumentException naming the setting that is unknown, mistyped, does not apply or does not load
     */
    static ClientTls of(Map<String, ?> s, boolean ssl, String fixedName, String what) {
        List<String> keys = new ArrayList<>();
        for (String k : s.keySet()) {
            if (k.startsWith("ssl_")) {
                keys.add(k);
            }
        }
        if (!ssl) {
            if (!keys.isEmpty()) {
                throw new IllegalArgumentException("setting '" + keys.getFirst() + "' needs TLS, which " + what
                        + " does not have (TLS: Client.SSL or enableSSL on TCP and TCP6, HttpClient with ssl, wss://)");
            }
            return null;
        }
        for (String k : keys) {
            if (k.equals("ssl_passphrase")) {
                throw new IllegalArgumentException("setting 'ssl_passphrase' is refused: jswoole reads unencrypted "
                        + "keys only; decrypt the key with 'openssl pkey -in KEY -out KEY.plain'");
            }
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("setting '" + k + "' is not a client TLS setting jswoole knows; "
                        + "it has " + new TreeSet<>(KEYS));
            }
        }
        boolean verify = bool(s, "ssl_verify_peer", true);
        if (!verify) {
            for (String k : VERIFY_KEYS) {
                if (s.containsKey(k)) {
                    throw new IllegalArgumentException("setting '" + k + "' applies to the verification of the "
                            + "server's certificate: it needs ssl_verify_peer true (jswoole's default)");
                }
            }
        }
        String hostName = string(s, "ssl_host_name");
        if (hostName != null && hostName.isBlank()) {
            throw new IllegalArgumentException("setting 'ssl_host_name' must be a host name, got ''");
        }
        String cert = string(s, "ssl_cert_file");
        String key = string(s, "ssl_key_file");
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("setting '" + (cert == null ? "ssl_key_file" : "ssl_cert_file")
                    + "' needs '" + (cert == null ? "ssl_cert_file" : "ssl_key_file") + "' too (the client "
                    + "certificate and its key)");
        }
        int depth = integer(s, "ssl_verify_depth", -1);
        if (s.containsKey("ssl_verify_depth") && depth < 0) {
            throw new IllegalArgumentException("setting 'ssl_verify_depth' must be 0 or more, got " + depth);
        }
        String[] protocols = TlsParameters.protocols(integer(s, "ssl_protocols", 0));
        String cipherList = string(s, "ssl_ciphers");
        String[] ciphers = cipherList == null ? null
                : Ciphers.select(cipherList, TlsParameters.enabledSuites()).toArray(String[]::new);
        String name = fixedName != null ? fixedName : hostName;
        try {
            X509ExtendedTrustManager trust;
            if (verify) {
                List<Path> files = new ArrayList<>();
                if (string(s, "ssl_cafile") != null) {
                    files.add(Path.of(string(s, "ssl_cafile")));
                }
                String capath = string(s, "ssl_capath");
                List<X509Certificate> cas = Pem.authorities(files, capath == null ? null : Path.of(capath));
                trust = new ServerTrust(PeerTrust.of(cas, List.of(), depth,
                        bool(s, "ssl_allow_self_signed", false)), name);
            } else {
                trust = new ServerTrust(null, null);
            }
            ClientKey clientKey = null;
            if (cert != null) {
                List<X509Certificate> chain = Pem.certificates(Path.of(cert));
                PrivateKey pk = Pem.privateKey(Path.of(key));
                Pem.checkPair(pk, chain.getFirst(), Path.of(key));
                clientKey = new ClientKey(pk, chain.toArray(X509Certificate[]::new));
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(clientKey == null ? null : new ClientKey[] {clientKey}, new X509ExtendedTrustManager[] {trust}, null);
            return new ClientTls(ctx, hostName, protocols, ciphers);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(what + ": cannot load the TLS settings (ssl_cafile, ssl_capath, "
                    + "ssl_cert_file, ssl_key_file): " + e.getMessage(), e);
        }
    }

    /**
     * The name the JDK's HTTP client (HttpClient, WebSocketClient) must find in the certificate of {@code host}:
     * {@code ssl_host_name}, else the host. That client sends the URI's host name as SNI and takes a configured
     * one only for an IP address, so {@code ssl_host_name} with another host name is refused rather than half done.
     */
    static String nameFor(Map<String, ?> s, String host, String what) {
        String h = host == null ? null : host.replaceAll("^\\[|\\]$", "");
        if (!(s.get("ssl_host_name") instanceof String name)) {
            return h;
        }
        if (h != null && !isAddress(h) && !name.equalsIgnoreCase(h)) {
            throw new IllegalArgumentException("setting 'ssl_host_name' '" + name + "' differs from the host '" + h
                    + "' of " + what + ": the JDK's HTTP client sends the host it connects to as SNI; connect to the "
                    + "server's IP address and set ssl_host_name to its name");
        }
        return name;
    }

    private static boolean isAddress(String h) {
        return NetUtil.isValidIpV4Address(h) || NetUtil.isValidIpV6Address(h);
    }

    /** The context: its trust manager verifies, its key manager offers the client certificate. */
    SSLContext context() {
        return context;
    }

    /** {@code ssl_host_name}, or null. */
    String hostName() {
        return hostName;
    }

    /**
     * The parameters of a connection: protocols, cipher suites, and SNI {@code sni} (none for null or an IP
     * address, which SNI cannot carry).
     */
    SSLParameters parameters(String sni) {
        SSLParameters p = context.getDefaultSSLParameters();
        p.setProtocols(protocols);
        if (ciphers != null) {
            p.setCipherSuites(ciphers);
        }
        if (sni != null && !isAddress(sni)) {
            p.setServerNames(List.of(new SNIHostName(sni)));
        }
        return p;
    }

    /** Swoole's error code for a TLS failure somewhere in {@code t}'s causes, or 0 when it is not one. */
    static int code(Throwable t) {
        int code = 0;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof CertificateException) {
                return SSL_VERIFY_FAILED;
            }
            if (c instanceof SSLException) {
                code = SSL_HANDSHAKE_FAILED;
            }
        }
        return code;
    }

    /** The text for a TLS failure: Swoole's words for the code, then the innermost reason. */
    static String message(int code, Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c && !(c instanceof CertificateException)) {
            c = c.getCause();
        }
        return (code == SSL_VERIFY_FAILED ? "SSL verify failed: " : "SSL handshake failed: ") + c.getMessage();
    }

    /**
     * The server's chain through {@link PeerTrust}, then its name (the fixed one, or the connection's peer host,
     * which the clients set to {@code ssl_host_name} or the host they connect to); null trust: no check at all,
     * as Swoole with {@code ssl_verify_peer} false.
     */
    private static final class ServerTrust extends X509ExtendedTrustManager {
        private final PeerTrust chain;
        private final String name;

        ServerTrust(PeerTrust chain, String name) {
            this.chain = chain;
            this.name = name;
        }

        private void check(X509Certificate[] certs, String authType, String peerHost) throws CertificateException {
            if (chain == null) {
                return;
            }
            chain.checkServerTrusted(certs, authType);
            HostName.check(name != null ? name : peerHost, certs[0]);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
                throws CertificateException {
            check(certs, authType, engine == null ? null : engine.getPeerHost());
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket)
                throws CertificateException {
            String peer = socket instanceof SSLSocket s && s.getHandshakeSession() != null
                    ? s.getHandshakeSession().getPeerHost() : null;
            check(certs, authType, peer);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            check(certs, authType, null);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a client does not verify clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a client does not verify clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            throw new CertificateException("a client does not verify clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    private static boolean bool(Map<String, ?> s, String k, boolean def) {
        Object v = s.get(k);
        if (v == null) {
            return def;
        }
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException("setting '" + k + "' must be a boolean, got " + describe(v));
        }
        return b;
    }

    private static int integer(Map<String, ?> s, String k, int def) {
        Object v = s.get(k);
        if (v == null) {
            return def;
        }
        if (!(v instanceof Integer || v instanceof Long || v instanceof Short) || ((Number) v).longValue()
                != ((Number) v).intValue()) {
            throw new IllegalArgumentException("setting '" + k + "' must be an integer, got " + describe(v));
        }
        return ((Number) v).intValue();
    }

    private static String string(Map<String, ?> s, String k) {
        Object v = s.get(k);
        if (v != null && !(v instanceof String)) {
            throw new IllegalArgumentException("setting '" + k + "' must be a string, got " + describe(v));
        }
        return (String) v;
    }

    private static String describe(Object v) {
        return v.getClass().getSimpleName() + " " + v;
    }
}
