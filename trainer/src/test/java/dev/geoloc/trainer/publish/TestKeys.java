package dev.geoloc.trainer.publish;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;

import dev.geoloc.contracts.versions.RolloutSignatures;

/**
 * An Ed25519 key pair written as OpenSSL writes it: the trainer's {@code --signing-key} and the processors'
 * public key, which {@code --verify-key} takes.
 */
record TestKeys(KeyPair pair, Path signing, Path verify) {

    static TestKeys create(Path dir) throws IOException, GeneralSecurityException {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Files.createDirectories(dir);
        return new TestKeys(pair, Files.writeString(dir.resolve("signing.pem"), RolloutSignatures.pem(pair.getPrivate())),
                Files.writeString(dir.resolve("verify.pem"), RolloutSignatures.pem(pair.getPublic())));
    }
}
