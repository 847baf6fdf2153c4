package dev.geoloc.processor.versions;

import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The processor following published versions of {@link PublishedVersions#MODEL}, v1 published before it starts,
 * serving only versions signed by {@link PublishedVersions#SIGNING}, its admin endpoint guarded by
 * {@link #ADMIN_TOKEN}.
 */
public class FollowVersionsProfile implements QuarkusTestProfile {

    static final String ADMIN_TOKEN = "rollout-test-token";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("geoloc.model.bundle", "", "geoloc.model.name", PublishedVersions.MODEL,
                "geoloc.model.startup-timeout", "60s", "geoloc.admin.token", ADMIN_TOKEN,
                "geoloc.model.signature-public-key",
                PublishedVersions.verifyKey(java.nio.file.Path.of("target", "rollout-keys")).toString());
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FirstVersion.class));
    }

    /** Publishes v1 before the application starts: a processor waits for a first version. */
    public static class FirstVersion implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try (PublishedVersions versions = new PublishedVersions()) {
                versions.publish(1, SwapBundles.get().first);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Map.of();
        }

        @Override
        public void stop() {
        }
    }
}
