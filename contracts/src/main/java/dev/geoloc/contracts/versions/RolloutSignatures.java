package dev.geoloc.contracts.versions;

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
import java.util.Locale;

import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RolloutRole;

/**
 * Ed25519 signatures of rollout actions: whoever publishes, promotes, rolls back or withdraws a version signs
 * what the record makes processors do (model, version, artifact sha256, sequence, role, traffic share) with a
 * private key; processors holding the public key act only on records whose signature verifies. Signing the
 * sequence is what makes a record sent again powerless: its sequence is not above the highest acted on
 * ({@link RolloutState}). The artifact itself is covered by its sha256, which processors check too.
 *
 * <p>Keys are PEM files as OpenSSL writes them:
 * {@code openssl genpkey -algorithm ed25519 -out signing.pem} and
 * {@code openssl pkey -in signing.pem -pubout -out verify.pem}.
 */
public final class RolloutSignatures {

    private static final String ALGORITHM = "Ed25519";

    private RolloutSignatures() {
    }

    /** What is signed: every field a processor acts on, so that a signature cannot be moved to another action. */
    static byte[] message(ModelVersion record) {
        return ("geoloc-model-action/2|" + record.getModelName() + "|" + record.getVersion() + "|"
                + record.getSha256().toLowerCase(Locale.ROOT) + "|" + record.getSequence() + "|" + record.getRole() + "|"
                + record.getTrafficPercent()).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * What records from before sequences signed. Verified only for a record that claims no sequence and the stable
     * role, which is all such a record could mean; a processor never acts on one once a sequence was acted on.
     */
    private static byte[] legacyMessage(ModelVersion record) {
        return ("geoloc-model-version/1|" + record.getModelName() + "|" + record.getVersion() + "|"
                + record.getSha256().toLowerCase(Locale.ROOT)).getBytes(StandardCharsets.UTF_8);
    }

    /** @return the Base64 signature of the action {@code record} carries (its signature field is not read) */
    public static String sign(PrivateKey key, ModelVersion record) {
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(message(record));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this " + key.getAlgorithm() + " key: " + e.getMessage(), e);
        }
    }

    /** {@code record}, signed: a copy whose signature field holds {@link #sign}'s. */
    public static ModelVersion signed(PrivateKey key, ModelVersion record) {
        return RolloutActions.copy(record).setSignature(sign(key, record)).build();
    }

    /** False for a signature that is missing, malformed, or made by another key or over other fields. */
    public static boolean verify(PublicKey key, ModelVersion record) {
        if (record.getSignature() == null) {
            return false;
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(record.getSignature());
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean legacy = record.getSequence() == 0 && record.getRole() == RolloutRole.STABLE
                && record.getTrafficPercent() == 0;
        return verifies(key, message(record), signature) || legacy && verifies(key, legacyMessage(record), signature);
    }

    private static boolean verifies(PublicKey key, byte[] message, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
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
