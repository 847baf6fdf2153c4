package dev.geoloc.processor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.imaging.ImageLimits;
import dev.geoloc.model.ImageResult;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.model.TestBundles;
import dev.geoloc.processor.TopicProbe;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/**
 * The benchmark's baseline, bench/python-reference, is only a fair baseline if it does the processor's job: on the
 * real broker and registry it must answer every image once, skip what it cannot decode, and compute the same model
 * on the same pixels as the processor's own predictor.
 */
class PythonReferenceIT {

    private static final RegionCatalog LA = RegionCatalog.losAngeles();

    @TempDir
    Path dir;

    @Test
    void answersEveryImageOnceWithTheProcessorsModel() throws Exception {
        // Given the reference on a tiny-cnn bundle, and SynthCity photos
        StreamingStack stack = LocalStreamingStack.shared();
        Path bundle = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, LA);
        List<byte[]> photos = ProcessorBenchmark.PhotoSet.SYNTHCITY.photos(LA).subList(0, 30);
        try (TopicProbe probe = new TopicProbe();
             PythonReference reference = PythonReference.start(stack, bundle, 3, 8, Duration.ofMillis(20), dir.resolve("python.log"))) {
            // When the photos and a broken image are sent
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < photos.size(); i++) {
                ids.add("photo-" + i);
                probe.sendAsync(PythonReference.EVENTS, TopicProbe.event("photo-" + i, photos.get(i), new GeoPoint(34.05, -118.25)));
            }
            probe.sendAsync(PythonReference.EVENTS, TopicProbe.event("broken", new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2}, null));
            reference.await(ids);

            // Then each photo has exactly one committed answer, and the broken image none
            Thread.sleep(1000); // a duplicate or a late answer would have arrived by now: transactions commit every 100 ms
            assertThat(reference.records()).isEqualTo(photos.size());
            assertThat(reference.answer("broken")).isNull();
            // And the answers are the processor's predictor's on the same bytes (OpenCV builds differ: to 1e-2)
            try (ModelBundle opened = ModelBundle.open(bundle);
                 RegionPredictor predictor = RegionPredictor.load(opened, new PredictorOptions("cpu", 3, 0.9, 1, ImageLimits.DEFAULT))) {
                List<ImageResult> results = predictor.predictImages(photos);
                for (int i = 0; i < photos.size(); i++) {
                    var java = ((ImageResult.Predicted) results.get(i)).prediction().predicted();
                    PythonReference.Answer python = reference.answer("photo-" + i);
                    assertThat(python.probability()).as("photo %d", i).isCloseTo(java.probability(),
                            org.assertj.core.data.Offset.offset(1e-2));
                }
            }
            assertThat(Files.readString(dir.resolve("python.log"))).contains("ready");
        }
    }
}
