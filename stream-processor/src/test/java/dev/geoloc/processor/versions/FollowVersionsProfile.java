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
        return List.of(new TestResourceEntry(FirstVersion.class, Map.of(FirstVersion.MODEL, PublishedVersions.MODEL)));
    }

    /**
     * Publishes v1 of the model its {@link #MODEL} argument names before the application starts, since a processor
     * waits for a first version: {@link SwapBundles}' first bundle, or for {@link CanaryProfile#MODEL}, the bundle
     * that always answers the home region.
     */
    public static class FirstVersion implements QuarkusTestResourceLifecycleManager {

        static final String MODEL = "model";

        private String model;

        @Override
        public void init(Map<String, String> args) {
            model = args.get(MODEL);
        }

        @Override
        public Map<String, String> start() {
            try (PublishedVersions versions = new PublishedVersions(model)) {
                versions.publish(1, model.equals(CanaryProfile.MODEL) ? CanaryBundles.get().home : SwapBundles.get().first);
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
