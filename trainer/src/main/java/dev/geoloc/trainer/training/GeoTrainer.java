package dev.geoloc.trainer.training;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.ObjectMapper;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.translate.NoopTranslator;

import dev.geoloc.model.BundleWriter;
import dev.geoloc.model.CellsFile;
import dev.geoloc.model.EncoderContract;
import dev.geoloc.model.Heads;
import dev.geoloc.model.InferenceDevice;
import dev.geoloc.model.NumericsMismatchException;
import dev.geoloc.model.PrototypeHead;
import dev.geoloc.model.ReferenceOutputs;
import dev.geoloc.numerics.EngineSelfCheck;
import dev.geoloc.numerics.SelfCheckReport;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.cells.CellClustering;
import dev.geoloc.trainer.console.ProgressLine;
import dev.geoloc.trainer.loss.LossSpec;

/**
 * Trains an encoder and head on a dataset: AdamW with decoupled weight decay, warm-up then cosine decay,
 * separate rates for encoder and head, augmentation, early stopping on the validation mean error (the
 * study's distance measure, not accuracy: the point of the distance-aware losses is to land near the
 * truth), a checkpoint after every epoch to resume from, and a bundle of the best epoch at the end.
 *
 * <p>Output folder: {@code training-log.jsonl} (one line per epoch), {@code checkpoints/last} and
 * {@code checkpoints/best} (encoder TorchScript, head parameters, state, the model's logits on the probe batch),
 * and {@code bundle/}.
 */
