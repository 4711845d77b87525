package io.jswoole.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * OpenSSL cipher lists ({@code ssl_ciphers}, for example Swoole's default
 * {@code EECDH+AESGCM:EDH+AESGCM:AES256+EECDH:AES256+EDH}) evaluated over the JDK's enabled cipher suites, with
 * OpenSSL's rules: items separated by {@code :}, {@code ,} or spaces; {@code a+b} is the suites in both; a plain
 * item appends the suites not yet listed, {@code -item} removes them (a later item may add them again),
 * {@code !item} removes them for good, {@code +item} moves them to the end; {@code @STRENGTH} sorts by key length.
 * An item is an alias ({@code ECDHE}, {@code AESGCM}, {@code HIGH}...), an OpenSSL suite name
 * ({@code ECDHE-RSA-AES128-GCM-SHA256}) or a JSSE one ({@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}).
 * <p>As in OpenSSL the list governs TLSv1.2 and older; the TLSv1.3 suites stay enabled. Families the JDK does not
 * enable (NULL, anonymous, export, RC4, DES, CAMELLIA, PSK...) select nothing, so {@code !aNULL:!MD5} is harmless;
 * a name jswoole does not know is refused, and so is a list that selects no suite.
 */
public final class Ciphers {
    /** One JSSE suite, in OpenSSL's terms. */
    record Suite(String jsse, String openssl, String kx, String auth, String enc, int bits, String mac, boolean v13) {
    }

    /** Alias families the JDK never enables: they match nothing (OpenSSL would drop them too at a high level). */
    private static final Set<String> ABSENT = Set.of("ENULL", "NULL", "ANULL", "EXPORT", "EXP", "LOW", "DES", "RC4",
            "MD5", "PSK", "KPSK", "APSK", "ECDHEPSK", "DHEPSK", "RSAPSK", "SRP", "KSRP", "ASRP", "CAMELLIA",
            "CAMELLIA128", "CAMELLIA256", "ARIA", "ARIA128", "ARIA256", "SEED", "IDEA", "RC2", "GOST94", "GOST89MAC",
            "KGOST", "AGOST", "AGOST01", "KDHR", "KDHD", "ADH", "AECDH", "KECDHR", "SSLV2", "AESCCM8", "SHA224");

    private Ciphers() {
    }

