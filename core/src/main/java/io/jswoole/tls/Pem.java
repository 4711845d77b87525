package io.jswoole.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files as OpenSSL writes them, read with the JDK alone: certificate chains and bundles, and private keys in
 * PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). Encrypted keys
 * and SEC1 EC keys ({@code BEGIN EC PRIVATE KEY}) are refused with the command that converts them.
 */
public final class Pem {
    private static final Pattern KEY = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1PRIVATE KEY-----");
    /** DER of PKCS#8's header for an rsaEncryption key, before the PKCS#1 body's OCTET STRING. */
    private static final byte[] RSA_ALGORITHM = {0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48,
            (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private Pem() {
    }

    /** Every certificate in {@code file}, in file order (a chain: the leaf first). */
    public static List<X509Certificate> certificates(Path file) throws IOException, CertificateException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new CertificateException("no certificate in " + file);
            }
            return out;
        }
    }

    /** The private key in {@code file}. */
    public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher m = KEY.matcher(text);
        if (!m.find()) {
            throw new GeneralSecurityException("no PEM private key in " + file);
        }
        String kind = m.group(1).trim();
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        byte[] pkcs8 = switch (kind) {
            case "" -> der;
            case "RSA" -> rsaToPkcs8(der);
            case "ENCRYPTED" -> throw new GeneralSecurityException(file + " is encrypted: decrypt it with "
                    + "'openssl pkey -in KEY -out KEY.plain'");
            default -> throw new GeneralSecurityException(file + " holds a '" + kind + " PRIVATE KEY': convert it "
                    + "to PKCS#8 with 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8'");
        };
        GeneralSecurityException last = null;
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("cannot read the private key in " + file + ": " + last.getMessage());
    }

    /** Throws when {@code key} is not the private half of {@code cert}'s public key (OpenSSL's check_private_key). */
    public static void checkPair(PrivateKey key, X509Certificate cert, Path keyFile) throws GeneralSecurityException {
        PublicKey pub = cert.getPublicKey();
        if (!pub.getAlgorithm().equals(key.getAlgorithm())) {
            throw new GeneralSecurityException(keyFile + " holds a " + key.getAlgorithm() + " key; the certificate's "
                    + "is " + pub.getAlgorithm());
        }
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> null; // its signature needs parameters; the handshake checks it
            default -> key.getAlgorithm(); // EdDSA, Ed25519, Ed448
        };
        if (alg == null) {
            return;
        }
        byte[] probe = "jswoole key check".getBytes(StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance(alg);
        s.initSign(key);
        s.update(probe);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(alg);
        v.initVerify(pub);
        v.update(probe);
        if (!v.verify(sig)) {
            throw new GeneralSecurityException(keyFile + " does not match the public key of the certificate "
                    + cert.getSubjectX500Principal().getName());
        }
    }

    /**
     * The CA certificates of {@code files} (bundles) and of the directory {@code dir} (OpenSSL's capath; null for
     * none): every certificate of every regular file in it, files without one (hash links, CRLs) skipped.
     */
    public static List<X509Certificate> authorities(List<Path> files, Path dir)
            throws IOException, GeneralSecurityException {
        List<X509Certificate> out = new ArrayList<>();
        for (Path f : files) {
            out.addAll(certificates(f));
        }
        if (dir != null) {
            try (var list = Files.list(dir)) {
                for (Path f : list.filter(Files::isRegularFile).sorted().toList()) {
                    try {
                        out.addAll(certificates(f));
                    } catch (GeneralSecurityException e) {
                        // OpenSSL's capath holds hash links and CRLs too: a file without a certificate is not one
                    }
                }
            }
            if (out.isEmpty()) {
                throw new GeneralSecurityException("ssl_capath " + dir + " holds no certificate");
            }
        }
        return out;
    }

    /** The PEM text of {@code cert}, as {@code openssl x509} writes it. */
    public static String encode(X509Certificate cert) {
        try {
            String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(cert.getEncoded());
            return "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PKCS#1 RSAPrivateKey wrapped as PKCS#8: SEQUENCE { version 0, rsaEncryption, OCTET STRING { der } }. */
    private static byte[] rsaToPkcs8(byte[] pkcs1) {
        byte[] octet = der(0x04, pkcs1);
        byte[] body = new byte[RSA_ALGORITHM.length + octet.length];
        System.arraycopy(RSA_ALGORITHM, 0, body, 0, RSA_ALGORITHM.length);
        System.arraycopy(octet, 0, body, RSA_ALGORITHM.length, octet.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] len = n < 0x80 ? new byte[] {(byte) n}
                : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + len.length + n];
        out[0] = (byte) tag;
        System.arraycopy(len, 0, out, 1, len.length);
        System.arraycopy(content, 0, out, 1 + len.length, n);
        return out;
    }
}
