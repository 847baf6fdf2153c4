package dev.geoloc.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionSignaturesTest {

    private static final String SHA = "ab".repeat(32);

    @TempDir
    Path dir;

    private static KeyPair keys() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    @Test
    void aSignatureVerifiesForExactlyTheVersionItSigned() throws Exception {
        KeyPair keys = keys();
        String signature = VersionSignatures.sign(keys.getPrivate(), "la-street", 3, SHA);

        assertThat(VersionSignatures.verify(keys.getPublic(), "la-street", 3, SHA, signature)).isTrue();
        assertThat(VersionSignatures.verify(keys.getPublic(), "la-street", 3, SHA.toUpperCase(), signature))
                .as("hex case does not matter").isTrue();
        assertThat(VersionSignatures.verify(keys.getPublic(), "la-street", 4, SHA, signature)).as("other version").isFalse();
        assertThat(VersionSignatures.verify(keys.getPublic(), "la-other", 3, SHA, signature)).as("other model").isFalse();
        assertThat(VersionSignatures.verify(keys.getPublic(), "la-street", 3, "cd".repeat(32), signature))
                .as("other artifact").isFalse();
        assertThat(VersionSignatures.verify(keys().getPublic(), "la-street", 3, SHA, signature)).as("other key").isFalse();
        assertThat(VersionSignatures.verify(keys.getPublic(), "la-street", 3, SHA, null)).as("unsigned").isFalse();
        assertThat(VersionSignatures.verify(keys.getPublic(), "la-street", 3, SHA, "not base64!")).isFalse();
    }

    @Test
    void keysRoundTripThroughPemFilesAsOpenSslWritesThem() throws Exception {
        KeyPair keys = keys();
        Path privatePem = Files.writeString(dir.resolve("signing.pem"), VersionSignatures.pem(keys.getPrivate()));
        Path publicPem = Files.writeString(dir.resolve("verify.pem"), VersionSignatures.pem(keys.getPublic()));

        String signature = VersionSignatures.sign(VersionSignatures.readPrivateKey(privatePem), "m", 1, SHA);

        assertThat(Files.readString(publicPem)).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(VersionSignatures.verify(VersionSignatures.readPublicKey(publicPem), "m", 1, SHA, signature)).isTrue();
    }

    @Test
    void aFileThatIsNoKeyIsRefusedWithItsName() throws IOException {
        Path notAKey = Files.writeString(dir.resolve("key.pem"), "hello");

        assertThatThrownBy(() -> VersionSignatures.readPublicKey(notAKey)).isInstanceOf(IOException.class)
                .hasMessageContaining("key.pem").hasMessageContaining("BEGIN PUBLIC KEY");
    }
}
