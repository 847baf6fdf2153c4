package dev.geoloc.trainer.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import javax.imageio.ImageIO;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import dev.geoloc.trainer.numerics.ComputesWithLibtorch;
import dev.geoloc.trainer.options.DeviceOption;
import dev.geoloc.dataset.synth.SynthCityConfig;
import dev.geoloc.dataset.synth.SynthCityGenerator;
import dev.geoloc.dataset.synth.SynthLocation;
import dev.geoloc.imaging.ImagePreprocessor;
import dev.geoloc.model.BundleWriter;
import dev.geoloc.model.EncoderContract;
import dev.geoloc.model.HeadSpec;
import dev.geoloc.model.Heads;
import dev.geoloc.model.InferenceDevice;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.NonFiniteOutputException;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.numerics.EngineSelfCheck;
import dev.geoloc.numerics.KernelPath;
import dev.geoloc.numerics.SelfCheckReport;
import dev.geoloc.regions.RegionCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench-predictor}: images per second through the shared predictor at several batch sizes, with
 * and without decoding and preprocessing, on SynthCity JPEGs. Prints medians over rounds; asserts nothing.
 */
@Command(name = "bench-predictor",
        mixinStandardHelpOptions = true,
        description = {"Measures the batched predictor's throughput (images/s) at each batch size, on the model alone "
                + "(tensors ready) and with JPEG decoding and preprocessing, and prints a table of medians.",
                "Without --bundle it benchmarks an untrained head on a built-in encoder: weights do not change speed."})
public final class BenchPredictorCommand implements Callable<Integer>, ComputesWithLibtorch {

    @Option(names = "--encoder", defaultValue = "tiny-cnn",
            description = "Built-in encoder to benchmark when no --bundle is given: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.",
            completionCandidates = BuiltInEncoders.class)
    String encoder;

