package dev.geoloc.processor.versions;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.geoloc.contracts.versions.Canary;
import dev.geoloc.processor.artifacts.ArtifactUris;
import dev.geoloc.schemas.ModelState;
import dev.geoloc.schemas.ModelVersion;

/**
 * Makes a {@link ServingChoice} real: loads and checks what is not loaded yet (off the stream threads), swaps the
 * new {@link ServingSet} in whole, reports each change on model-status, and closes the models it retired. A
 * refused version leaves what serves as it is, and is not tried again until republished with another artifact;
 * one whose store cannot be reached is tried again with back-off. Runs on the follower's thread only.
 */
final class ModelSwitcher {

    private static final Logger LOG = Logger.getLogger(ModelSwitcher.class);

    private final String modelName;
    private final ModelHolder holder;
    private final ModelLoader loader;
    private final ModelStatusReporter reporter;
    private final Optional<String> catalogHash;
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    /** Versions that failed for a reason that may pass (an unreachable store): when to try each again. */
    private final Map<String, Long> retryAt = new ConcurrentHashMap<>();
    private final Map<String, Long> retryDelayMillis = new ConcurrentHashMap<>();
    private final CountDownLatch firstModel = new CountDownLatch(1);
    /** The record each loaded model was loaded for: the models of the holder's set. */
    private final Map<ServedModel, ModelVersion> records = new IdentityHashMap<>();
    /** The records of what serves now, by role. */
    private volatile ModelVersion stable;
    private volatile ModelVersion canary;
    private volatile ModelVersion shadow;

    ModelSwitcher(String modelName, ModelHolder holder, ModelLoader loader, ModelStatusReporter reporter,
                  Optional<String> catalogHash) {
        this.modelName = modelName;
        this.holder = holder;
        this.loader = loader;
        this.reporter = reporter;
        this.catalogHash = catalogHash;
    }

    void apply(ServingChoice choice) {
        Optional<ServingSet> current = holder.serving();
        ServedModel stableModel = current.map(ServingSet::stable).orElse(null);
        ModelVersion stableRecord = stable;
        for (ModelVersion candidate : choice.stableCandidates()) {
            Optional<ServedModel> loaded = loadedOrLoad(candidate);
            if (loaded.isPresent()) {
                if (candidate != choice.stableCandidates().get(0)) {
                    LOG.warnf("Serving %s v%d, the newest that loads: v%d, made stable after it, is refused", modelName,
                            candidate.getVersion(), choice.stableCandidates().get(0).getVersion());
                }
                stableModel = loaded.get();
                stableRecord = candidate;
                break;
            }
        }
        if (stableModel == null) {
            return; // nothing serves yet, and nothing loaded
        }
        Optional<ServingSet.ServedCanary> nextCanary = Optional.empty();
        ModelVersion canaryRecord = null;
        if (choice.canary().isPresent()) {
            Canary share = choice.canary().get();
            Optional<ServedModel> model = loadedOrLoad(share.version());
            if (model.isPresent() && model.get() != stableModel) {
                nextCanary = Optional.of(new ServingSet.ServedCanary(model.get(), share));
                canaryRecord = share.version();
            }
        }
        Optional<ServedModel> nextShadow = Optional.empty();
        ModelVersion shadowRecord = null;
        if (choice.shadow().isPresent()) {
            ServedModel serving = stableModel;
            nextShadow = loadedOrLoad(choice.shadow().get()).filter(model -> model != serving);
            shadowRecord = nextShadow.isPresent() ? choice.shadow().get() : null;
        }
        ServingSet next = new ServingSet(stableModel, nextCanary, nextShadow);
        if (current.isPresent() && current.get().equals(next)) {
            return;
        }
        List<ServedModel> retired = holder.swap(next);
        ModelVersion previousStable = stable;
        stable = stableRecord;
        canary = canaryRecord;
        shadow = shadowRecord;
        firstModel.countDown();
        report(current, next, previousStable);
        for (ServedModel old : retired) {
            old.predictor().close(); // waits for the batches running on it
            ModelVersion record = records.remove(old);
            if (record != null) {
                String why = current.get().stable() == old ? "replaced by v" + next.stable().version()
                        : "no longer " + (current.get().shadow().orElse(null) == old ? "shadow" : "canary")
                        + "; serving " + describe(next);
                reporter.report(record, ModelState.RETIRED, why, old.predictor().bundleDigest());
            }
        }
    }

