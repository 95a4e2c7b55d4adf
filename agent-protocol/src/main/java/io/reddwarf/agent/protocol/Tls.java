package io.reddwarf.agent.protocol;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS 1.3 context both sides of the protocol use: their own EC key (PKCS#8 PEM) and certificate
 * chain, and the deployment's authority as the only trusted root. JDK only.
 */
public final class Tls {
    private Tls() {}

    /**
     * @param keyPem       the private key, {@code -----BEGIN PRIVATE KEY-----}
     * @param chainPems    its certificate first, then any issuers to present
     * @param authorityPem the one certificate authority the peer must chain to
     * @throws IllegalArgumentException if a PEM cannot be read or the key does not suit
     */
    public static SSLContext context(String keyPem, List<String> chainPems, String authorityPem) {
        try {
            char[] none = new char[0];
            Certificate[] chain = new Certificate[chainPems.size()];
            for (int i = 0; i < chain.length; i++) {
                chain[i] = certificate(chainPems.get(i));
            }
            KeyStore identity = KeyStore.getInstance("PKCS12");
            identity.load(null, null);
            identity.setKeyEntry("self", KeyFactory.getInstance("EC").generatePrivate(
                    new PKCS8EncodedKeySpec(der(keyPem, "PRIVATE KEY"))), none, chain);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(identity, none);
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("reddwarf-ca", certificate(authorityPem));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (java.io.IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("unusable TLS credentials: " + e.getMessage(), e);
        }
    }

    private static Certificate certificate(String pem) throws GeneralSecurityException {
        return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem.getBytes(US_ASCII)));
    }

    private static byte[] der(String pem, String type) throws java.io.IOException {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new java.io.IOException("no PEM " + type + " found");
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    }
}
