package dev.geoloc.processor.topology;

import java.time.Duration;

import dev.geoloc.processor.batching.DynamicBatcher;
import dev.geoloc.processor.batching.InFlightBudget;
import dev.geoloc.processor.intake.DecodePool;
import dev.geoloc.processor.intake.EventDecoder;
import dev.geoloc.processor.intake.ImageSource;
import dev.geoloc.processor.intake.IntakeLimits;
import dev.geoloc.processor.metrics.PipelineMetrics;
import dev.geoloc.processor.tracing.ImageTracing;
import dev.geoloc.processor.versions.ModelHolder;
import dev.geoloc.processor.versions.RolloutObserver;

/** What every task's {@link GeotagProcessor} shares: built once, handed to each. */
record PipelineParts(IntakeLimits limits, EventDecoder decoder, ImageSource images, DecodePool decodes,
                     ModelHolder models, DynamicBatcher batcher, InFlightBudget budget, DeadLetters deadLetters,
                     PipelineMetrics metrics, RolloutObserver rollout, ImageTracing tracing,
                     Duration resultPollInterval) {
}
