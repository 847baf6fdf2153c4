package dev.geoloc.processor.versions;

import java.security.PrivateKey;
import java.util.Optional;

import org.jboss.logging.Logger;

import dev.geoloc.contracts.versions.RolloutActions;
import dev.geoloc.contracts.versions.RolloutSignatures;
import dev.geoloc.schemas.ModelState;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RolloutRole;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Rolls a canary back when {@link RolloutObserver} judges it worse than the stable version. Always on this
 * instance: it stops routing to the canary at once, and says so on model-status ({@code ROLLED_BACK}, with the
 * figures) and in {@code geoloc_rollout_rollbacks_total}. With {@code geoloc.rollout.rollback-signing-key}, it also
 * publishes the canary's withdrawal, signed, so that every instance stops, including those whose own sample is still
 * too small to judge; that key can sign withdrawals only, since processors verify it as a rollback key.
 * Runs on the follower's thread, after each reconciliation.
 */
final class CanaryWatch implements Runnable {

    private static final Logger LOG = Logger.getLogger(CanaryWatch.class);

    private final VersionFollower follower;
    private final ModelSwitcher switcher;
    private final RolloutObserver observer;
    private final ModelStatusReporter reporter;
    private final Optional<PrivateKey> rollbackKey;
    private final Optional<ActionPublisher> publisher;
    private final Counter rollbacks;

    /** @param publisher where a signed withdrawal goes; present when {@code rollbackKey} is */
    CanaryWatch(VersionFollower follower, ModelSwitcher switcher, RolloutObserver observer, ModelStatusReporter reporter,
                Optional<PrivateKey> rollbackKey, Optional<ActionPublisher> publisher, MeterRegistry registry) {
        this.follower = follower;
        this.switcher = switcher;
        this.observer = observer;
        this.reporter = reporter;
        this.rollbackKey = rollbackKey;
        this.publisher = publisher;
        this.rollbacks = Counter.builder("geoloc.rollout.rollbacks")
                .description("Canaries this instance rolled back for doing worse than the stable version").register(registry);
    }

    @Override
    public void run() {
        Optional<ModelVersion> canary = switcher.canary();
        Optional<String> verdict = observer.verdict();
        if (canary.isEmpty() || verdict.isEmpty()) {
            return;
        }
        String reason = "rolled back automatically: " + verdict.get();
        LOG.warnf("Canary %s v%d %s", canary.get().getModelName(), canary.get().getVersion(), reason);
        follower.stopCanary(canary.get());
        rollbacks.increment();
        reporter.report(canary.get(), ModelState.ROLLED_BACK, reason, null);
        if (rollbackKey.isPresent() && publisher.isPresent()) {
            publisher.get().send(RolloutSignatures.signed(rollbackKey.get(), RolloutActions.of(canary.get(),
                    follower.state().nextSequence(), RolloutRole.WITHDRAWN, 0, reason)));
        }
    }
}
