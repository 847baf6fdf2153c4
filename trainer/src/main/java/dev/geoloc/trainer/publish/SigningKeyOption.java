package dev.geoloc.trainer.publish;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;

import dev.geoloc.contracts.versions.RolloutSignatures;
import dev.geoloc.schemas.ModelVersion;
import picocli.CommandLine.Option;

/** The option of every command that sends a rollout action: the key it is signed with. */
public final class SigningKeyOption {

    @Option(names = "--signing-key", paramLabel = "PEM", converter = KeyFiles.Private.class,
            description = "Ed25519 private key (PKCS#8 PEM, e.g. openssl genpkey -algorithm ed25519) to sign the "
                    + "action with; processors configured with its public key act only on actions it signed. The "
                    + "topic is then read verified, never as every record counting: with --verify-key's keys, else "
                    + "with this key's public half, so that nothing unsigned or signed by another key is signed anew.")
    PrivateKey key;

    /** {@code action}, signed with the key; unchanged without one. */
    ModelVersion sign(ModelVersion action) {
        return key == null ? action : RolloutSignatures.signed(key, action);
    }

    /**
     * The public half of an Ed25519 private key. The JDK has no call for it, but its key pair generator computes a
     * pair from the 32 bytes it draws: drawn from {@code key}'s own bytes, the pair is {@code key}'s. What comes out is
     * checked (it verifies a signature {@code key} made), so another JDK's generator cannot give a wrong half.
     *
     * @throws IllegalArgumentException if the public half cannot be computed here
     */
    static PublicKey publicHalf(PrivateKey key) {
        byte[] seed = key instanceof EdECPrivateKey ed ? ed.getBytes().orElse(null) : null;
        if (seed == null || seed.length != 32) {
            throw new IllegalArgumentException("not an Ed25519 private key whose bytes can be read");
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
                @Override
                public void nextBytes(byte[] bytes) {
                    if (bytes.length != seed.length) {
                        throw new IllegalStateException("the generator draws " + bytes.length + " bytes, not 32");
                    }
                    System.arraycopy(seed, 0, bytes, 0, seed.length);
                }
            });
            KeyPair pair = generator.generateKeyPair();
            byte[] probe = "geoloc-trainer: public half of --signing-key".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(pair.getPublic());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException("this JDK's Ed25519 key pair generator does not draw its key as "
                        + "expected");
            }
            return pair.getPublic();
        } catch (GeneralSecurityException | IllegalStateException e) {
            throw new IllegalArgumentException("its public half cannot be computed here: " + e.getMessage(), e);
        }
    }
}
