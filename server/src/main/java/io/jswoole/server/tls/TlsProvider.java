package io.jswoole.server.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which TLS implementation the ports use: BoringSSL through netty-tcnative when its jar is on the class path and
 * loads ({@link OpenSsl#isAvailable()}), the JDK's otherwise. The system property {@value #PROPERTY} forces one:
 * {@code jdk}, or {@code boringssl} (the server then refuses to start without it); {@code auto}, the default,
 * chooses. BoringSSL does the handshakes several times faster (BENCHMARKS.md), the JDK provider needs no native
 * code. The settings mean the same with both: the cipher list is evaluated over the JDK's suites, as
 * {@link io.jswoole.tls.Ciphers} does, then kept to those BoringSSL has; curves go by OpenSSL's names.
 */
final class TlsProvider {
    /** The system property that forces a provider: {@code auto} (default), {@code jdk} or {@code boringssl}. */
    static final String PROPERTY = "jswoole.ssl_provider";
    /** The JDK's named groups ({@link io.jswoole.tls.TlsParameters}) as BoringSSL names them. */
    private static final Map<String, String> GROUPS = Map.of("secp256r1", "P-256", "secp384r1", "P-384",
            "secp521r1", "P-521", "x25519", "X25519");

    private TlsProvider() {
    }

    /** True when BoringSSL serves: asked for, or {@code auto} and available. */
    static boolean boringSsl() {
        String want = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (want) {
            case "jdk" -> false;
            case "auto", "" -> OpenSsl.isAvailable();
            case "boringssl", "openssl" -> {
                if (!OpenSsl.isAvailable()) {
                    Throwable why = OpenSsl.unavailabilityCause();
                    throw new IllegalStateException("-D" + PROPERTY + "=" + want + ": netty-tcnative does not load ("
                            + (why == null ? "not on the class path" : Tls.reason(why)) + "); put "
                            + "io.netty:netty-tcnative-boringssl-static (classifier of this platform) on the class "
                            + "path, or use jdk");
                }
                yield true;
            }
            default -> throw new IllegalStateException("-D" + PROPERTY + "=" + want + ": must be auto, jdk or "
                    + "boringssl");
        };
    }

    /** {@code boringssl} or {@code jdk}: {@code stats()}'s {@code ssl_provider} and the startup line's word. */
    static String name() {
        return boringSsl() ? "boringssl" : "jdk";
    }

    /** Netty's provider for the choice. */
    static SslProvider netty() {
        return boringSsl() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /**
     * The suites of {@code jdk} (the JDK names {@code ssl_ciphers} selected) that the provider has.
     *
     * @throws IllegalArgumentException naming {@code ssl_ciphers} when no TLSv1.2 suite is left
     */
    static List<String> ciphers(List<String> jdk, String expr) {
        if (!boringSsl()) {
            return jdk;
        }
        List<String> out = new ArrayList<>();
        boolean v12 = false;
        for (String s : jdk) {
            if (OpenSsl.isCipherSuiteAvailable(s)) {
                out.add(s);
                v12 |= s.contains("_WITH_");
            }
        }
        if (!v12) {
            throw new IllegalArgumentException("setting 'ssl_ciphers': '" + expr + "' selects no TLSv1.2 cipher "
                    + "suite that BoringSSL has (it has no DHE, no CBC with SHA-256/384); choose others or run "
                    + "with -D" + PROPERTY + "=jdk");
        }
        return out;
    }

    /**
     * {@code ssl_ecdh_curve}'s groups (JDK names, null for auto) as BoringSSL names them.
     *
     * @throws IllegalArgumentException naming {@code ssl_ecdh_curve} for a group BoringSSL lacks
     */
    static String[] groups(String[] jdk) {
        if (jdk == null) {
            return null;
        }
        String[] out = new String[jdk.length];
        for (int i = 0; i < jdk.length; i++) {
            out[i] = GROUPS.get(jdk[i]);
            if (out[i] == null) {
                throw new IllegalArgumentException("setting 'ssl_ecdh_curve': '" + jdk[i] + "' cannot be honoured "
                        + "by BoringSSL, which has " + GROUPS.keySet().stream().sorted().toList() + "; choose one "
                        + "of those or run with -D" + PROPERTY + "=jdk");
            }
        }
        return out;
    }
}