    @Option(names = "--bundle", description = "A model bundle (directory or zip) to benchmark instead.")
    Path bundlePath;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "1,8,32",
            description = "Batch sizes to measure. Default: ${DEFAULT-VALUE}.")
    List<Integer> batchSizes;

    @Option(names = "--images", defaultValue = "256", description = "Images per round. Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--rounds", defaultValue = "5", description = "Timed rounds per figure; the median is printed. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--image-size", defaultValue = "640",
            description = "Side of the source JPEGs in pixels (Street View serves 640). Default: ${DEFAULT-VALUE}.")
    int imageSize;

    @Mixin
    DeviceOption device;

    @Option(names = "--kernel-paths", split = ",", paramLabel = "PATH",
            description = "Measure on each CPU kernel path in turn (onednn, native), in one run: the speed cost of the "
                    + "path the numerics self-check chose. A path whose probes fail here is marked so. Default: the "
                    + "path the self-check chose.")
    List<KernelPath> kernelPaths;

    static final class BuiltInEncoders extends ArrayList<String> {
        BuiltInEncoders() {
            super(EncoderContract.BUILT_IN);
        }
    }

    @Override
    public Integer call() throws IOException {
        Path work = Files.createTempDirectory("geoloc-bench-");
        try (ModelBundle bundle = ModelBundle.open(bundlePath != null ? bundlePath : untrainedBundle(work));
             RegionPredictor predictor = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice(device.device()))) {
            ImagePreprocessor preprocessor = predictor.preprocessor();
            List<byte[]> jpegs = sourceImages(bundle.catalog(), Math.min(images, 64));
            int tensorSize = predictor.imageTensorSize();
            int maxBatch = batchSizes.stream().mapToInt(Integer::intValue).max().orElse(1);
            float[] ready = new float[maxBatch * tensorSize];
            for (int i = 0; i < maxBatch; i++) {
                preprocessor.preprocess(jpegs.get(i % jpegs.size()), ready, i * tensorSize);
            }
            predictor.warmUp(maxBatch);

            System.out.printf(Locale.ROOT, "Predictor benchmark: %s encoder, %dx%d input, %d regions, %s, %d CPU cores%n",
                    bundle.manifest().encoderName(), predictor.preprocessing().inputSize(),
                    predictor.preprocessing().inputSize(), bundle.catalog().size(), predictor.device(),
                    Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "Source: %dx%d SynthCity JPEGs; %d images per round, median of %d rounds; "
                    + "preprocessing on the calling thread.%n%n", imageSize, imageSize, images, rounds);
            if (kernelPaths == null || kernelPaths.isEmpty()) {
                table(predictor, preprocessor, jpegs, ready, tensorSize, maxBatch, false);
                return 0;
            }
            for (KernelPath path : kernelPaths) {
                try (EngineSelfCheck.Trial trial = EngineSelfCheck.trial(path)) {
                    SelfCheckReport report = trial.report();
                    System.out.printf(Locale.ROOT, "Kernel path %s: %s%n", report.path().describe(), report.passed()
                            ? "computes the probes right here" : "COMPUTES WRONG RESULTS HERE (largest relative difference "
                            + String.format(Locale.ROOT, "%.2g", report.maxDifference()) + "): its speed is no option");
                    predict(predictor, ready, maxBatch, !report.passed());
                    table(predictor, preprocessor, jpegs, ready, tensorSize, maxBatch, !report.passed());
                    System.out.println();
                }
            }
            return 0;
        } catch (dev.geoloc.imaging.ImageRejectedException e) {
            throw new IllegalStateException("a generated benchmark image was rejected: " + e.getMessage(), e);
        } finally {
            deleteTree(work);
        }
    }

    /** @param wrongPath the path computes wrong here: time it all the same, through outputs that are not finite */
    private void table(RegionPredictor predictor, ImagePreprocessor preprocessor, List<byte[]> jpegs, float[] ready,
                       int tensorSize, int maxBatch, boolean wrongPath) throws dev.geoloc.imaging.ImageRejectedException {
        System.out.println("batch | model only (img/s) | decode + preprocess + model (img/s) | preprocess (ms/img)");
        System.out.println("------+--------------------+-------------------------------------+--------------------");
        float[] batch = new float[maxBatch * tensorSize];
        for (int size : batchSizes) {
            double[] modelOnly = new double[rounds];
            double[] endToEnd = new double[rounds];
            double[] preprocessMs = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                for (int done = 0; done < images; done += size) {
                    predict(predictor, ready, Math.min(size, images - done), wrongPath);
                }
                modelOnly[round] = images / seconds(start);

                long preprocessNanos = 0;
                start = System.nanoTime();
                for (int done = 0; done < images; done += size) {
                    int count = Math.min(size, images - done);
                    long before = System.nanoTime();
                    for (int i = 0; i < count; i++) {
                        preprocessor.preprocess(jpegs.get((done + i) % jpegs.size()), batch, i * tensorSize);
                    }
                    preprocessNanos += System.nanoTime() - before;
                    predict(predictor, batch, count, wrongPath);
                }
                endToEnd[round] = images / seconds(start);
                preprocessMs[round] = preprocessNanos / 1e6 / images;
            }
            System.out.printf(Locale.ROOT, "%5d | %18.1f | %35.1f | %18.2f%n",
                    size, median(modelOnly), median(endToEnd), median(preprocessMs));
        }
    }

    /** A wrong path's NaN is checked after the batch has run, so its time is the time of the computation. */
    private static void predict(RegionPredictor predictor, float[] batch, int count, boolean wrongPath) {
        try {
            predictor.predict(batch, count);
        } catch (NonFiniteOutputException e) {
            if (!wrongPath) {
                throw e;
            }
        }
    }

    private Path untrainedBundle(Path work) throws IOException {
        RegionCatalog catalog = RegionCatalog.losAngeles();
        EncoderContract contract = EncoderContract.builtIn(encoder);
        HeadSpec head = new HeadSpec.Classifier(256, 0.1f);
        try (NDManager manager = NDManager.newBaseManager(InferenceDevice.ENGINE)) {
            Engine.getEngine(InferenceDevice.ENGINE).setRandomSeed(1);
            Block block = Heads.build(head, catalog.size());
            block.initialize(manager, DataType.FLOAT32, new Shape(1, contract.embeddingDim()));
            return new BundleWriter("benchmark-" + encoder, catalog)
                    .encoder(contract, EncoderContract.copyBuiltIn(encoder, work.resolve("encoder.pt")))
                    .head(head, block)
                    .training(Map.of("note", "untrained head, for benchmarking only"))
                    .write(work.resolve("bundle"));
        }
    }

    private List<byte[]> sourceImages(RegionCatalog catalog, int count) throws IOException {
        SynthCityConfig config = SynthCityConfig.defaults().withSize(imageSize, imageSize)
                .withLocationsPerRegion(Math.max(1, (count + catalog.size() - 1) / catalog.size()));
        SynthCityGenerator generator = new SynthCityGenerator(catalog, config);
        List<byte[]> jpegs = new ArrayList<>();
        for (SynthLocation location : generator.locations()) {
            if (jpegs.size() == count) {
                break;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(generator.render(location, 0), "jpg", out);
            jpegs.add(out.toByteArray());
        }
        return jpegs;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
