package dev.geoloc.processor.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.model.BundleWriter;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.Sha256;
import dev.geoloc.model.TestBundles;
import dev.geoloc.model.VersionSignatures;
import dev.geoloc.processor.artifacts.ArtifactFetcher;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.schemas.EvaluationMetrics;
import dev.geoloc.schemas.ModelVersion;

/** With a public key configured, only versions signed by its private key load; the model itself is real. */
class SignedVersionsTest {

    @TempDir
    static Path dir;
    private static Path zip;
    private static String sha256;
    private static KeyPair publisher;

    @BeforeAll
    static void publishAnArtifact() throws Exception {
        Path bundle = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER,
                RegionCatalog.losAngeles());
        zip = BundleWriter.zip(bundle, dir.resolve("bundle.zip"));
        sha256 = Sha256.of(zip);
        publisher = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private static ModelLoader loaderTrusting(KeyPair... keys) {
        return new ModelLoader(ArtifactFetcher.standard(dir.resolve("downloads"), 1L << 30, java.time.Duration.ofMinutes(1)),
                PredictorOptions.DEFAULT.withDevice("cpu"), 2,
                java.util.Arrays.stream(keys).map(KeyPair::getPublic).toList());
    }

    private static ModelVersion version(int number, String signature) {
        return ModelVersion.newBuilder().setModelName("signed").setVersion(number).setArtifactUri(zip.toUri().toString())
                .setSha256(sha256).setBackbone("tiny-cnn").setHead("classifier").setLoss("none")
                .setRegionCatalogHash(RegionCatalog.losAngeles().hash())
                .setMetrics(EvaluationMetrics.newBuilder().setDataset("none").setSamples(0).setAccuracy(0)
                        .setMeanErrorKm(0).setMedianErrorKm(0).setAccAt1km(0).setAccAt5km(0).setAccAt10km(0)
                        .setAccAt25km(0).build())
                .setCreatedTime(Instant.now()).setSignature(signature).build();
    }

    @Test
    void aVersionSignedByThePublisherLoads() throws Exception {
        ModelVersion signed = version(1, VersionSignatures.sign(publisher.getPrivate(), "signed", 1, sha256));

        ServedModel served = loaderTrusting(publisher).load(signed, Optional.empty());

        try {
            assertThat(served.version()).isEqualTo(1);
            assertThat(served.predictor().isClosed()).isFalse();
        } finally {
            served.predictor().close();
        }
    }

    @Test
    void unsignedForeignAndMovedSignaturesAreRefused() throws Exception {
        KeyPair stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        ModelLoader loader = loaderTrusting(publisher);

        assertThatThrownBy(() -> loader.load(version(2, null), Optional.empty()))
                .isInstanceOfSatisfying(VersionRejectedException.class,
                        e -> assertThat(e.kind()).isEqualTo(RejectionKind.SIGNATURE_INVALID))
                .hasMessageContaining("not signed");
        assertThatThrownBy(() -> loader.load(version(2, VersionSignatures.sign(stranger.getPrivate(), "signed", 2, sha256)),
                Optional.empty())).hasMessageContaining("does not verify");
        // a genuine signature of version 1 does not make the same artifact version 2
        assertThatThrownBy(() -> loader.load(version(2, VersionSignatures.sign(publisher.getPrivate(), "signed", 1, sha256)),
                Optional.empty())).hasMessageContaining("does not verify");
    }

    @Test
    void duringAKeyRotationAVersionSignedByEitherKeyLoads() throws Exception {
        KeyPair successor = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        ModelLoader loader = loaderTrusting(publisher, successor);

        for (KeyPair signer : List.of(publisher, successor)) {
            ServedModel served = loader.load(version(3, VersionSignatures.sign(signer.getPrivate(), "signed", 3, sha256)),
                    Optional.empty());
            served.predictor().close();
        }
        assertThatThrownBy(() -> loader.load(version(3, VersionSignatures.sign(stranger.getPrivate(), "signed", 3, sha256)),
                Optional.empty())).hasMessageContaining("does not verify by any of the 2 keys");
    }
}
