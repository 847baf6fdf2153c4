package dev.geoloc.model;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;

import dev.geoloc.cells.CellPartition;
import dev.geoloc.cells.CellSpread;
import dev.geoloc.imaging.ImagePreprocessor;
import dev.geoloc.imaging.ImageRejectedException;
import dev.geoloc.imaging.Preprocessing;
import dev.geoloc.numerics.EngineSelfCheck;
import dev.geoloc.numerics.SelfCheckReport;
import dev.geoloc.regions.LocationEstimator;
import dev.geoloc.regions.Region;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.retrieval.GalleryFile;
import dev.geoloc.retrieval.Retrieval;

/**
 * Runs a {@link ModelBundle} on batches of preprocessed images: encoder, head, softmax, then per image the
 * top regions, a location, its expected error and a confidence radius. Shared by the trainer's evaluation
 * and the stream processor.
 *
 * <p>A bundle with a {@link BundleCalibration} is served calibrated: its temperature divides the head's logits
 * before the softmax, and the location estimate measures its expected error and radius to the bundle's sample of
 * photo coordinates. A bundle without one is served as bundles always were.
 *
 * <p>Thread-safe: up to {@link PredictorOptions#concurrency()} batches run at once, the rest wait. Every
 * native array of a batch lives in one sub-manager that is closed when the batch returns, so memory stays
 * flat however many batches run; {@link #close()} releases the model itself.
 */
public final class RegionPredictor implements AutoCloseable {

    private final RegionCatalog catalog;
    private final BundleManifest manifest;
    private final String digest;
    private final PredictorOptions options;
    private final Device device;
    private final ZooModel<NDList, NDList> encoder;
    private final NDManager headManager;
    private final Block head;
    private final ParameterStore parameters;
    private final Optional<BundleCalibration> calibration;
    private final Optional<GalleryFile.Contents> gallery;
    private final Optional<CellPartition> cells;
    /** What the head's logits are divided by before the softmax: 1 without a calibration. */
    private final float temperature;
    private final LocationEstimator estimator;
    /** Where a cell bundle's photos may be, cell by cell: the error bar around its cell's or gallery's point. */
    private final Optional<CellSpread> cellSpread;
    private final Semaphore permits;
    /** One reusable direct buffer per permit: DJL would otherwise allocate a direct buffer per batch, which only GC frees. */
    private final ArrayBlockingQueue<ByteBuffer> inputBuffers;
    private final int inputSize;
    private final ImagePreprocessor preprocessor;
    /** Set once by {@link #load}, before the predictor is handed out. */
    private volatile NumericsCheck numerics = NumericsCheck.UNREFERENCED;
    private volatile boolean closed;

