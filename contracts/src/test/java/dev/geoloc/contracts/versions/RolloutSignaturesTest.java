package dev.geoloc.contracts.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RolloutRole;

class RolloutSignaturesTest {

    private static final String SHA = "ab".repeat(32);

    @TempDir
    Path dir;

    private static KeyPair keys() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private static ModelVersion record(int version, String sha256) {
        return ModelVersion.newBuilder(RolloutStateTest.record(version, 7, RolloutRole.STABLE, 0)).setSha256(sha256).build();
    }

    @Test
    void aSignatureVerifiesForExactlyTheActionItSigned() throws Exception {
        KeyPair keys = keys();
        ModelVersion signed = RolloutSignatures.signed(keys.getPrivate(), record(3, SHA));

        assertThat(RolloutSignatures.verify(keys.getPublic(), signed)).isTrue();
        assertThat(RolloutSignatures.verify(keys.getPublic(), ModelVersion.newBuilder(signed).setSha256(SHA.toUpperCase())
                .build())).as("hex case does not matter").isTrue();
        assertThat(RolloutSignatures.verify(keys.getPublic(), ModelVersion.newBuilder(signed).setVersion(4).build()))
                .as("other version").isFalse();
        assertThat(RolloutSignatures.verify(keys.getPublic(), ModelVersion.newBuilder(signed).setModelName("la-other")
                .build())).as("other model").isFalse();
        assertThat(RolloutSignatures.verify(keys.getPublic(), ModelVersion.newBuilder(signed).setSha256("cd".repeat(32))
                .build())).as("other artifact").isFalse();
        assertThat(RolloutSignatures.verify(keys.getPublic(), ModelVersion.newBuilder(signed).setSequence(8).build()))
                .as("other sequence").isFalse();
        assertThat(RolloutSignatures.verify(keys.getPublic(), ModelVersion.newBuilder(signed).setRole(RolloutRole.WITHDRAWN)
                .build())).as("other role").isFalse();
        assertThat(RolloutSignatures.verify(keys().getPublic(), signed)).as("other key").isFalse();
        assertThat(RolloutSignatures.verify(keys.getPublic(), ModelVersion.newBuilder(signed).setSignature(null).build()))
                .as("unsigned").isFalse();
        assertThat(RolloutSignatures.verify(keys.getPublic(), ModelVersion.newBuilder(signed).setSignature("not base64!")
                .build())).isFalse();
    }

    @Test
    void aSignatureFromBeforeSequencesVerifiesOnlyForARecordThatClaimsNoSequence() throws Exception {
        KeyPair keys = keys();
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(keys.getPrivate());
        signer.update(("geoloc-model-version/1|la-street|3|" + SHA).getBytes(StandardCharsets.UTF_8));
        ModelVersion legacy = ModelVersion.newBuilder(record(3, SHA)).setSequence(0)
                .setSignature(Base64.getEncoder().encodeToString(signer.sign())).build();

        assertThat(RolloutSignatures.verify(keys.getPublic(), legacy)).isTrue();
        assertThat(RolloutSignatures.verify(keys.getPublic(), ModelVersion.newBuilder(legacy).setSequence(9).build()))
                .as("the same signature on a record claiming a sequence").isFalse();
    }

    @Test
    void keysRoundTripThroughPemFilesAsOpenSslWritesThem() throws Exception {
        KeyPair keys = keys();
        Path privatePem = Files.writeString(dir.resolve("signing.pem"), RolloutSignatures.pem(keys.getPrivate()));
        Path publicPem = Files.writeString(dir.resolve("verify.pem"), RolloutSignatures.pem(keys.getPublic()));

        ModelVersion signed = RolloutSignatures.signed(RolloutSignatures.readPrivateKey(privatePem), record(1, SHA));

        assertThat(Files.readString(publicPem)).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(RolloutSignatures.verify(RolloutSignatures.readPublicKey(publicPem), signed)).isTrue();
    }

    @Test
    void aFileThatIsNoKeyIsRefusedWithItsName() throws IOException {
        Path notAKey = Files.writeString(dir.resolve("key.pem"), "hello");

        assertThatThrownBy(() -> RolloutSignatures.readPublicKey(notAKey)).isInstanceOf(IOException.class)
                .hasMessageContaining("key.pem").hasMessageContaining("BEGIN PUBLIC KEY");
    }
}
