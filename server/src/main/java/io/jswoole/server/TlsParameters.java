package io.jswoole.server;

import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Swoole's {@code ssl_protocols} bitmask and {@code ssl_ecdh_curve} in the JDK's names, against what this JDK
 * enables (its {@code java.security} decides: a stock JDK 25 enables TLSv1.3 and TLSv1.2 only).
 */
public final class TlsParameters {
    /** OpenSSL's curve names ({@code SSL_CTX_set1_curves_list}) to the JDK's named groups. */
    private static final Map<String, String> CURVES = Map.ofEntries(
            Map.entry("prime256v1", "secp256r1"), Map.entry("secp256r1", "secp256r1"),
            Map.entry("p-256", "secp256r1"), Map.entry("secp384r1", "secp384r1"), Map.entry("p-384", "secp384r1"),
            Map.entry("secp521r1", "secp521r1"), Map.entry("p-521", "secp521r1"), Map.entry("x25519", "x25519"),
            Map.entry("x448", "x448"), Map.entry("ffdhe2048", "ffdhe2048"), Map.entry("ffdhe3072", "ffdhe3072"),
            Map.entry("ffdhe4096", "ffdhe4096"), Map.entry("ffdhe6144", "ffdhe6144"),
            Map.entry("ffdhe8192", "ffdhe8192"));

    private TlsParameters() {
    }

    private static SSLParameters defaults() {
        try {
            return SSLContext.getDefault().getDefaultSSLParameters();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
    }

    /** The cipher suites this JDK enables, in its order of preference. */
    public static List<String> enabledSuites() {
        return List.of(defaults().getCipherSuites());
    }

    /**
     * The JDK protocol names for Swoole's bitmask; 0 means all the JDK enables.
     *
     * @throws IllegalArgumentException naming {@code ssl_protocols} for a protocol this JDK does not enable
     */
    public static String[] protocols(int mask) {
        List<String> enabled = List.of(defaults().getProtocols());
        if (mask == 0) {
            return enabled.toArray(String[]::new);
        }
        if ((mask & SslProtocol.DTLS) != 0) {
            throw new IllegalArgumentException("setting 'ssl_protocols': DTLS is for datagram ports, which jswoole "
                    + "does not encrypt");
        }
        List<String> out = new ArrayList<>();
        int[] bits = {SslProtocol.SSLv2, SslProtocol.SSLv3, SslProtocol.TLSv1, SslProtocol.TLSv1_1,
                SslProtocol.TLSv1_2, SslProtocol.TLSv1_3};
        String[] names = {"SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};
        for (int i = 0; i < bits.length; i++) {
            if ((mask & bits[i]) == 0) {
                continue;
            }
            if (!enabled.contains(names[i])) {
                throw new IllegalArgumentException("setting 'ssl_protocols': " + names[i] + " cannot be honoured: "
                        + "this JDK enables only " + enabled + " (jdk.tls.disabledAlgorithms in java.security)");
            }
            out.add(names[i]);
        }
        return out.toArray(String[]::new);
    }

    /**
     * The JDK named groups for {@code ssl_ecdh_curve} (a curve or a colon list, OpenSSL's names); null for
     * {@code auto}, the JDK's own order.
     *
     * @throws IllegalArgumentException naming {@code ssl_ecdh_curve} for a curve it does not know
     */
    static String[] namedGroups(String curves) {
        if (curves.equalsIgnoreCase("auto")) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String c : curves.split(":")) {
            String g = CURVES.get(c.trim().toLowerCase(Locale.ROOT));
            if (g == null) {
                throw new IllegalArgumentException("setting 'ssl_ecdh_curve': '" + c + "' cannot be honoured: "
                        + "the JDK has " + CURVES.keySet().stream().sorted().toList() + " (or 'auto')");
            }
            out.add(g);
        }
        return out.toArray(String[]::new);
    }
}
