package dev.geoloc.processor.model;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.geoloc.imaging.ImageLimits;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.processor.config.ProcessorConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * The model the processor serves. It is loaded and warmed up at start-up, before the topology is built, so
 * the first records never wait for libtorch and readiness can say exactly what is served.
 */
@Startup
@ApplicationScoped
public class ModelHolder {

    private static final Logger LOG = Logger.getLogger(ModelHolder.class);

    private final AtomicReference<ServedModel> current = new AtomicReference<>();

    ModelHolder(ProcessorConfig config, MeterRegistry registry) throws IOException {
        ProcessorConfig.Model model = config.model();
        ProcessorConfig.Images images = config.images();
        PredictorOptions options = new PredictorOptions(model.device(), model.topK(), model.confidenceLevel(), 1,
                new ImageLimits(images.maxBytes(), images.maxPixels(), images.maxSide()));
        try (ModelBundle bundle = ModelBundle.open(model.bundle())) {
            RegionPredictor predictor = RegionPredictor.load(bundle, options);
            try {
                predictor.warmUp(Math.min(config.batching().maxSize(), 8));
            } catch (RuntimeException e) {
                predictor.close();
                throw e;
            }
            ServedModel served = new ServedModel(model.name().orElse(bundle.manifest().modelName()), model.version(),
                    predictor);
            current.set(served);
            LOG.infof("Serving %s from %s on %s", served.describe(), model.bundle(), predictor.device());
        }
        Gauge.builder("geoloc.model.version", current, ref -> ref.get() == null ? -1 : ref.get().version())
                .description("Version of the model serving predictions").register(registry);
    }

    /** The model new batches run on; empty only after shutdown. */
    public Optional<ServedModel> current() {
        return Optional.ofNullable(current.get());
    }

    @PreDestroy
    void close() {
        ServedModel served = current.getAndSet(null);
        if (served != null) {
            served.predictor().close();
        }
    }
}
