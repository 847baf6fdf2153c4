package dev.geoloc.processor.versions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.geoloc.model.TestBundles;
import dev.geoloc.regions.RegionCatalog;

/**
 * Models whose answers are known before they run: each puts all its probability on one region of the Los Angeles
 * catalog, whatever the photo. On photos labelled at {@link #HOME}'s centre, one that answers HOME is never wrong,
 * and one that answers the region farthest from it is wrong by the whole city.
 */
final class CanaryBundles {

    static final int HOME = 0;

    private static CanaryBundles instance;

    final PublishedVersions.Artifact home;
    /** Answers as {@link #home} does, from other bytes: a good canary. */
    final PublishedVersions.Artifact homeAgain;
    final PublishedVersions.Artifact far;
    final int farRegion;

    private CanaryBundles(Path dir) throws IOException {
        RegionCatalog la = RegionCatalog.losAngeles();
        int farthest = 0;
        for (int i = 0; i < la.size(); i++) {
            if (la.distanceKm(HOME, i) > la.distanceKm(HOME, farthest)) {
                farthest = i;
            }
        }
        farRegion = farthest;
        home = PublishedVersions.artifact(TestBundles.alwaysRegion(dir.resolve("home"), la, HOME, "home"));
        homeAgain = PublishedVersions.artifact(TestBundles.alwaysRegion(dir.resolve("home-again"), la, HOME, "home-again"));
        far = PublishedVersions.artifact(TestBundles.alwaysRegion(dir.resolve("far"), la, farthest, "far"));
    }

    static synchronized CanaryBundles get() {
        if (instance == null) {
            try {
                instance = new CanaryBundles(Files.createDirectories(Path.of("target",
                        "canary-" + ProcessHandle.current().pid()).toAbsolutePath()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }
}
