package dev.geoloc.trainer.publish;

import dev.geoloc.contracts.versions.RolloutState;

/** How the commands that act on versions in service name what a version does, and say that it is not in service. */
final class InService {

    private InService() {
    }

    /**
     * What {@code version} does now: {@code stable}, {@code canary at 10 %}, {@code shadow}, {@code fallback} (made
     * stable before: it serves if the stable version cannot), or {@code idle} (a former canary or shadow).
     */
    static String role(RolloutState state, int version) {
        if (state.stable().filter(v -> v.getVersion() == version).isPresent()) {
            return "stable";
        }
        if (state.canary().filter(c -> c.version().getVersion() == version).isPresent()) {
            return "canary at " + state.canary().get().percent() + " %";
        }
        if (state.shadow().filter(v -> v.getVersion() == version).isPresent()) {
            return "shadow";
        }
        return state.stableNewestFirst().stream().anyMatch(v -> v.getVersion() == version) ? "fallback" : "idle";
    }

    /** {@code la-street has no version 9 in service on model-versions (in service: [1, 2])}. */
    static String missing(RolloutState state, int version, String topic) {
        return state.modelName() + " has no version " + version + " in service on " + topic
                + (state.versionNumbers().isEmpty() ? " (none is: nothing is published for it, or all were withdrawn)"
                : " (in service: " + state.versionNumbers() + ")");
    }
}
