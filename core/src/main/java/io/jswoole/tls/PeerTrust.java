package io.jswoole.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How a TLS port verifies client certificates, and a coroutine client its server's: the JDK's PKIX check against
 * the CAs of {@code ssl_client_cert_file}, {@code ssl_cafile} and {@code ssl_capath} (the JDK's own trust store when
 * none is given, as OpenSSL's default paths), plus what OpenSSL adds: {@code ssl_verify_depth} (at most depth + 1
 * certificates below the trust anchor) and {@code ssl_allow_self_signed} (a lone self-signed certificate passes, if it is within its dates).
 */
public final class PeerTrust extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager pkix;
    private final int depth;
    private final boolean allowSelfSigned;
    private final X509Certificate[] advertised;

    private PeerTrust(X509ExtendedTrustManager pkix, X509Certificate[] advertised, int depth,
            boolean allowSelfSigned) {
        this.pkix = pkix;
        this.advertised = advertised;
        this.depth = depth;
        this.allowSelfSigned = allowSelfSigned;
    }

    /**
     * Trusts {@code cas}, or the JDK's trust store when {@code cas} is empty, and names {@code advertised} in its
     * certificate requests (none: a client may send any certificate); depth -1: no limit of ours.
     */
    public static PeerTrust of(List<X509Certificate> cas, List<X509Certificate> advertised, int depth,
            boolean allowSelfSigned)
            throws GeneralSecurityException {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (cas.isEmpty()) {
            f.init((KeyStore) null);
        } else {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try {
                ks.load(null, null);
            } catch (java.io.IOException e) {
                throw new GeneralSecurityException(e);
            }
            int i = 0;
            for (X509Certificate c : cas) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            f.init(ks);
        }
        for (TrustManager tm : f.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return new PeerTrust(x, advertised.toArray(X509Certificate[]::new), depth, allowSelfSigned);
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager in the JDK");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClient(chain, () -> pkix.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClient(chain, () -> pkix.checkClientTrusted(chain, authType, socket));
    }

    /** A JDK check of a client's chain. */
    private interface PkixCheck {
        void run() throws CertificateException;
    }

    /** The JDK's verdict, except that a self-signed certificate in its validity passes with ssl_allow_self_signed. */
    private void checkClient(X509Certificate[] chain, PkixCheck pkixCheck) throws CertificateException {
        try {
            pkixCheck.run();
        } catch (CertificateException e) {
            if (!allowSelfSigned || !selfSigned(chain)) {
                throw e;
            }
            chain[0].checkValidity();
        }
        checkDepth(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkClientTrusted(chain, authType, (Socket) null);
    }

    /**
     * A server's chain, with the same checks as a client's. The host name is the caller's to check: the JDK's
     * endpoint identification is not applied here (it would accept the connected address when the name fails).
     */
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkClient(chain, () -> pkix.checkServerTrusted(chain, authType));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return advertised.clone();
    }

    private void checkDepth(X509Certificate[] chain) throws CertificateException {
        int below = chain.length;
        if (below > 1 && isSelfIssued(chain[below - 1])) {
            below--; // the peer sent the root as well: that is the trust anchor, not a level
        }
        if (depth >= 0 && below > depth + 1) {
            throw new CertificateException("certificate chain of " + below + " exceeds ssl_verify_depth " + depth);
        }
    }

    private static boolean selfSigned(X509Certificate[] chain) {
        if (chain == null || chain.length != 1 || !isSelfIssued(chain[0])) {
            return false;
        }
        try {
            chain[0].verify(chain[0].getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean isSelfIssued(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
    }
}
