package io.jswoole.server.tls;

import io.jswoole.log.Log;
import io.jswoole.server.Port;
import io.jswoole.server.SettingValues;
import io.jswoole.server.SockType;
import io.jswoole.tls.Ciphers;
import io.jswoole.tls.PeerTrust;
import io.jswoole.tls.Pem;
import io.jswoole.tls.TlsParameters;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * TLS on one stream port made with {@link SockType#SSL}: the port's {@code ssl_*} settings checked at start, the
 * Netty contexts built from the files (BoringSSL or the JDK provider, {@link TlsProvider}), the handler each new
 * connection gets first in its pipeline, and certificate reload. Lives in the JVM that owns the sockets (BASE, THREAD, the PROCESS master).
 * <p>Reload: {@link #reload} (on {@code reload()} and SIGUSR1) and a check of the files' size and time every
 * second read every file again and swap the contexts at once; a connection keeps the context it was accepted with,
 * so open connections keep their certificate and new handshakes get the new one. A file that does not load (a
 * broken PEM, a key that is not the certificate's) keeps the old contexts serving, with one log line.
 */
public final class Tls {
    /** The handler name of the port's TLS handler (an SslHandler, or the SniHandler that becomes one). */
    static final String HANDLER = "tls";
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /** Swoole's default {@code ssl_ciphers}. */
    static final String DEFAULT_CIPHERS = "EECDH+AESGCM:EDH+AESGCM:AES256+EECDH:AES256+EDH";
    private static final String[] VERIFY_KEYS = {"ssl_cafile", "ssl_capath", "ssl_verify_depth",
            "ssl_allow_self_signed"};

    private final Port port;
    private final Path cert;
    private final Path key;
    private final Map<String, Path[]> sni;
    private final String[] protocols;
    private final List<String> ciphers;
    private final boolean preferServerCiphers;
    private final String[] namedGroups;
    /** The provider chosen at start; a reload keeps it. */
    private final SslProvider provider;
    private final ClientAuth clientAuth;
    private final List<Path> caFiles;
    private final Path clientCa;
    private final Path caPath;
    private final int verifyDepth;
    private final boolean allowSelfSigned;
    private final List<String> alpn;
    /** What new connections get; replaced whole by a reload. */
    private volatile Loaded current;
    private List<Stamp> seen;
    private volatile List<Stamp> tried;
    private final AtomicBoolean reloading = new AtomicBoolean();

    /** The contexts of one load, and the files' stamps taken before they were read. */
    private record Loaded(SslContext main, Mapping<String, SslContext> sni, List<Stamp> stamps, String serial) {
    }

    private record Stamp(Path file, long modified, long size) {
    }

    private Tls(Port port, Map<String, Object> s, List<String> alpn) {
        this.port = port;
        String certFile = (String) s.get("ssl_cert_file");
        String keyFile = (String) s.get("ssl_key_file");
        if (certFile == null || keyFile == null) {
            throw new IllegalArgumentException(where() + " was made with SockType.SSL: it needs the settings "
                    + "'ssl_cert_file' and 'ssl_key_file'");
        }
        cert = Path.of(certFile);
        key = Path.of(keyFile);
        sni = sniPaths(s.get("ssl_sni_certs"));
        protocols = TlsParameters.protocols((Integer) s.getOrDefault("ssl_protocols", 0));
        provider = TlsProvider.netty();
        String cipherList = (String) s.getOrDefault("ssl_ciphers", DEFAULT_CIPHERS);
        ciphers = TlsProvider.ciphers(Ciphers.select(cipherList, TlsParameters.enabledSuites()), cipherList);
        preferServerCiphers = (Boolean) s.getOrDefault("ssl_prefer_server_ciphers", false);
        String[] groups = TlsParameters.namedGroups((String) s.getOrDefault("ssl_ecdh_curve", "auto"));
        namedGroups = provider == SslProvider.OPENSSL ? TlsProvider.groups(groups) : groups;
        if (Boolean.TRUE.equals(s.get("ssl_compress"))) {
            throw new IllegalArgumentException("setting 'ssl_compress' true is refused: jswoole's TLS never "
                    + "compresses (TLS compression is what the CRIME attack reads); leave it out or set false");
        }
        boolean verifyPeer = (Boolean) s.getOrDefault("ssl_verify_peer", false);
        String clientCa = (String) s.get("ssl_client_cert_file");
        clientAuth = verifyPeer ? ClientAuth.REQUIRE : clientCa != null ? ClientAuth.OPTIONAL : ClientAuth.NONE;
        if (!verifyPeer) {
            for (String k : VERIFY_KEYS) {
                if (s.containsKey(k) && !(clientCa != null && k.equals("ssl_verify_depth"))) {
                    throw new IllegalArgumentException("setting '" + k + "' applies to the verification of client "
                            + "certificates: it needs ssl_verify_peer true");
                }
            }
        }
        caFiles = new ArrayList<>();
        for (String k : new String[] {"ssl_client_cert_file", "ssl_cafile"}) {
            if (s.get(k) != null) {
                caFiles.add(Path.of((String) s.get(k)));
            }
        }
        this.clientCa = clientCa == null ? null : Path.of(clientCa);
        caPath = s.get("ssl_capath") == null ? null : Path.of((String) s.get("ssl_capath"));
        verifyDepth = (Integer) s.getOrDefault("ssl_verify_depth", -1);
        allowSelfSigned = (Boolean) s.getOrDefault("ssl_allow_self_signed", false);
        this.alpn = alpn;
    }

    /**
     * The TLS of {@code port}, loaded from its files; null for a port without {@link SockType#SSL}.
     *
     * @throws IllegalArgumentException naming the setting that is missing, cannot be honoured or does not load
     */
    public static Tls of(Port port) {
        Map<String, Object> s = port.setting();
        if (!port.isSsl()) {
            for (String k : s.keySet()) {
                if (k.startsWith("ssl_")) {
                    throw new IllegalArgumentException("setting '" + k + "' needs a port made with SockType.SSL "
                            + "(Swoole's SWOOLE_SOCK_TCP | SWOOLE_SSL); port " + port.host() + ":" + port.port()
                            + " is plain " + port.type());
                }
            }
            return null;
        }
        List<String> alpn = port.protocol() == null ? List.of() : port.protocol().alpn();
        Tls t = new Tls(port, s, alpn);
        try {
            t.current = t.load(t.stamps());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(t.where() + ": cannot load the TLS settings (ssl_cert_file, "
                    + "ssl_key_file, ssl_sni_certs, CA files): " + e.getMessage(), e);
        }
        return t;
    }

    /** Adds the TLS handler first in a new connection's pipeline. */
    public void initChannel(Channel ch) {
        Loaded l = current;
        ChannelHandler h = l.sni == null ? l.main.newHandler(ch.alloc())
                : new SniHandler(l.sni, HANDSHAKE_TIMEOUT_MILLIS);
        ch.pipeline().addFirst(HANDLER, h);
    }

    /** Reads the files again; false (and one log line) when they do not load, the old ones serving on. */
    public synchronized boolean reload() {
        List<Stamp> stamps = stamps();
        try {
            Loaded next = load(stamps);
            current = next;
            Log.notice(where() + ": TLS certificate reloaded (serial " + next.serial + ")");
            return true;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            tried = stamps; // the watcher does not try these files again
            Log.warning(where() + ": cannot reload the TLS certificate, the one loaded before serves on: "
                    + e.getMessage());
            return false;
        }
    }

    /**
     * Checks the files every second on one of {@code group}'s loops: a change, once it has held still for a
     * check, is reloaded (off the loop); a change that failed is tried again only when the files change again.
     */
    public void watch(EventLoopGroup group) {
        group.next().scheduleWithFixedDelay(() -> {
            List<Stamp> now = stamps();
            if (!now.equals(current.stamps) && now.equals(seen) && !now.equals(tried)
                    && reloading.compareAndSet(false, true)) {
                Thread.ofVirtual().name("jswoole-tls-reload").start(() -> {
                    try {
                        reload();
                    } finally {
                        reloading.set(false);
                    }
                });
            }
            seen = now;
        }, 1, 1, TimeUnit.SECONDS);
    }

    /** The serial number (hex) of the main certificate now served. */
    String serial() {
        return current.serial;
    }

    /** The peer's certificate as PEM ({@code ssl_client_cert}), when the connection is TLS and the peer sent one. */
    public static Optional<String> peerCertificate(Channel ch) {
        SslHandler h = ch.pipeline().get(SslHandler.class);
        if (h == null) {
            return Optional.empty();
        }
        try {
            var certs = h.engine().getSession().getPeerCertificates();
            return certs.length > 0 && certs[0] instanceof X509Certificate x ? Optional.of(Pem.encode(x))
                    : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    /** A handshake failure in one phrase: the innermost message (Netty wraps the engine's in a DecoderException). */
    public static String reason(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return c.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 200 ? m.substring(0, 200) : m));
    }

    /**
     * The TLS implementation serving the ports ({@code stats()}'s {@code ssl_provider}, the startup line):
     * {@code boringssl} or {@code jdk}.
     */
    public static String provider() {
        return TlsProvider.name();
    }

    private String where() {
        return "port " + port.host() + (port.type().isUnix() ? "" : ":" + port.port());
    }

    /** Reads every file; {@code stamps} were taken before, so a change while reading is seen by the watcher. */
    private Loaded load(List<Stamp> stamps) throws IOException, GeneralSecurityException {
        PeerTrust trust = clientAuth == ClientAuth.NONE ? null
                : PeerTrust.of(cas(), advertised(), verifyDepth, allowSelfSigned);
        X509Certificate[] mainChain = Pem.certificates(cert).toArray(X509Certificate[]::new);
        SslContext main = context(mainChain, key, trust);
        Mapping<String, SslContext> mapping = null;
        if (!sni.isEmpty()) {
            DomainWildcardMappingBuilder<SslContext> b = new DomainWildcardMappingBuilder<>(main);
            for (Map.Entry<String, Path[]> e : sni.entrySet()) {
                X509Certificate[] chain = Pem.certificates(e.getValue()[0]).toArray(X509Certificate[]::new);
                b.add(e.getKey(), context(chain, e.getValue()[1], trust));
            }
            mapping = b.build();
        }
        return new Loaded(main, mapping, stamps, mainChain[0].getSerialNumber().toString(16));
    }

    private SslContext context(X509Certificate[] chain, Path keyFile, PeerTrust trust)
            throws IOException, GeneralSecurityException {
        PrivateKey pk = Pem.privateKey(keyFile);
        Pem.checkPair(pk, chain[0], keyFile);
        SslContextBuilder b = SslContextBuilder.forServer(pk, chain).sslProvider(provider)
                .protocols(protocols).ciphers(ciphers, IdentityCipherSuiteFilter.INSTANCE).clientAuth(clientAuth);
        boolean jdk = provider == SslProvider.JDK;
        if (!jdk && namedGroups != null) {
            b.option(OpenSslContextOption.GROUPS, namedGroups);
        }
        if (trust != null) {
            b.trustManager(trust);
        }
        if (!alpn.isEmpty()) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        SslContext built = b.build();
        return new DelegatingSslContext(built) {
            @Override
            protected void initEngine(SSLEngine engine) {
                SSLParameters p = engine.getSSLParameters();
                p.setUseCipherSuitesOrder(preferServerCiphers);
                if (jdk && namedGroups != null) {
                    p.setNamedGroups(namedGroups);
                }
                engine.setSSLParameters(p);
            }

            @Override
            protected void initHandler(SslHandler handler) {
                super.initHandler(handler); // initEngine
                handler.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS);
            }
        };
    }

    /** The CA names a certificate request lists: those of ssl_client_cert_file only, as Swoole's OpenSSL does. */
    private List<X509Certificate> advertised() throws IOException, GeneralSecurityException {
        return clientCa == null ? List.of() : Pem.certificates(clientCa);
    }

    private List<X509Certificate> cas() throws IOException, GeneralSecurityException {
        return Pem.authorities(caFiles, caPath);
    }

    private List<Stamp> stamps() {
        List<Path> files = new ArrayList<>(List.of(cert, key));
        files.addAll(caFiles);
        if (caPath != null) {
            files.add(caPath);
        }
        for (Path[] pair : sni.values()) {
            files.addAll(List.of(pair));
        }
        List<Stamp> out = new ArrayList<>(files.size());
        for (Path f : files) {
            try {
                out.add(new Stamp(f, Files.getLastModifiedTime(f).toMillis(), Files.size(f)));
            } catch (IOException e) {
                out.add(new Stamp(f, -1, -1));
            }
        }
        return out;
    }

    private static Map<String, Path[]> sniPaths(Object v) {
        Map<String, Path[]> out = new LinkedHashMap<>();
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Map<?, ?> pair = (Map<?, ?>) e.getValue();
                out.put((String) e.getKey(), new Path[] {Path.of((String) pair.get("ssl_cert_file")),
                        Path.of((String) pair.get("ssl_key_file"))});
            }
        }
        return out;
    }

    /**
     * {@code ssl_sni_certs} checked: host name (or {@code *.domain}) to a map with {@code ssl_cert_file} and
     * {@code ssl_key_file}, as Swoole takes it.
     */
    public static Map<String, Map<String, String>> sniCerts(String key, Object v) {
        if (!(v instanceof Map<?, ?> m) || m.isEmpty()) {
            throw SettingValues.bad(key, "must be a non-empty map of host name to {ssl_cert_file, ssl_key_file}, "
                    + "got " + SettingValues.describe(v));
        }
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String host) || host.isBlank()
                    || host.indexOf('*') >= 0 && !(host.startsWith("*.") && host.lastIndexOf('*') == 0)) {
                throw SettingValues.bad(key, "host '" + e.getKey() + "' must be a host name or *.domain");
            }
            if (!(e.getValue() instanceof Map<?, ?> pair) || !(pair.get("ssl_cert_file") instanceof String c)
                    || !(pair.get("ssl_key_file") instanceof String k) || pair.size() != 2) {
                throw SettingValues.bad(key, "host '" + host + "' must map to exactly {ssl_cert_file, "
                        + "ssl_key_file}, got " + SettingValues.describe(e.getValue()));
            }
            out.put(host.toLowerCase(java.util.Locale.ROOT), Map.of("ssl_cert_file", c, "ssl_key_file", k));
        }
        return out;
    }
}
