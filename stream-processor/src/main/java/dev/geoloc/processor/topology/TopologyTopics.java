package dev.geoloc.processor.topology;

import dev.geoloc.contracts.Topics;
import dev.geoloc.processor.config.ProcessorConfig;

/** The topics the topology reads and writes, by the names this deployment gives them. */
public record TopologyTopics(String imageEvents, String predictions, String deadLetters, String shadowPredictions,
                             String panoramaViews, String panoramaPredictions) {

    /** The default names ({@link Topics}). */
    public static TopologyTopics defaults() {
        return new TopologyTopics(Topics.IMAGE_EVENTS, Topics.REGION_PREDICTIONS, Topics.DEAD_LETTERS,
                Topics.SHADOW_PREDICTIONS, Topics.PANORAMA_VIEWS, Topics.PANORAMA_PREDICTIONS);
    }

    static TopologyTopics of(ProcessorConfig.TopicNames names) {
        return new TopologyTopics(names.imageEvents(), names.predictions(), names.deadLetters(),
                names.shadowPredictions(), names.panoramaViews(), names.panoramaPredictions());
    }
}