public final class GeoTrainer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENCODER_FILE = "encoder.pt";
    private static final String HEAD_FILE = "head.params";
    private static final String STATE_FILE = "state.json";
    /** The model's logits on the probe batch when the checkpoint was saved; checked before training resumes. */
    private static final String PROBE_FILE = "probe-logits.json";

    private final PrintStream console;

    public GeoTrainer(PrintStream console) {
        this.console = console;
    }

    /**
     * The data of a run: decoded splits, the catalog their labels come from, and the cells below its regions when
     * the head classifies cells.
     */
    public record Data(RegionCatalog catalog, ExampleSet train, ExampleSet validation, String datasetName,
                       Optional<CellsFile.Contents> cells) {

        public Data(RegionCatalog catalog, ExampleSet train, ExampleSet validation, String datasetName) {
            this(catalog, train, validation, datasetName, Optional.empty());
        }

        /**
         * This data with the cells {@code loss} trains over, made from the training photos; itself for a loss over
         * regions.
         */
        public Data forLoss(LossSpec loss, long seed) {
            if (!loss.trainsCells()) {
                return new Data(catalog, train, validation, datasetName, Optional.empty());
            }
            return new Data(catalog, train, validation, datasetName, Optional.of(CellClustering.cluster(train.regions(),
                    train.latitudes(), train.longitudes(), catalog.size(), loss.cellsPerRegion(), seed)));
        }

        /** The region logits from the head's output: itself, or folded from the cells'. */
        NDArray regionLogits(NDArray headOutput) {
            return cells.map(c -> c.partition().regionLogits(headOutput)).orElse(headOutput);
        }

        int headOutputs() {
            return cells.map(c -> c.partition().headOutputs()).orElse(catalog.size());
        }
    }

    /**
     * @param encoderFile the encoder's TorchScript file; {@code contract} says its input and embedding size
     * @param loss        evaluated on labels (region index int64 [B], true lat/lon float32 [B, 2]) and logits
     * @param resume      continue from {@code out/checkpoints/last} when it exists
     */
    public TrainingResult train(Data data, EncoderContract contract, Path encoderFile, TrainingOptions options,
                                Loss loss, String lossLabel, Path out, boolean resume) throws IOException {
        Files.createDirectories(out);
        Path last = out.resolve("checkpoints/last");
        Path best = out.resolve("checkpoints/best");
        RunState state = resume && Files.exists(last.resolve(STATE_FILE))
                ? JSON.readValue(last.resolve(STATE_FILE).toFile(), RunState.class) : RunState.fresh();
        if (state.epoch() > 0) {
            console.printf(Locale.ROOT, "Resuming after epoch %d (best mean error %.2f km at epoch %d)%n",
                    state.epoch(), state.bestError(), state.bestEpoch());
        } else {
            Files.deleteIfExists(out.resolve("training-log.jsonl"));
        }
        SelfCheckReport numerics = EngineSelfCheck.ensure(); // before the first kernel, so a cap it sets still counts
        if (!numerics.passed()) {
            throw NumericsMismatchException.of(numerics);
        }
        Engine.getEngine(InferenceDevice.ENGINE).setRandomSeed((int) options.seed());
        Device device = InferenceDevice.select(options.device());
        int size = contract.preprocessing().inputSize();
        int stepsPerEpoch = (data.train().size() + options.batchSize() - 1) / options.batchSize();

        Path startEncoder = state.epoch() > 0 ? last.resolve(ENCODER_FILE) : encoderFile;
        try (ZooModel<NDList, NDList> encoderModel = loadTrainable(startEncoder, device);
             Model model = Model.newInstance("geoloc-training", device, InferenceDevice.ENGINE)) {
            Block encoder = encoderModel.getBlock();
            if (data.cells().isPresent() && !(options.head() instanceof dev.geoloc.model.HeadSpec.Classifier)) {
                throw new IllegalArgumentException("cells need the classifier head: a prototype head scores regions "
                        + "against their text prototypes");
            }
            Block head = Heads.build(options.head(), data.headOutputs());
            model.setBlock(new EncoderWithHead(encoder, head, options.encoderTraining().trains()));
            Set<String> encoderIds = new HashSet<>();
            encoder.getParameters().values().forEach(p -> encoderIds.add(p.getId()));
            LearningRateSchedule schedule = new LearningRateSchedule(encoderIds, options.encoderLearningRate(),
                    options.headLearningRate(), Math.round(options.warmupEpochs() * stepsPerEpoch),
                    options.epochs() * stepsPerEpoch, 0.01f, state.epoch() * stepsPerEpoch);
            DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
                    .optDevices(new Device[] {device})
                    .optOptimizer(Optimizer.adamW().optLearningRateTracker(schedule)
                            .optWeightDecays(options.weightDecay()).build());
            if (state.epoch() > 0) {
                // Before initialize: the trainer's parameter store keeps the arrays it finds then, so weights
                // loaded afterwards would be saved but never trained.
                loadHead(head, model.getNDManager(), last.resolve(HEAD_FILE));
            }
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(options.batchSize(), 3, size, size));
                if (head instanceof PrototypeHead prototypeHead && state.epoch() == 0) {
                    prototypeHead.setPrototypes(options.prototypes());
                }
                freeze(encoder, options.encoderTraining());
                if (state.epoch() > 0) {
                    checkResumed(trainer, last, size, device);
                }
                List<EpochRecord> history = new ArrayList<>(state.epochs());
                Augmenter augmenter = new Augmenter(contract.preprocessing());
                boolean stoppedEarly = false;
                for (int epoch = state.epoch() + 1; epoch <= options.epochs(); epoch++) {
                    long start = System.nanoTime();
                    double[] trainFigures = trainEpoch(trainer, data, augmenter, options, loss, epoch);
                    double[] validation = validate(trainer, data, augmenter, options.batchSize());
                    boolean improved = validation[1] < state.bestError();
                    EpochRecord record = new EpochRecord(epoch, trainFigures[0], trainFigures[1], validation[0],
                            validation[1], options.headLearningRate() * schedule.factor(epoch * stepsPerEpoch),
                            (System.nanoTime() - start) / 1e9, improved);
                    history.add(record);
                    state = state.after(record, improved);
                    float[][] probe = probeLogits(trainer, size);
                    if (improved) {
                        saveCheckpoint(best, encoder, head, state, probe);
                    }
                    saveCheckpoint(last, encoder, head, state, probe);
                    log(out, record);
                    if (epoch - state.bestEpoch() >= options.patience()) {
                        console.printf(Locale.ROOT, "Stopping early: no better validation mean error for %d epochs%n",
                                options.patience());
                        stoppedEarly = true;
                        break;
                    }
                }
                int bestEpoch = state.bestEpoch();
                EpochRecord bestRecord = history.stream().filter(r -> r.epoch() == bestEpoch).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no epoch was trained"));
                loadHead(head, trainer.getManager(), best.resolve(HEAD_FILE));
                Path bundle = writeBundle(out.resolve("bundle"), data, contract, best.resolve(ENCODER_FILE), head,
                        options, lossLabel, bestRecord, history.size());
                return new TrainingResult(bundle, history, bestRecord, stoppedEarly);
            }
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IOException("Cannot load the encoder " + startEncoder + " for training: " + e.getMessage(), e);
        }
    }

    private double[] trainEpoch(Trainer trainer, Data data, Augmenter augmenter, TrainingOptions options,
                                Loss loss, int epoch) {
        ExampleSet set = data.train();
        int n = set.size();
        int[] order = shuffled(n, new SplittableRandom(options.seed() * 1_000_003L + epoch));
        SplittableRandom random = new SplittableRandom(options.seed() * 7919L + epoch);
        int batchSize = options.batchSize();
        float[] batch = new float[batchSize * set.imageFloats()];
        ByteBuffer direct = ByteBuffer.allocateDirect(batch.length * Float.BYTES).order(ByteOrder.nativeOrder());
        double lossSum = 0;
        int correct = 0;
        ProgressLine progress = ProgressLine.of(new PrintWriter(console), String.format(Locale.ROOT, "epoch %d", epoch),
                "images", n);
        for (int from = 0; from < n; from += batchSize) {
            int count = Math.min(batchSize, n - from);
            long[] regions = new long[count];
            float[] coordinates = new float[2 * count];
            for (int i = 0; i < count; i++) {
                int index = order[from + i];
                if (options.augment()) {
                    augmenter.augmented(set, index, batch, i, random);
                } else {
                    augmenter.plain(set, index, batch, i);
                }
                regions[i] = set.regions()[index];
                coordinates[2 * i] = set.latitudes()[index];
                coordinates[2 * i + 1] = set.longitudes()[index];
            }
            try (NDManager scope = trainer.getManager().newSubManager()) {
                NDList labels = new NDList(scope.create(regions), scope.create(coordinates, new Shape(count, 2)));
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDArray outputs = trainer.forward(new NDList(input(scope, direct, batch, count, set))).singletonOrThrow();
                    NDArray value = loss.evaluate(labels, new NDList(outputs));
                    collector.backward(value);
                    lossSum += value.getFloat() * count;
                    correct += (int) data.regionLogits(outputs).argMax(1).eq(labels.get(0)).sum().getLong();
                }
                trainer.step();
            }
            progress.update(from + count);
        }
        return new double[] {lossSum / n, (double) correct / n};
    }

    /** Accuracy and mean error (km between predicted and true region centers) on a split, no augmentation. */
    private double[] validate(Trainer trainer, Data data, Augmenter augmenter, int batchSize) {
        ExampleSet set = data.validation();
        RegionCatalog catalog = data.catalog();
        int n = set.size();
        if (n == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        float[] batch = new float[batchSize * set.imageFloats()];
        ByteBuffer direct = ByteBuffer.allocateDirect(batch.length * Float.BYTES).order(ByteOrder.nativeOrder());
        int correct = 0;
        double errorSum = 0;
        for (int from = 0; from < n; from += batchSize) {
            int count = Math.min(batchSize, n - from);
            for (int i = 0; i < count; i++) {
                augmenter.plain(set, from + i, batch, i);
            }
            try (NDManager scope = trainer.getManager().newSubManager()) {
                long[] predicted = data.regionLogits(trainer.evaluate(new NDList(input(scope, direct, batch, count, set)))
                        .singletonOrThrow()).argMax(1).toLongArray();
                for (int i = 0; i < count; i++) {
                    int truth = set.regions()[from + i];
                    correct += predicted[i] == truth ? 1 : 0;
                    errorSum += catalog.distanceKm((int) predicted[i], truth);
                }
            }
        }
        return new double[] {(double) correct / n, errorSum / n};
    }

    /** The batch's images as one tensor, through a reused direct buffer (DJL copies heap arrays into a new one). */
    private static NDArray input(NDManager scope, ByteBuffer direct, float[] batch, int count, ExampleSet set) {
        int floats = count * set.imageFloats();
        direct.clear().limit(floats * Float.BYTES);
        direct.asFloatBuffer().put(batch, 0, floats);
        return scope.create(direct, new Shape(count, 3, set.inputSize(), set.inputSize()), DataType.FLOAT32);
    }

    private static ZooModel<NDList, NDList> loadTrainable(Path encoderFile, Device device)
            throws ModelNotFoundException, MalformedModelException, IOException {
        return Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(encoderFile.getParent())
                .optModelName(encoderFile.getFileName().toString().replaceFirst("\\.pt$", ""))
                .optEngine(InferenceDevice.ENGINE)
                .optDevice(device)
                .optOption("trainParam", "true")
                .optOption("mapLocation", "true")
                .optTranslator(new NoopTranslator())
                .build()
                .loadModel();
    }

    /** Freezes all of the encoder, or all but its last N parameter tensors. */
    private static void freeze(Block encoder, EncoderTraining training) {
        List<Parameter> parameters = new ArrayList<>(encoder.getParameters().values());
        int trainable = switch (training.mode()) {
            case FROZEN -> 0;
            case FULL -> parameters.size();
            case LAST -> Math.min(training.lastParameters(), parameters.size());
        };
        for (int i = 0; i < parameters.size(); i++) {
            boolean trains = i >= parameters.size() - trainable;
            parameters.get(i).getArray().setRequiresGradient(trains);
            parameters.get(i).freeze(!trains);
        }
    }

    /**
     * Writes the checkpoint into a sibling folder and swaps it in with directory renames, so a crash leaves
     * either the previous checkpoint or the new one whole, never one epoch's encoder beside another's head.
     */
    private static void saveCheckpoint(Path directory, Block encoder, Block head, RunState state, float[][] probe)
            throws IOException {
        Path fresh = directory.resolveSibling(directory.getFileName() + ".new");
        Path previous = directory.resolveSibling(directory.getFileName() + ".old");
        deleteTree(fresh);
        deleteTree(previous);
        Files.createDirectories(fresh);
        try (OutputStream out = Files.newOutputStream(fresh.resolve(ENCODER_FILE))) {
            JniUtils.writeModule((PtSymbolBlock) encoder, out, false);
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(fresh.resolve(HEAD_FILE)))) {
            head.saveParameters(out);
        }
        JSON.writeValue(fresh.resolve(STATE_FILE).toFile(), state);
        JSON.writeValue(fresh.resolve(PROBE_FILE).toFile(), probe);
        if (Files.exists(directory)) {
            Files.move(directory, previous, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(fresh, directory, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(previous);
    }

    /** The model's logits on the probe batch, without dropout: what a checkpoint must reproduce when it is resumed. */
    private static float[][] probeLogits(Trainer trainer, int size) {
        int batch = ReferenceOutputs.PROBE_BATCH;
        try (NDManager scope = trainer.getManager().newSubManager()) {
            NDArray input = scope.create(EncoderContract.probeInput(batch, size), new Shape(batch, 3, size, size));
            NDArray logits = trainer.evaluate(new NDList(input)).singletonOrThrow();
            float[] flat = logits.toFloatArray();
            int regions = (int) logits.getShape().get(1);
            float[][] rows = new float[batch][];
            for (int b = 0; b < batch; b++) {
                rows[b] = java.util.Arrays.copyOfRange(flat, b * regions, (b + 1) * regions);
            }
            return rows;
        }
    }

    /**
     * Before training resumes: the checkpoint's model, loaded here, must give the logits it gave when it was saved,
     * or this machine computes it differently (another CPU, kernel path or libtorch) and training on would build on
     * wrong numbers. Checkpoints from before probe logits existed resume unchecked, and say so.
     */
    private void checkResumed(Trainer trainer, Path checkpoint, int size, Device device) throws IOException {
        Path file = checkpoint.resolve(PROBE_FILE);
        if (!Files.exists(file)) {
            console.println("The checkpoint has no probe logits (saved before they existed): resuming unchecked");
            return;
        }
        float[][] saved = JSON.readValue(file.toFile(), float[][].class);
        float[][] now = probeLogits(trainer, size);
        float[] flat = new float[now.length * now[0].length];
        for (int b = 0; b < now.length; b++) {
            System.arraycopy(now[b], 0, flat, b * now[b].length, now[b].length);
        }
        double difference = EngineSelfCheck.relativeDifference(flat, saved);
        // A GPU may have saved it, or may resume it.
        double tolerance = device.isGpu() ? ReferenceOutputs.GPU_TOLERANCE : ReferenceOutputs.DEFAULT_TOLERANCE;
        if (!(difference <= tolerance)) {
            SelfCheckReport engine = EngineSelfCheck.ensure();
            throw new NumericsMismatchException(String.format(Locale.ROOT, "the checkpoint %s computes its probe logits"
                    + " differently here than when it was saved: relative difference %.3g, tolerance %.0g, on %s with "
                    + "kernel path %s, device %s. Resuming would train on wrong numbers: resume on the machine that saved "
                    + "it, or %s", checkpoint, difference, tolerance, engine.cpu(), engine.path().describe(),
                    InferenceDevice.name(device), EngineSelfCheck.remedy()), difference);
        }
        console.printf(Locale.ROOT, "The checkpoint reproduces its probe logits (relative difference %.2g)%n", difference);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void loadHead(Block head, NDManager manager, Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            head.loadParameters(manager, in);
        } catch (MalformedModelException e) {
            throw new IOException("Checkpoint " + file + " does not fit the head: " + e.getMessage(), e);
        }
    }

    private void log(Path out, EpochRecord record) throws IOException {
        Files.writeString(out.resolve("training-log.jsonl"), JSON.writeValueAsString(record) + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        console.printf(Locale.ROOT, "epoch %3d  loss %.4f  train acc %5.1f%%  val acc %5.1f%%  val mean error %6.2f km"
                        + "  lr %.2e  %.1fs%s%n", record.epoch(), record.trainLoss(), 100 * record.trainAccuracy(),
                100 * record.validationAccuracy(), record.validationMeanErrorKm(), record.headLearningRate(),
                record.seconds(), record.best() ? "  *best" : "");
    }

    private static Path writeBundle(Path directory, Data data, EncoderContract contract, Path encoderFile, Block head,
                                    TrainingOptions options, String lossLabel, EpochRecord best, int epochsRun)
            throws IOException {
        deleteTree(directory);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("backbone", contract.name());
        training.put("loss", lossLabel);
        training.put("loss_spec", options.loss());
        training.put("encoder_training", options.encoderTraining().toString());
        training.put("epochs_run", epochsRun);
        training.put("best_epoch", best.epoch());
        training.put("batch_size", options.batchSize());
        training.put("encoder_learning_rate", options.encoderLearningRate());
        training.put("head_learning_rate", options.headLearningRate());
        training.put("weight_decay", options.weightDecay());
        training.put("augment", options.augment());
        training.put("seed", options.seed());
        training.put("dataset", data.datasetName());
        training.put("train_images", data.train().size());
        data.cells().ifPresent(cells -> training.put("cells", cells.partition().size()));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("split", "validation");
        metrics.put("samples", data.validation().size());
        metrics.put("accuracy", best.validationAccuracy());
        metrics.put("mean_error_km", best.validationMeanErrorKm());
        BundleWriter writer = new BundleWriter(options.modelName(), data.catalog())
                .encoder(contract, encoderFile)
                .head(options.head(), head)
                .training(training)
                .metrics(metrics);
        data.cells().ifPresent(writer::cells);
        return writer.write(directory);
    }

    private static int[] shuffled(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
