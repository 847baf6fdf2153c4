package dev.geoloc.processor.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

import dev.geoloc.imaging.ImageLimits;
import dev.geoloc.imaging.ImagePreprocessor;
import dev.geoloc.imaging.ImageRejectedException;
import dev.geoloc.imaging.Preprocessing;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.InlineImage;
import dev.geoloc.schemas.RegionPrediction;

/**
 * The CPU cost of each stage of an event's path, each measured alone in this JVM on the benchmark's photos, before
 * the stack starts: the floor the processor stands on. Single-threaded stages are timed with the thread's own CPU
 * clock; inference with /proc's CPU of this JVM's threads named {@code java}, which are the main thread and the
 * OpenMP workers libtorch starts from it.
 */
final class StageCosts {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int ROUNDS = 7;
    static final String AVRO_DECODE = "Avro decode of the ImageEvent (after the serde's cached schema lookup)";
    static final String IMAGE_DECODE = "Image decode, crop, resize and normalise (ImagePreprocessor)";
    static final String INFERENCE = "Inference per image, batch of ";
    static final String DECODE_224 = "Image decode etc. for a 224 px input (ViT-S/14, CLIP), not this model's";

    /** @param cpuMillisPerEvent median over rounds */
    record Stage(String name, double cpuMillisPerEvent) {
    }

    private StageCosts() {
    }

    static List<Stage> measure(Path bundlePath, List<byte[]> photos, int[] batchSizes) throws Exception {
        List<Stage> stages = new ArrayList<>();
        List<byte[]> events = new ArrayList<>();
        SpecificDatumWriter<ImageEvent> eventWriter = new SpecificDatumWriter<>(ImageEvent.class);
        for (int i = 0; i < photos.size(); i++) {
            events.add(encode(eventWriter, ImageEvent.newBuilder().setImageId("stage-" + i)
                    .setContent(new InlineImage(ByteBuffer.wrap(photos.get(i)))).setUploadTime(Instant.now())
                    .setSourcePlatform("bench").setGroundTruth(new GeoPoint(34.045, -118.25)).build()));
        }
        SpecificDatumReader<ImageEvent> eventReader = new SpecificDatumReader<>(ImageEvent.class);
        stages.add(new Stage(AVRO_DECODE,
                threadCpu(events.size(), i -> decode(eventReader, events.get(i % events.size())))));
        PredictorOptions options = new PredictorOptions("cpu", 3, 0.9, 1, ImageLimits.DEFAULT);
        try (ModelBundle bundle = ModelBundle.open(bundlePath);
             RegionPredictor predictor = RegionPredictor.load(bundle, options)) {
            ImagePreprocessor preprocessor = predictor.preprocessor();
            int length = preprocessor.spec().tensorLength();
            stages.add(new Stage(IMAGE_DECODE,
                    threadCpu(photos.size(), i -> preprocess(preprocessor, photos.get(i % photos.size()), length))));
            // What a DINOv2 or CLIP encoder's 224 px input costs to make from the same photos: the GPU sizing's figure
            ImagePreprocessor at224 = new ImagePreprocessor(Preprocessing.imagenet(224), ImageLimits.DEFAULT);
            int length224 = at224.spec().tensorLength();
            stages.add(new Stage(DECODE_224,
                    threadCpu(photos.size(), i -> preprocess(at224, photos.get(i % photos.size()), length224))));
            int largest = Arrays.stream(batchSizes).max().orElseThrow();
            float[] batch = new float[largest * length];
            for (int i = 0; i < largest; i++) {
                preprocessor.preprocess(photos.get(i % photos.size()), batch, i * length);
            }
            predictor.warmUp(largest);
            for (int size : batchSizes) {
                stages.add(new Stage(INFERENCE + size + " (encoder and head, libtorch threads included)",
                        inferenceCpu(predictor, batch, size)));
            }
        }
        return stages;
    }

