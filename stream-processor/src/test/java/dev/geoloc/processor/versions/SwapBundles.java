package dev.geoloc.processor.versions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.geoloc.model.HeadSpec;
import dev.geoloc.model.TestBundles;
import dev.geoloc.regions.CatalogReader;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.regions.TestCatalogs;

/** The bundles a rollout test publishes, written once per test JVM. */
final class SwapBundles {

    /** 128 x 18432 + 18432 x 15 weights: 9.5 MiB of float32. */
    static final int HEAVY_HIDDEN = 18432;

    private static SwapBundles instance;

    /**
     * Two good models of the Los Angeles catalog, with different heads; the second as bundles were written before
     * they carried reference outputs, which load unchecked.
     */
    final PublishedVersions.Artifact first;
    final PublishedVersions.Artifact second;
    /**
     * Two models whose heads hold about 9 MiB of weights each, for the swap-memory test: a swapped-out model kept
     * alive would add that much native memory per swap, well above the allocator's own drift.
     */
    final PublishedVersions.Artifact heavyFirst;
    final PublishedVersions.Artifact heavySecond;
    /**
     * Bad ones: an encoder that is not TorchScript, another catalog, NaN weights, and reference outputs this machine
     * does not compute (5 % off: as a machine that computes the model wrong would find them).
     */
    final PublishedVersions.Artifact corruptEncoder;
    final PublishedVersions.Artifact otherCatalog;
    final PublishedVersions.Artifact nanHead;
    final PublishedVersions.Artifact offReference;

    private SwapBundles(Path dir) throws IOException {
        RegionCatalog la = RegionCatalog.losAngeles();
        first = PublishedVersions.artifact(TestBundles.untrained(dir.resolve("first"), "tiny-cnn", TestBundles.CLASSIFIER, la));
        second = PublishedVersions.artifact(TestBundles.withoutReference(TestBundles.untrained(dir.resolve("second"),
                "tiny-cnn", new HeadSpec.Classifier(16, 0.1f), la)));
        heavyFirst = PublishedVersions.artifact(TestBundles.untrained(dir.resolve("heavy-first"), "tiny-cnn",
                new HeadSpec.Classifier(HEAVY_HIDDEN, 0.1f), la));
        heavySecond = PublishedVersions.artifact(TestBundles.untrained(dir.resolve("heavy-second"), "tiny-cnn",
                new HeadSpec.Classifier(HEAVY_HIDDEN, 0.2f), la));
        corruptEncoder = PublishedVersions.artifact(TestBundles.corruptEncoder(dir.resolve("corrupt"), la));
        RegionCatalog two = CatalogReader.parse("{\"regions\": [%s, %s]}".formatted(
                TestCatalogs.regionJson("north_side", 10.1, 10.2, 20.0, 20.1),
                TestCatalogs.regionJson("south_side", 10.0, 10.1, 20.0, 20.1)), "two regions");
        otherCatalog = PublishedVersions.artifact(TestBundles.untrained(dir.resolve("other-catalog"), "tiny-cnn",
                TestBundles.CLASSIFIER, two));
        nanHead = PublishedVersions.artifact(TestBundles.nanHead(dir.resolve("nan"), la));
        offReference = PublishedVersions.artifact(TestBundles.withReferenceShifted(TestBundles.untrained(
                dir.resolve("off-reference"), "tiny-vit", TestBundles.CLASSIFIER, la), 0.05));
    }

    static synchronized SwapBundles get() {
        if (instance == null) {
            try {
                Path dir = Files.createDirectories(Path.of("target", "versions-" + ProcessHandle.current().pid())
                        .toAbsolutePath());
                instance = new SwapBundles(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }
}
