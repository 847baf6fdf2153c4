package dev.geoloc.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 signatures of published model versions: the trainer signs what a version names (model, version,
 * artifact sha256) with a private key; processors holding the public key refuse a version whose signature is
 * missing or does not verify. The artifact itself is covered by its sha256, which processors check too.
 *
 * <p>Keys are PEM files as OpenSSL writes them:
 * {@code openssl genpkey -algorithm ed25519 -out signing.pem} and
 * {@code openssl pkey -in signing.pem -pubout -out verify.pem}.
 */
public final class VersionSignatures {

    private static final String ALGORITHM = "Ed25519";

    private VersionSignatures() {
    }

    /** What is signed: the fields a processor acts on, so that a signature cannot be moved to another version. */
    static byte[] message(String modelName, int version, String sha256) {
        return ("geoloc-model-version/1|" + modelName + "|" + version + "|" + sha256.toLowerCase(java.util.Locale.ROOT))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** @return the Base64 signature */
    public static String sign(PrivateKey key, String modelName, int version, String sha256) {
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(message(modelName, version, sha256));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this " + key.getAlgorithm() + " key: " + e.getMessage(), e);
        }
    }

    /** False for a signature that is missing, malformed, or made by another key or over other fields. */
    public static boolean verify(PublicKey key, String modelName, int version, String sha256, String signature) {
        if (signature == null) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(message(modelName, version, sha256));
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** An Ed25519 private key from a PKCS#8 PEM file ("BEGIN PRIVATE KEY"). */
    public static PrivateKey readPrivateKey(Path pem) throws IOException {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY")));
        } catch (GeneralSecurityException e) {
            throw new IOException(pem + " is not an Ed25519 private key (PKCS#8 PEM): " + e.getMessage(), e);
        }
    }

    /** An Ed25519 public key from an X.509 PEM file ("BEGIN PUBLIC KEY"). */
    public static PublicKey readPublicKey(Path pem) throws IOException {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY")));
        } catch (GeneralSecurityException e) {
            throw new IOException(pem + " is not an Ed25519 public key (X.509 PEM): " + e.getMessage(), e);
        }
    }

    /** PEM text for a key's encoding, as OpenSSL writes it. */
    public static String pem(java.security.Key key) {
        String type = key instanceof PrivateKey ? "PRIVATE KEY" : "PUBLIC KEY";
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] der(Path pem, String type) throws IOException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IOException(pem + " holds no '" + begin + "' block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new IOException(pem + " has a malformed " + type + " block: " + e.getMessage(), e);
        }
    }
}
