package io.jswoole.client;

import io.netty.util.NetUtil;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Whether a server's certificate names the host the client meant, as OpenSSL's {@code X509_check_host} and
 * {@code X509_check_ip_asc} decide for Swoole's {@code ssl_host_name}: an IP address must be one of the
 * certificate's IP subject alternative names; a host name one of its DNS names (case-insensitive, a trailing dot
 * ignored), where {@code *.example.com} stands for exactly one leftmost label and needs two labels after it; the
 * subject's common name counts only when the certificate has no DNS name. Partial wildcards ({@code w*.example.com})
 * are not honoured, as browsers and the JDK's HTTPS check do.
 */
final class HostName {
    private static final int DNS = 2;
    private static final int IP = 7;

    private HostName() {
    }

    /** Throws, naming the host and the names the certificate has, unless {@code cert} is for {@code host}. */
    static void check(String host, X509Certificate cert) throws CertificateException {
        if (host == null || host.isEmpty()) {
            throw new CertificateException("no host name to check the server's certificate against: set "
                    + "ssl_host_name");
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(h);
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new CertificateException("unreadable subjectAltName in the server's certificate", e);
        }
        if (sans != null) {
            for (List<?> san : sans) {
                if (san.get(0) instanceof Integer type && san.get(1) instanceof String v) {
                    if (type == DNS) {
                        dns.add(v);
                    } else if (type == IP) {
                        ips.add(v);
                    }
                }
            }
        }
        if (ip != null) {
            for (String v : ips) {
                if (Arrays.equals(ip, NetUtil.createByteArrayFromIpAddressString(v))) {
                    return;
                }
            }
            throw mismatch(host, dns, ips);
        }
        String name = h.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        List<String> names = dns.isEmpty() ? commonNames(cert) : dns;
        for (String pattern : names) {
            if (matches(name, pattern.toLowerCase(Locale.ROOT))) {
                return;
            }
        }
        throw mismatch(host, names, ips);
    }

    private static boolean matches(String name, String pattern) {
        if (pattern.endsWith(".")) {
            pattern = pattern.substring(0, pattern.length() - 1);
        }
        if (!pattern.startsWith("*.")) {
            return pattern.equals(name);
        }
        String rest = pattern.substring(1); // ".example.com"
        int dot = name.indexOf('.');
        return rest.indexOf('.', 1) > 0 && rest.indexOf('*') < 0 && dot > 0 && name.substring(dot).equals(rest);
    }

    private static List<String> commonNames(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    out.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            // no usable subject: no common name
        }
        return out;
    }

    private static CertificateException mismatch(String host, List<String> names, List<String> ips) {
        List<String> all = new ArrayList<>(names);
        all.addAll(ips);
        return new CertificateException("host name '" + host + "' does not match the server's certificate "
                + "(it names " + all + ")");
    }
}