    private RegionPredictor(ModelBundle bundle, PredictorOptions options, Device device,
                            ZooModel<NDList, NDList> encoder, NDManager headManager, Block head) {
        this.catalog = bundle.catalog();
        this.manifest = bundle.manifest();
        this.digest = bundle.digest();
        this.options = options;
        this.device = device;
        this.encoder = encoder;
        this.headManager = headManager;
        this.head = head;
        this.parameters = new ParameterStore(headManager, false);
        this.calibration = bundle.calibration();
        this.gallery = bundle.gallery();
        this.cells = bundle.cells().map(CellsFile.Contents::partition);
        this.temperature = calibration.map(c -> (float) c.temperature()).orElse(1f);
        this.estimator = calibration.map(c -> new LocationEstimator(catalog, options.confidenceLevel(), c.spread()))
                .orElseGet(() -> new LocationEstimator(catalog, options.confidenceLevel()));
        this.cellSpread = cells.map(partition -> new CellSpread(partition,
                calibration.map(BundleCalibration::spread), options.confidenceLevel()));
        this.permits = new Semaphore(options.concurrency(), true);
        this.inputBuffers = new ArrayBlockingQueue<>(options.concurrency());
        for (int i = 0; i < options.concurrency(); i++) {
            inputBuffers.add(ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder()));
        }
        this.inputSize = manifest.preprocessing().inputSize();
        this.preprocessor = new ImagePreprocessor(manifest.preprocessing(), options.imageLimits());
    }

    /**
     * Loads a validated bundle onto the chosen device and checks that it computes its reference outputs here.
     * The bundle's files are read now; the bundle may be closed afterwards.
     *
     * @throws BundleException           when libtorch cannot load the encoder or the head's parameters do not fit
     * @throws NumericsMismatchException when this process's self-check failed, or the model's outputs on the probe
     *                                   batch differ from the bundle's reference by more than its tolerance
     */
    public static RegionPredictor load(ModelBundle bundle, PredictorOptions options) throws IOException {
        SelfCheckReport engine = EngineSelfCheck.ensure();
        if (!engine.passed()) {
            throw NumericsMismatchException.of(engine);
        }
        Device device = InferenceDevice.select(options.device());
        BundleManifest manifest = bundle.manifest();
        ZooModel<NDList, NDList> encoder;
        try {
            encoder = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optModelPath(bundle.directory())
                    .optModelName(ModelBundle.ENCODER.replace(".pt", ""))
                    .optEngine(InferenceDevice.ENGINE)
                    .optDevice(device)
                    .optOption("mapLocation", "true")
                    .optTranslator(new NoopTranslator())
                    .build()
                    .loadModel();
        } catch (ModelNotFoundException | MalformedModelException | RuntimeException e) {
            throw new BundleException(bundle.directory().toString(), ModelBundle.ENCODER
                    + " cannot be loaded as TorchScript: " + rootMessage(e), e);
        }
        NDManager headManager = NDManager.newBaseManager(device, InferenceDevice.ENGINE);
        try {
            Block head = Heads.build(manifest.head(), headOutputs(bundle));
            head.initialize(headManager, DataType.FLOAT32, new Shape(1, manifest.embeddingDim()));
            try (DataInputStream in = new DataInputStream(Files.newInputStream(bundle.headFile()))) {
                head.loadParameters(headManager, in);
            }
            RegionPredictor predictor = new RegionPredictor(bundle, options, device, encoder, headManager, head);
            predictor.checkShapes();
            predictor.numerics = predictor.checkReference(engine, bundle.directory().toString());
            return predictor;
        } catch (MalformedModelException | RuntimeException | IOException e) {
            headManager.close();
            encoder.close();
            if (e instanceof BundleException || e instanceof NumericsMismatchException) {
                throw (RuntimeException) e;
            }
            throw new BundleException(bundle.directory().toString(), ModelBundle.HEAD + " does not fit a "
                    + manifest.head().type() + " head over " + manifest.embeddingDim() + "-dimensional embeddings: "
                    + rootMessage(e), e);
        }
    }

    /** What the head gives per image: a logit per region, or per cell and two offsets when the bundle has cells. */
    private static int headOutputs(ModelBundle bundle) {
        return bundle.cells().map(c -> c.partition().headOutputs()).orElse(bundle.catalog().size());
    }

    public RegionCatalog catalog() {
        return catalog;
    }

    /** The cells its head classifies into; empty for a bundle whose head scores regions. */
    public Optional<CellPartition> cells() {
        return cells;
    }

    public BundleManifest manifest() {
        return manifest;
    }

    /** The {@link ModelBundle#digest()} of the bundle this predictor runs. */
    public String bundleDigest() {
        return digest;
    }

    public Device device() {
        return device;
    }

    /**
     * The calibration its predictions are made with; empty for a bundle without one. Its
     * {@link BundleCalibration#identifier()} says which, for predictions to carry.
     */
    public Optional<BundleCalibration> calibration() {
        return calibration;
    }

    /** How this model's predictions are refined by its gallery; empty for a bundle without one. */
    public Optional<Retrieval> retrieval() {
        return gallery.map(GalleryFile.Contents::retrieval);
    }

    /**
     * How probabilities become a location, expected error and radius for this model: for callers that score
     * probabilities of their own ({@link #prediction} does the same), which must already be calibrated.
     */
    public LocationEstimator locationEstimator() {
        return estimator;
    }

    /** How this model compared with its bundle's reference outputs when it was loaded. */
    public NumericsCheck numerics() {
        return numerics;
    }

    /** True once {@link #close()} has begun: a batch started now is refused, one already running finishes. */
    public boolean isClosed() {
        return closed;
    }

    public Preprocessing preprocessing() {
        return manifest.preprocessing();
    }

    /** Floats per image in a batch: 3 x S x S. */
    public int imageTensorSize() {
        return 3 * inputSize * inputSize;
    }

    /**
     * Predicts a batch of preprocessed images laid out one after another in {@code batch} (CHW each, as
     * {@link dev.geoloc.imaging.ImagePreprocessor} writes them).
     *
     * <p>The probabilities are the softmax of the head's logits over the calibration's temperature (1 without one).
     * With cells in the bundle, each prediction also places the photo in the predicted region's most probable cell
     * ({@link Prediction#cell()}); with a gallery, its point is also refined by its nearest training photos.
     *
     * @param count how many images the first {@code count x imageTensorSize()} floats hold
     * @throws NonFiniteOutputException when the model produces probabilities that are not finite
     */
    public List<Prediction> predict(float[] batch, int count) {
        return infer(batch, count).stream().map(InferredImage::prediction).toList();
    }

    /**
     * Runs a batch laid out as {@link #predict} takes it through the model, and stops at its outputs: each image's
     * prediction is made when it is first asked for, by the thread that asks ({@link InferredImage}).
     *
     * @throws NonFiniteOutputException when the model produces probabilities that are not finite
     */
    public List<InferredImage> infer(float[] batch, int count) {
        checkBatch(batch, count);
        Outputs outputs = forward(batch, count, temperature, false, gallery.isPresent());
        List<InferredImage> images = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            images.add(new InferredImage(this, outputs, i));
        }
        return images;
    }

    /**
     * Image {@code i}'s prediction from its batch's outputs: placed in a cell when the bundle has cells, refined by
     * the gallery when the outputs hold embeddings, and with the error bar around the point it answers with.
     */
    Prediction prediction(Outputs outputs, int i) {
        int regions = catalog.size();
        float[] own = Arrays.copyOfRange(outputs.probabilities(), i * regions, (i + 1) * regions);
        Prediction prediction = prediction(own);
        float[] headRow = null;
        if (cells.isPresent()) {
            int outputsPerImage = cells.get().headOutputs();
            headRow = Arrays.copyOfRange(outputs.headOutputs(), i * outputsPerImage, (i + 1) * outputsPerImage);
            RegionScore predicted = prediction.predicted();
            prediction = prediction.withCell(cells.get().locate(headRow, predicted.index(), predicted.probability()));
        }
        if (gallery.isPresent() && outputs.embeddings() != null) {
            int dimension = manifest.embeddingDim();
            float[] embedding = Arrays.copyOfRange(outputs.embeddings(), i * dimension, (i + 1) * dimension);
            prediction = prediction.withRefinement(gallery.get().retrieval().refine(gallery.get().gallery(),
                    embedding, own));
        }
        // The error bar goes with the point answered: a cell model measures it over its cells
        if (headRow != null) {
            prediction = prediction.withPointError(cellSpread.orElseThrow().errorAt(headRow, own, prediction.point()));
        } else if (prediction.refined().isPresent()) {
            prediction = prediction.withPointError(estimator.errorAt(own, prediction.point()));
        }
        return prediction;
    }

    /**
     * Decodes, preprocesses and predicts a batch of encoded images (JPEG, PNG, WebP, BMP, TIFF). An image
     * that cannot be used is reported with its reason and takes no place in the model's batch; the others
     * are predicted together. Results come back in the order of {@code images}.
     */
    public List<ImageResult> predictImages(List<byte[]> images) {
        float[] batch = new float[floatsFor(images.size())];
        ImageResult[] results = new ImageResult[images.size()];
        int[] slotOf = new int[images.size()];
        int accepted = 0;
        for (int i = 0; i < images.size(); i++) {
            try {
                preprocessor.preprocess(images.get(i), batch, accepted * imageTensorSize());
                slotOf[i] = accepted++;
            } catch (ImageRejectedException e) {
                results[i] = new ImageResult.Rejected(e);
            }
        }
        List<Prediction> predictions = accepted == 0 ? List.of() : predict(batch, accepted);
        for (int i = 0; i < images.size(); i++) {
            if (results[i] == null) {
                results[i] = new ImageResult.Predicted(predictions.get(slotOf[i]));
            }
        }
        return List.of(results);
    }

    /**
     * The head's logits for a batch laid out as {@link #predict} takes it, before any temperature or softmax,
     * [count x regions]: what a calibration is fitted on.
     *
     * @throws NonFiniteOutputException when the model produces logits that are not finite
     */
    public float[] logits(float[] batch, int count) {
        checkBatch(batch, count);
        float[] logits = forward(batch, count, 1f, true).logits();
        for (float logit : logits) {
            if (!Float.isFinite(logit)) {
                throw new NonFiniteOutputException("the model produced a non-finite logit (" + logit + ")");
            }
        }
        return logits;
    }

    /**
     * What the model makes of a batch, embeddings included: for retrieval, which compares photos by the encoder's
     * view of them.
     *
     * @param predictions one per image, as {@link #predict} serves them but never refined by a gallery
     * @param embeddings  [count x embedding dimension], the encoder's output
     */
    public record Embedded(List<Prediction> predictions, float[] embeddings) {
    }

    /** The unrefined predictions and the embeddings of a batch laid out as {@link #predict} takes it. */
    public Embedded embed(float[] batch, int count) {
        checkBatch(batch, count);
        Outputs outputs = forward(batch, count, temperature, false, true);
        // Unrefined: the embeddings are what a gallery is made of, so these outputs must not be refined by one
        Outputs unrefined = new Outputs(null, outputs.probabilities(), null, outputs.headOutputs());
        List<Prediction> predictions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            predictions.add(prediction(unrefined, i));
        }
        return new Embedded(predictions, outputs.embeddings());
    }

    private void checkBatch(float[] batch, int count) {
        if (count < 1 || floatsFor(count) > batch.length) {
            throw new IllegalArgumentException("a batch of " + count + " images needs " + (long) count * imageTensorSize()
                    + " floats, got " + batch.length);
        }
    }

    /** The preprocessor matching this model's input, for callers that decode on their own threads. */
    public ImagePreprocessor preprocessor() {
        return preprocessor;
    }

    /** Floats for {@code count} images; a batch must fit one Java array of bytes, so at most 2 GiB. */
    private int floatsFor(int count) {
        long floats = (long) count * imageTensorSize();
        if (floats * Float.BYTES > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a batch of " + count + " images of " + inputSize + "x" + inputSize
                    + " is over 2 GiB; split it");
        }
        return (int) floats;
    }

    /** Runs a few batches so the first real one does not pay libtorch's start-up (graph optimisation, allocation). */
    public void warmUp(int batchSize) {
        float[] batch = EncoderContract.probeInput(batchSize, inputSize);
        for (int i = 0; i < 3; i++) {
            predict(batch, batchSize);
        }
    }

    /**
     * The head's region logits and the softmax of logits / temperature, [count x regions] each, logits only when
     * asked for; the encoder's embeddings when asked for; and a cell head's whole output, for placing photos in cells.
     */
    record Outputs(float[] logits, float[] probabilities, float[] embeddings, float[] headOutputs) {
    }

    /**
     * @param temperature 1 for the model's own probabilities, which its reference outputs hold; the calibration's
     *                    for what it serves
     */
    private Outputs forward(float[] batch, int count, float temperature, boolean withLogits) {
        return forward(batch, count, temperature, withLogits, false);
    }

    private Outputs forward(float[] batch, int count, float temperature, boolean withLogits, boolean withEmbeddings) {
        permits.acquireUninterruptibly();
        if (closed) {
            permits.release();
            throw new IllegalStateException("this predictor is closed (its model was replaced or shut down)");
        }
        ByteBuffer buffer = inputBuffers.remove();
        try (NDManager scope = headManager.newSubManager(device)) {
            int floats = floatsFor(count);
            if (buffer.capacity() < floats * Float.BYTES) {
                buffer = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder());
            }
            buffer.clear().limit(floats * Float.BYTES);
            buffer.asFloatBuffer().put(batch, 0, floats);
            NDArray input = scope.create(buffer, new Shape(count, 3, inputSize, inputSize), DataType.FLOAT32);
            NDList embeddings = encoder.getBlock().forward(parameters, new NDList(input), false);
            NDArray headOutput = head.forward(parameters, embeddings, false).singletonOrThrow();
            NDArray logits = cells.isPresent() ? cells.get().regionLogits(headOutput) : headOutput;
            if (!logits.getShape().equals(new Shape(count, catalog.size()))) {
                throw new IllegalStateException("the model returned logits " + logits.getShape() + " for " + count
                        + " images of " + catalog.size() + " regions");
            }
            NDArray scaled = temperature == 1f ? logits : logits.div(temperature);
            float[] probabilities = scaled.softmax(1).toType(DataType.FLOAT32, false).toFloatArray();
            if (withLogits) {
                return new Outputs(logits.toType(DataType.FLOAT32, false).toFloatArray(), probabilities, null, null);
            }
            for (float p : probabilities) {
                if (!Float.isFinite(p)) {
                    throw new NonFiniteOutputException("the model produced a non-finite probability (" + p + ")");
                }
            }
            return new Outputs(null, probabilities, withEmbeddings
                    ? embeddings.singletonOrThrow().toType(DataType.FLOAT32, false).toFloatArray() : null,
                    cells.isPresent() ? headOutput.toType(DataType.FLOAT32, false).toFloatArray() : null);
        } finally {
            inputBuffers.add(buffer);
            permits.release();
        }
    }

    /**
     * Runs the probe batch and returns its outputs as a reference with {@code tolerance}, stamped with what computed
     * it. Non-finite outputs are refused: a model that gives NaN on the probe is not one to write.
     */
    ReferenceOutputs measureReference(double tolerance, SelfCheckReport engine) {
        int batch = ReferenceOutputs.PROBE_BATCH;
        Outputs outputs = forward(EncoderContract.probeInput(batch, inputSize), batch, 1f, true);
        float[][] logits = rows(outputs.logits(), batch);
        float[][] probabilities = rows(outputs.probabilities(), batch);
        for (float[] row : probabilities) {
            for (float p : row) {
                if (!Float.isFinite(p)) {
                    throw new NonFiniteOutputException("the model gives the probability " + p + " on the probe batch;"
                            + " a bundle needs finite reference outputs");
                }
            }
        }
        String computedOn = engine.cpu() + "; kernel path " + engine.path().describe() + "; "
                + ai.djl.pytorch.jni.JniUtils.getNumThreads() + " threads; libtorch "
                + ai.djl.engine.Engine.getEngine(InferenceDevice.ENGINE).getVersion() + "; device " + InferenceDevice.name(device);
        return new ReferenceOutputs(batch, inputSize, logits, probabilities, tolerance, computedOn);
    }

    /** Runs the probe batch and compares it with the bundle's reference; on a GPU the bar is at least the GPU's. */
    private NumericsCheck checkReference(SelfCheckReport engine, String source) {
        ReferenceOutputs reference = manifest.numerics();
        if (reference == null) {
            return NumericsCheck.UNREFERENCED;
        }
        if (reference.inputSize() != inputSize) {
            throw new BundleException(source, List.of("numerics.probe.input_size " + reference.inputSize()
                    + " is not the model's input size " + inputSize));
        }
        Outputs outputs = forward(EncoderContract.probeInput(reference.batch(), inputSize), reference.batch(), 1f, true);
        double difference = reference.difference(rows(outputs.logits(), reference.batch()),
                rows(outputs.probabilities(), reference.batch()));
        double tolerance = device.isGpu() ? Math.max(reference.tolerance(), ReferenceOutputs.GPU_TOLERANCE)
                : reference.tolerance();
        if (!(difference <= tolerance)) {
            throw new NumericsMismatchException(String.format(java.util.Locale.ROOT, "the model computes its reference"
                    + " outputs wrong here: largest difference %.3g, tolerance %.0g, on %s with kernel path %s, device %s"
                    + " (the reference was computed on %s). Its predictions here cannot be trusted: %s",
                    difference, tolerance, engine.cpu(), engine.path().describe(), InferenceDevice.name(device), reference.computedOn(),
                    device.isGpu() ? "check the GPU runtime; see docs/numerics.md" : EngineSelfCheck.remedy()), difference);
        }
        return new NumericsCheck(true, difference, tolerance);
    }

    private float[][] rows(float[] values, int count) {
        int regions = catalog.size();
        float[][] rows = new float[count][];
        for (int i = 0; i < count; i++) {
            rows[i] = Arrays.copyOfRange(values, i * regions, (i + 1) * regions);
        }
        return rows;
    }

    /**
     * The prediction these probabilities make, as {@link #predict} makes it for an image: top regions, point
     * estimate, expected error and confidence radius. Pure arithmetic, no model call, so it is fine on a predictor
     * that has been closed; the stream uses it for probabilities fused over a panorama's views. The temperature is
     * not applied again: these probabilities are taken as calibrated already (as {@link #predict} gives them).
     *
     * @param probabilities one per region of {@link #catalog()} in label order, summing to 1
     */
    public Prediction prediction(float[] probabilities) {
        if (probabilities.length != catalog.size()) {
            throw new IllegalArgumentException(probabilities.length + " probabilities for " + catalog.size() + " regions");
        }
        Integer[] order = new Integer[probabilities.length];
        for (int j = 0; j < order.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer j) -> probabilities[j]).reversed());
        List<RegionScore> top = new ArrayList<>(options.topK());
        for (int k = 0; k < Math.min(options.topK(), order.length); k++) {
            Region region = catalog.region(order[k]);
            top.add(new RegionScore(order[k], region.id(), region.name(), probabilities[order[k]]));
        }
        return new Prediction(probabilities, top, estimator.estimate(probabilities));
    }

    /**
     * Runs one blank image through encoder and head: the encoder must give the promised embedding, and the
     * head one logit per region. DJL takes a layer's width from the parameters it loads, so a head trained
     * for another catalog would otherwise load fine and shift every image's probabilities into the next.
     * Running it here also fills the parameter store before concurrent callers can race to.
     */
    private void checkShapes() {
        try (NDManager scope = headManager.newSubManager(device)) {
            NDArray probe = scope.zeros(new Shape(1, 3, inputSize, inputSize));
            NDList embedding = encoder.getBlock().forward(parameters, new NDList(probe), false);
            Shape embeddingShape = embedding.singletonOrThrow().getShape();
            if (!embeddingShape.equals(new Shape(1, manifest.embeddingDim()))) {
                throw new BundleException(ModelBundle.ENCODER, List.of("the encoder returns " + embeddingShape
                        + " for one " + inputSize + "x" + inputSize + " image; bundle.json promises (1, "
                        + manifest.embeddingDim() + ")"));
            }
            Shape outputs = head.forward(parameters, embedding, false).singletonOrThrow().getShape();
            int expected = cells.map(CellPartition::headOutputs).orElse(catalog.size());
            if (!outputs.equals(new Shape(1, expected))) {
                throw new BundleException(ModelBundle.HEAD, List.of("the head returns " + outputs + " for one image; "
                        + cells.map(c -> "the bundle's " + c.size() + " cells need a logit and two offsets each")
                        .orElse("the catalog has " + catalog.size() + " regions") + ", so it must return (1, "
                        + expected + ")"));
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        // libtorch messages carry a C++ stack trace after the first line
        return message.lines().findFirst().orElse(message);
    }

    /** Waits for running batches to finish, then releases the model's native memory. */
    @Override
    public void close() {
        permits.acquireUninterruptibly(options.concurrency());
        try {
            if (closed) {
                return;
            }
            closed = true;
            headManager.close();
            encoder.close();
        } finally {
            permits.release(options.concurrency());
        }
    }
}
