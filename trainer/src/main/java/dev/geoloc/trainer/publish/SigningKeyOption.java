package dev.geoloc.trainer.publish;

import java.security.PrivateKey;

import dev.geoloc.contracts.versions.RolloutSignatures;
import dev.geoloc.schemas.ModelVersion;
import picocli.CommandLine.Option;

/** The option of every command that sends a rollout action: the key it is signed with. */
public final class SigningKeyOption {

    @Option(names = "--signing-key", paramLabel = "PEM", converter = KeyFiles.Private.class,
            description = "Ed25519 private key (PKCS#8 PEM, e.g. openssl genpkey -algorithm ed25519) to sign the "
                    + "action with; processors configured with its public key act only on actions it signed.")
    PrivateKey key;

    /** {@code action}, signed with the key; unchanged without one. */
    ModelVersion sign(ModelVersion action) {
        return key == null ? action : RolloutSignatures.signed(key, action);
    }
}
