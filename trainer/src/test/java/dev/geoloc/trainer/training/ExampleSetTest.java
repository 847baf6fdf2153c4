package dev.geoloc.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.dataset.Split;
import dev.geoloc.dataset.synth.SynthCityConfig;
import dev.geoloc.dataset.synth.SynthCityGenerator;
import dev.geoloc.imaging.ImageLimits;
import dev.geoloc.imaging.ImagePreprocessor;
import dev.geoloc.imaging.Preprocessing;
import dev.geoloc.imaging.ResizePolicy;
import dev.geoloc.regions.RegionCatalog;

class ExampleSetTest {

    private static final RegionCatalog LA = RegionCatalog.losAngeles();

    @Test
    void keepsEachImageAs8BitPixelsThatReadBackWithinHalfAStepOfTheDecodedFloats(@TempDir Path dataset)
            throws Exception {
        new SynthCityGenerator(LA, SynthCityConfig.defaults().withLocationsPerRegion(1).withHeadings(List.of(0))
                .withSize(96, 72)).generate(dataset, 1, (done, total) -> { });
        Manifest manifest = Manifest.read(dataset, LA);
        List<ManifestEntry> entries = manifest.split(Split.TRAIN);
        int size = 64;

        ExampleSet set = ExampleSet.load(manifest, entries, LA, size, ResizePolicy.CENTER_CROP, done -> { });

        assertThat(set.size()).isEqualTo(entries.size()).isPositive();
        for (byte[] image : set.images()) {
            assertThat(image).hasSize(3 * size * size);
        }
        ImagePreprocessor decoder = new ImagePreprocessor(
                new Preprocessing(size, new float[] {0, 0, 0}, new float[] {1, 1, 1}, ResizePolicy.CENTER_CROP),
                ImageLimits.DEFAULT);
        float[] decoded = new float[set.imageFloats()];
        float[] read = new float[set.imageFloats()];
        for (int i = 0; i < set.size(); i++) {
            decoder.preprocess(Files.readAllBytes(manifest.resolve(entries.get(i))), decoded, 0);
            set.read(i, read);
            for (int k = 0; k < read.length; k++) {
                assertThat(read[k]).isCloseTo(decoded[k], within(0.5f / 255 + 1e-6f));
            }
        }
        assertThat(set.regions()[0]).isEqualTo(LA.indexOf(entries.get(0).regionId()));
    }
}
