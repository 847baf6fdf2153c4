package dev.geoloc.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.regions.LatLon;

class GalleryTest {

    private static final LatLon DOWNTOWN = new LatLon(34.0453, -118.2517);
    private static final LatLon VENICE = new LatLon(33.9850, -118.4695);

    @Test
    void halvesKeepNormalisedComponentsToAThousandth() {
        Random random = new Random(3);
        for (int i = 0; i < 10_000; i++) {
            float value = (float) (random.nextGaussian() * 0.2);
            assertThat(HalfFloat.toFloat(HalfFloat.fromFloat(value))).isCloseTo(value, within(Math.abs(value) / 1024 + 1e-7f));
        }
        for (float exact : new float[] {0f, -0f, 1f, -1f, 0.5f, 0.25f, 65504f, 0x1p-24f}) {
            assertThat(HalfFloat.toFloat(HalfFloat.fromFloat(exact))).isEqualTo(exact);
        }
        assertThat(HalfFloat.toFloat(HalfFloat.fromFloat(1e6f))).isInfinite();
        assertThat(HalfFloat.toFloat(HalfFloat.fromFloat(Float.NaN))).isNaN();
    }

    @Test
    void theNearestAreTheMostAlikeWithinTheRegionsAsked() {
        Gallery gallery = Gallery.of(3, 2, List.of(
                new Gallery.Entry(new float[] {1, 0, 0}, DOWNTOWN, 0),
                new Gallery.Entry(new float[] {0.9f, 0.1f, 0}, DOWNTOWN, 0),
                new Gallery.Entry(new float[] {0, 1, 0}, DOWNTOWN, 0),
                new Gallery.Entry(new float[] {1, 0, 0}, VENICE, 1)));

        List<Gallery.Neighbour> nearest = gallery.nearest(new float[] {10, 0, 0}, new int[] {0}, 2);

        assertThat(nearest).extracting(Gallery.Neighbour::index).containsExactly(0, 1);
        assertThat(nearest.get(0).similarity()).isCloseTo(1, within(1e-3));
        assertThat(gallery.nearest(new float[] {1, 0, 0}, new int[] {1}, 5)).extracting(Gallery.Neighbour::region)
                .containsExactly(1);
    }

    @Test
    void aRefinementIsTheSimilarityWeightedPlaceOfTheMatchesAndOnlyWhenTheyAreAlikeEnough() {
        LatLon north = new LatLon(34.10, -118.30);
        LatLon south = new LatLon(34.00, -118.30);
        Gallery gallery = Gallery.of(2, 2, List.of(
                new Gallery.Entry(new float[] {1, 0}, north, 0),
                new Gallery.Entry(new float[] {0.6f, 0.8f}, south, 0),
                new Gallery.Entry(new float[] {1, 0}, VENICE, 1)));
        float[] downtownMostLikely = {0.8f, 0.2f};

        var refined = new Retrieval(2, 0.9, 1).refine(gallery, new float[] {1, 0}, downtownMostLikely).orElseThrow();

        // weights 1 and 0.6: 1/1.6 of the way from south to north
        assertThat(refined.point().latitude()).isCloseTo(34.00 + 0.10 / 1.6, within(1e-4));
        assertThat(refined.point().longitude()).isCloseTo(-118.30, within(1e-4));
        assertThat(refined.topSimilarity()).isCloseTo(1, within(1e-3));
        assertThat(new Retrieval(2, 0.9, 1).refine(gallery, new float[] {0, 1}, downtownMostLikely)).isEmpty();
    }

    @Test
    void aGalleryFileReadsBackAsWrittenAndABrokenOneIsRefused(@TempDir Path dir) throws IOException {
        Random random = new Random(5);
        List<Gallery.Entry> entries = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            float[] embedding = new float[16];
            for (int d = 0; d < embedding.length; d++) {
                embedding[d] = (float) random.nextGaussian();
            }
            entries.add(new Gallery.Entry(embedding, new LatLon(34 + i * 1e-3, -118.3), i % 3));
        }
        Gallery gallery = Gallery.of(16, 3, entries);
        Path file = dir.resolve(GalleryFile.NAME);

        GalleryFile.write(file, gallery, new Retrieval(5, 0.8, 2));
        GalleryFile.Contents read = GalleryFile.read(file);

        assertThat(read.retrieval()).isEqualTo(new Retrieval(5, 0.8, 2));
        assertThat(read.gallery().size()).isEqualTo(50);
        float[] query = entries.get(7).embedding();
        assertThat(read.gallery().nearest(query, new int[] {0, 1, 2}, 3))
                .usingRecursiveFieldByFieldElementComparator()
                .isEqualTo(gallery.nearest(query, new int[] {0, 1, 2}, 3));
        assertThat(read.gallery().nearest(query, new int[] {1}, 1).get(0).index()).isEqualTo(7);
        assertThat(Files.size(file)).isEqualTo(4 * 5 + 4 + 8 + 4 + 50 * (2 + 4 + 4) + 50 * 16 * 2);

        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        assertThatThrownBy(() -> GalleryFile.read(file)).isInstanceOf(GalleryException.class).hasMessageContaining("cut short");
        bytes[0] = 'X';
        Files.write(file, bytes);
        assertThatThrownBy(() -> GalleryFile.read(file)).isInstanceOf(GalleryException.class).hasMessageContaining("GAL1");
    }
}