    /** The Avro encoding of a prediction as the processor wrote it, measured on one it answered. */
    static Stage outputEncode(RegionPrediction prediction) throws Exception {
        SpecificDatumWriter<RegionPrediction> writer = new SpecificDatumWriter<>(RegionPrediction.class);
        return new Stage("Avro encode of the RegionPrediction (" + encode(writer, prediction).length + " bytes)",
                threadCpu(1000, i -> encode(writer, prediction)));
    }

    /**
     * The stages, then the floor (Avro decode, image decode and inference at the batch size nearest the one the
     * processor reached: no consumer can spend less) against the processor's CPU per event in {@code run}.
     */
    static void print(List<Stage> stages, ProcessorBenchmark.Run run) {
        System.out.println();
        System.out.println("Each stage alone, in the benchmark's JVM (CPU per event, median of " + ROUNDS + " rounds):");
        System.out.println("| Stage | CPU ms per event |");
        System.out.println("|---|---:|");
        stages.forEach(s -> System.out.printf(Locale.ROOT, "| %s | %.3f |%n", s.name(), s.cpuMillisPerEvent()));
        Stage inference = stages.stream().filter(s -> s.name().startsWith(INFERENCE))
                .min(java.util.Comparator.comparingDouble(s -> Math.abs(batchOf(s) - run.meanBatch()))).orElseThrow();
        double floor = cost(stages, AVRO_DECODE) + cost(stages, IMAGE_DECODE) + inference.cpuMillisPerEvent();
        double processor = run.cpu().total() / run.events();
        System.out.printf(Locale.ROOT, "Floor (Avro decode + image decode + inference at batch %d, nearest the %.1f reached):"
                + " %.3f ms CPU per event; the processor used %.3f at saturation, %.0f %% above the floor%n",
                batchOf(inference), run.meanBatch(), floor, processor, 100 * (processor / floor - 1));
    }

    private static double cost(List<Stage> stages, String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().cpuMillisPerEvent();
    }

    private static int batchOf(Stage inference) {
        return Integer.parseInt(inference.name().substring(INFERENCE.length()).split(" ")[0]);
    }

    private interface Step {
        void run(int i) throws Exception;
    }

    /** Median CPU milliseconds of this thread per call of {@code step}, over rounds of {@code calls} calls. */
    private static double threadCpu(int calls, Step step) throws Exception {
        for (int i = 0; i < calls; i++) {
            step.run(i); // the JIT's first pass
        }
        double[] rounds = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long start = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < calls; i++) {
                step.run(i);
            }
            rounds[r] = (THREADS.getCurrentThreadCpuTime() - start) / 1e6 / calls;
        }
        return ProcessorBenchmark.median(rounds);
    }

    private static double inferenceCpu(RegionPredictor predictor, float[] batch, int size) {
        // 10 ms /proc ticks: about 0.3 s of batches a round resolves them; up to 1,024 images for a fast model
        long once = System.nanoTime();
        predictor.predict(batch, size);
        int batches = (int) Math.max(1, Math.min(Math.max(8, 1024 / size), 3e8 / (System.nanoTime() - once)));
        double[] rounds = new double[ROUNDS];
        long pid = ProcessHandle.current().pid();
        for (int r = 0; r < ROUNDS; r++) {
            ThreadCpu before = ThreadCpu.of(pid);
            for (int b = 0; b < batches; b++) {
                predictor.predict(batch, size);
            }
            rounds[r] = ThreadCpu.of(pid).since(before).millisByName().getOrDefault("java", 0.0) / (batches * size);
        }
        return ProcessorBenchmark.median(rounds);
    }

    private static void preprocess(ImagePreprocessor preprocessor, byte[] photo, int length) throws ImageRejectedException {
        preprocessor.preprocess(photo, new float[length], 0);
    }

    private static <T> byte[] encode(SpecificDatumWriter<T> writer, T record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write(record, encoder);
        return out.toByteArray();
    }

    private static ImageEvent decode(SpecificDatumReader<ImageEvent> reader, byte[] bytes) throws IOException {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        return reader.read(null, decoder);
    }
}