    private void report(Optional<ServingSet> before, ServingSet next, ModelVersion previousStable) {
        LOG.infof("Serving %s", describe(next));
        if (before.isEmpty() || before.get().stable() != next.stable()) {
            reporter.report(stable, ModelState.SERVING, previousStable == null ? null : "replaced v" + previousStable.getVersion(),
                    next.stable().predictor().bundleDigest());
        }
        if (next.canary().isPresent() && !next.canary().equals(before.flatMap(ServingSet::canary))) {
            reporter.report(canary, ModelState.CANARY, next.canary().get().share().percent() + " % of images",
                    next.canary().get().model().predictor().bundleDigest());
        }
        if (next.shadow().isPresent() && !next.shadow().equals(before.flatMap(ServingSet::shadow))) {
            reporter.report(shadow, ModelState.SHADOW, "every image, to the shadow topic",
                    next.shadow().get().predictor().bundleDigest());
        }
    }

    /** For logs and status reasons: {@code la-street v3, canary v4 at 20 %, shadow v5}. */
    static String describe(ServingSet set) {
        StringBuilder text = new StringBuilder(set.stable().describe());
        set.canary().ifPresent(c -> text.append(", canary v").append(c.model().version()).append(" at ")
                .append(c.share().percent()).append(" %"));
        set.shadow().ifPresent(s -> text.append(", shadow v").append(s.version()));
        return text.toString();
    }

    /** The model of {@code version} already loaded (a canary promoted), or loaded now; empty when refused. */
    private Optional<ServedModel> loadedOrLoad(ModelVersion version) {
        String identity = ServingChoice.identity(version);
        for (Map.Entry<ServedModel, ModelVersion> loaded : records.entrySet()) {
            if (ServingChoice.identity(loaded.getValue()).equals(identity)) {
                return Optional.of(loaded.getKey());
            }
        }
        Optional<ServedModel> loaded = load(version);
        loaded.ifPresent(model -> records.put(model, version));
        return loaded;
    }

    private Optional<ServedModel> load(ModelVersion version) {
        LOG.infof("Loading %s v%d from %s", modelName, version.getVersion(), ArtifactUris.shown(version.getArtifactUri()));
        reporter.report(version, ModelState.LOADING, null, null);
        try {
            Optional<String> expected = catalogHash.or(() -> holder.current().map(m -> m.predictor().catalog().hash()));
            return Optional.of(loader.load(version, expected));
        } catch (VersionRejectedException e) {
            if (e.kind() == RejectionKind.ARTIFACT_UNREACHABLE) {
                retryLater(version); // the store may be back in a moment
            } else {
                refused.add(ServingChoice.identity(version));
            }
            holder.rejected(version.getVersion(), e);
            reporter.rejected(version, e.kind(), e.getMessage());
            LOG.warnf("Refused %s v%d (%s): %s; still serving %s", modelName, version.getVersion(), e.kind(),
                    e.getMessage(), holder.serving().map(ModelSwitcher::describe).orElse("nothing"));
        } catch (RuntimeException e) {
            // Not a verdict on the version (a device or engine error): try it again later.
            retryLater(version);
            LOG.errorf(e, "Loading %s v%d failed; trying again later", modelName, version.getVersion());
        }
        return Optional.empty();
    }

    private void retryLater(ModelVersion version) {
        String identity = ServingChoice.identity(version);
        long delay = retryDelayMillis.merge(identity, 5_000L, (old, ignored) -> Math.min(old * 2, 300_000L));
        retryAt.put(identity, System.currentTimeMillis() + delay);
    }

    /** Whether {@code version} may be tried: not refused here, and not waiting to be tried again. */
    boolean serveable(ModelVersion version) {
        String identity = ServingChoice.identity(version);
        return !refused.contains(identity) && retryAt.getOrDefault(identity, 0L) <= System.currentTimeMillis();
    }

    /** Refused for good on this instance (not merely waiting to be tried again). */
    boolean hasRefused(ModelVersion version) {
        return refused.contains(ServingChoice.identity(version));
    }

    Optional<ModelVersion> stable() {
        return Optional.ofNullable(stable);
    }

    Optional<ModelVersion> canary() {
        return Optional.ofNullable(canary);
    }

    /** @return whether a first model serves within {@code millis} */
    boolean awaitFirstModel(long millis) throws InterruptedException {
        return firstModel.await(millis, TimeUnit.MILLISECONDS);
    }
}
