package dev.geoloc.processor.versions;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import dev.geoloc.contracts.versions.Canary;
import dev.geoloc.contracts.versions.RolloutState;
import dev.geoloc.schemas.ModelVersion;

/**
 * What this instance should serve, from what the topic says ({@link RolloutState}) and what only this instance
 * knows: a pin, the versions it refused, the canaries it stopped. Pure: the loading is {@link ModelSwitcher}'s.
 *
 * <ul>
 *   <li>Pinned: the pinned version alone, with no canary or shadow; a pinned version withdrawn from the topic
 *       keeps serving until unpinned.</li>
 *   <li>Otherwise the stable version; if it cannot be served, the newest made stable before it that can, down to
 *       the one serving now. Versions numbered above the stable one are passed over: it was rolled back to, away
 *       from them.</li>
 *   <li>The canary and the shadow the topic names, unless refused here, or, for a canary, stopped here.</li>
 * </ul>
 *
 * @param stableCandidates newest first: the first that loads serves; empty when what serves stays
 */
public record ServingChoice(List<ModelVersion> stableCandidates, Optional<Canary> canary, Optional<ModelVersion> shadow) {

    /**
     * @param serveable whether a version may be tried: not refused here, and not waiting to be tried again
     * @param serving   the stable version serving now, if any
     * @param stopped   identities ({@link #identity}) of canaries this instance stopped
     */
    public static ServingChoice of(RolloutState state, Optional<Integer> pin, Predicate<ModelVersion> serveable,
                                   Optional<ModelVersion> serving, Set<String> stopped) {
        if (pin.isPresent()) {
            List<ModelVersion> pinned = state.find(pin.get())
                    .filter(target -> !isServing(target, serving) && serveable.test(target)).stream().toList();
            return new ServingChoice(pinned, Optional.empty(), Optional.empty());
        }
        List<ModelVersion> candidates = new ArrayList<>();
        List<ModelVersion> stables = state.stableNewestFirst();
        int latest = stables.isEmpty() ? 0 : stables.get(0).getVersion();
        for (ModelVersion candidate : stables) {
            if (isServing(candidate, serving)) {
                break;
            }
            if (candidate.getVersion() <= latest && serveable.test(candidate)) {
                candidates.add(candidate);
            }
        }
        Optional<Canary> canary = state.canary()
                .filter(c -> !stopped.contains(identity(c.version())) && serveable.test(c.version()));
        Optional<ModelVersion> shadow = state.shadow().filter(serveable);
        return new ServingChoice(candidates, canary, shadow);
    }

    /** A version and its artifact: republishing a version number with another artifact makes another identity. */
    public static String identity(ModelVersion version) {
        return version.getVersion() + "@" + version.getSha256().toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean isServing(ModelVersion version, Optional<ModelVersion> serving) {
        return serving.isPresent() && identity(serving.get()).equals(identity(version));
    }
}