    /**
     * The JSSE suites {@code expr} selects from {@code enabled} (the JDK's enabled suites, in its order), the
     * TLSv1.3 suites first.
     *
     * @throws IllegalArgumentException naming {@code ssl_ciphers} and the item it cannot honour
     */
    public static List<String> select(String expr, List<String> enabled) {
        List<Suite> all = new ArrayList<>();
        for (String name : enabled) {
            Suite s = parse(name);
            if (s != null) {
                all.add(s);
            }
        }
        List<Suite> list = new ArrayList<>();
        Set<Suite> banned = new LinkedHashSet<>();
        for (String raw : expr.trim().split("[:, ]+")) {
            if (raw.isEmpty()) {
                continue;
            }
            char op = raw.charAt(0);
            String item = op == '!' || op == '-' || op == '+' ? raw.substring(1) : raw;
            if (item.equalsIgnoreCase("@STRENGTH")) {
                list.sort(Comparator.comparingInt(Suite::bits).reversed());
                continue;
            }
            if (item.toUpperCase(Locale.ROOT).startsWith("@SECLEVEL")) {
                throw refuse(raw, "OpenSSL's security levels have no JDK counterpart (the JDK's are set in "
                        + "java.security, jdk.tls.disabledAlgorithms)");
            }
            Predicate<Suite> match = matcher(item, raw);
            List<Suite> hits = all.stream().filter(match).toList();
            switch (op) {
                case '!' -> {
                    banned.addAll(hits);
                    list.removeAll(hits);
                }
                case '-' -> list.removeAll(hits);
                case '+' -> {
                    List<Suite> moved = list.stream().filter(match).toList();
                    list.removeAll(moved);
                    list.addAll(moved);
                }
                default -> {
                    for (Suite s : hits) {
                        if (!list.contains(s) && !banned.contains(s)) {
                            list.add(s);
                        }
                    }
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (Suite s : all) {
            if (s.v13) {
                out.add(s.jsse);
            }
        }
        for (Suite s : list) {
            if (!s.v13) {
                out.add(s.jsse);
            }
        }
        if (out.size() == all.stream().filter(Suite::v13).count()) {
            throw new IllegalArgumentException("setting 'ssl_ciphers': '" + expr + "' selects no TLSv1.2 cipher "
                    + "suite that the JDK provider has enabled");
        }
        return out;
    }

    /** The suites one item (without its operator) names: aliases joined by '+', or one suite name. */
    private static Predicate<Suite> matcher(String item, String raw) {
        if (item.startsWith("TLS_") || item.startsWith("SSL_")) {
            return s -> s.jsse.equals(item);
        }
        if (item.indexOf('-') > 0 && !item.contains("+")) { // an OpenSSL suite name
            if (!looksLikeSuite(item)) {
                throw refuse(raw, "not an OpenSSL cipher name or alias that jswoole knows");
            }
            return s -> s.openssl.equalsIgnoreCase(item);
        }
        Predicate<Suite> p = s -> true;
        for (String part : item.split("\\+")) {
            p = p.and(alias(part, raw));
        }
        return p;
    }

    private static boolean looksLikeSuite(String name) {
        String u = name.toUpperCase(Locale.ROOT);
        return u.contains("AES") || u.contains("CHACHA") || u.contains("DES") || u.contains("CAMELLIA")
                || u.contains("ARIA") || u.contains("RC4") || u.contains("SEED") || u.contains("NULL")
                || u.contains("IDEA");
    }

    private static Predicate<Suite> alias(String a, String raw) {
        String u = a.toUpperCase(Locale.ROOT);
        return switch (u) {
            case "ALL", "DEFAULT" -> s -> true;
            case "COMPLEMENTOFALL" -> s -> false;
            case "HIGH" -> s -> !s.enc.equals("3DES");
            case "COMPLEMENTOFDEFAULT", "MEDIUM" -> s -> s.enc.equals("3DES");
            case "ECDHE", "EECDH", "KECDHE", "KEECDH", "ECDH" -> s -> s.kx.equals("ECDHE");
            case "DHE", "EDH", "KDHE", "KEDH", "DH" -> s -> s.kx.equals("DHE");
            case "RSA", "KRSA" -> s -> s.kx.equals("RSA");
            case "ARSA" -> s -> s.auth.equals("RSA");
            case "ECDSA", "AECDSA" -> s -> s.auth.equals("ECDSA");
            case "DSS", "ADSS" -> s -> s.auth.equals("DSS");
            case "AES" -> s -> s.enc.startsWith("AES");
            case "AES128" -> s -> s.enc.startsWith("AES") && s.bits == 128;
            case "AES256" -> s -> s.enc.startsWith("AES") && s.bits == 256;
            case "AESGCM" -> s -> s.enc.equals("AESGCM");
            case "AESCCM" -> s -> s.enc.equals("AESCCM");
            case "CHACHA20" -> s -> s.enc.equals("CHACHA20");
            case "3DES" -> s -> s.enc.equals("3DES");
            case "SHA1", "SHA" -> s -> s.mac.equals("SHA");
            case "SHA256" -> s -> s.mac.equals("SHA256");
            case "SHA384" -> s -> s.mac.equals("SHA384");
            case "AEAD" -> s -> s.mac.equals("AEAD") || s.enc.equals("AESGCM") || s.enc.equals("CHACHA20");
            case "TLSV1.2" -> s -> s.enc.equals("AESGCM") || s.enc.equals("CHACHA20") || s.enc.equals("AESCCM")
                    || s.mac.startsWith("SHA2") || s.mac.equals("SHA384");
            case "TLSV1", "SSLV3", "TLSV1.0" -> s -> s.mac.equals("SHA") && !s.v13;
            case "TLSV1.3" -> Suite::v13;
            default -> {
                if (ABSENT.contains(u)) {
                    yield s -> false;
                }
                throw refuse(raw, "not an OpenSSL cipher name or alias that jswoole knows");
            }
        };
    }

    /** OpenSSL's view of a JSSE suite name, or null for a signalling suite. */
    static Suite parse(String jsse) {
        if (!jsse.startsWith("TLS_") && !jsse.startsWith("SSL_")) {
            return null;
        }
        String rest = jsse.substring(4);
        int with = rest.indexOf("_WITH_");
        if (with < 0) { // TLSv1.3: TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256
            if (rest.contains("SCSV")) {
                return null;
            }
            return new Suite(jsse, jsse, "ANY", "ANY", encOf(rest), bitsOf(rest), "AEAD", true);
        }
        String[] kxAuth = rest.substring(0, with).split("_");
        String kx = kxAuth[0];
        String auth = kxAuth.length > 1 ? kxAuth[1] : kx;
        String cipher = rest.substring(with + 6);
        String enc = encOf(cipher);
        String mac = cipher.endsWith("_SHA384") ? "SHA384" : cipher.endsWith("_SHA256") ? "SHA256"
                : cipher.endsWith("_SHA") ? "SHA" : "AEAD";
        return new Suite(jsse, opensslName(kx, auth, cipher, enc, mac), kx, auth, enc, bitsOf(cipher), mac, false);
    }

    private static String encOf(String cipher) {
        if (cipher.startsWith("AES") && cipher.contains("_GCM")) {
            return "AESGCM";
        }
        if (cipher.startsWith("AES") && cipher.contains("_CCM")) {
            return "AESCCM";
        }
        if (cipher.startsWith("AES")) {
            return "AES";
        }
        if (cipher.startsWith("CHACHA20")) {
            return "CHACHA20";
        }
        if (cipher.startsWith("3DES")) {
            return "3DES";
        }
        return cipher.split("_")[0];
    }

    private static int bitsOf(String cipher) {
        if (cipher.contains("_256") || cipher.startsWith("CHACHA20")) {
            return 256;
        }
        if (cipher.contains("_128")) {
            return 128;
        }
        return cipher.startsWith("3DES") ? 112 : 0;
    }

    /** ECDHE_RSA + AES_128_GCM_SHA256 is ECDHE-RSA-AES128-GCM-SHA256; RSA + AES_128_CBC_SHA is AES128-SHA. */
    private static String opensslName(String kx, String auth, String cipher, String enc, String mac) {
        String prefix = kx.equals("RSA") ? "" : kx + "-" + auth + "-";
        String body = switch (enc) {
            case "AESGCM" -> "AES" + bitsOf(cipher) + "-GCM-" + mac(cipher);
            case "AESCCM" -> "AES" + bitsOf(cipher) + "-CCM";
            case "AES" -> "AES" + bitsOf(cipher) + "-" + mac;
            case "CHACHA20" -> "CHACHA20-POLY1305";
            case "3DES" -> "DES-CBC3-" + mac;
            default -> cipher.replace('_', '-');
        };
        return prefix + body;
    }

    private static String mac(String cipher) {
        return cipher.endsWith("SHA384") ? "SHA384" : "SHA256";
    }

    private static IllegalArgumentException refuse(String item, String why) {
        return new IllegalArgumentException("setting 'ssl_ciphers': '" + item + "' cannot be honoured: " + why);
    }
}
