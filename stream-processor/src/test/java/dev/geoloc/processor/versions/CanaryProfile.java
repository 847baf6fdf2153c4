package dev.geoloc.processor.versions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;

import dev.geoloc.contracts.versions.RolloutSignatures;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The processor following {@link #MODEL}, v1 (always the region {@link CanaryBundles#HOME}) published before it
 * starts, trusting the publisher's key, and holding a rollback key of its own, so that a canary it rolls back is
 * withdrawn for every instance. A canary is judged after 40 labelled answers on each side.
 */
public class CanaryProfile implements QuarkusTestProfile {

    static final String MODEL = "canary-test";
    /** The processor's own key: it may sign withdrawals only. */
    static final KeyPair ROLLBACK = PublishedVersions.keys();

    @Override
    public Map<String, String> getConfigOverrides() {
        Path keys = Path.of("target", "canary-keys").toAbsolutePath();
        return Map.of("geoloc.model.bundle", "", "geoloc.model.name", MODEL,
                "geoloc.model.startup-timeout", "60s",
                "geoloc.model.signature-public-key", PublishedVersions.verifyKey(keys).toString(),
                "geoloc.model.rollback-public-key", write(keys.resolve("rollback.pem"), RolloutSignatures.pem(ROLLBACK.getPublic())),
                "geoloc.rollout.rollback-signing-key", write(keys.resolve("rollback-signing.pem"),
                        RolloutSignatures.pem(ROLLBACK.getPrivate())),
                "geoloc.rollout.min-labelled", "40",
                "geoloc.rollout.min-events", "100000");
    }

    private static String write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, text).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FollowVersionsProfile.FirstVersion.class,
                Map.of(FollowVersionsProfile.FirstVersion.MODEL, MODEL)));
    }
}
