package dev.geoloc.contracts.versions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RolloutRole;

/**
 * What the model-versions topic says about one model name: its records folded in the topic's order, which is the
 * order they were sent in (one partition per model name), in a topic that keeps them all. The trainer and every
 * processor fold the same way, so they agree on what serves.
 *
 * <p>Each record is an action on one version (its {@link RolloutRole}): STABLE makes it serve every image not
 * routed to a canary, and ends any canary or shadow; CANARY routes a share of images to it; SHADOW runs it on
 * every image for comparison only; WITHDRAWN takes it out of service, and if it was stable, the version made
 * stable before it serves again. A record is acted on only if its sequence is above every sequence acted on
 * before, so an old record sent again is {@link Refusal.Code#REPLAYED}; with {@link ActionKeys} required, only
 * if a trusted key signed it (a rollback key: only the canary's withdrawal) and its sequence is the next or below,
 * and tombstones (which cannot be signed) are refused.
 *
 * <p>Immutable: {@link #apply} returns the next state.
 */
public final class RolloutState {

    /** The next state, and why the record was not acted on, if it was not. */
    public record Step(RolloutState state, Optional<Refusal> refusal) {
    }

    private final String modelName;
    /** The last record acted on for each version in service, in the order they were acted on. */
    private final LinkedHashMap<Integer, ModelVersion> versions;
    /** Versions in the order they were last made stable; the last serves. */
    private final List<Integer> stableOrder;
    private final Canary canary;
    private final Integer shadow;
    private final long highestActedOn;
    private final long highestSeen;
    private final int highestVersion;

    private RolloutState(String modelName, LinkedHashMap<Integer, ModelVersion> versions, List<Integer> stableOrder,
                         Canary canary, Integer shadow, long highestActedOn, long highestSeen, int highestVersion) {
        this.modelName = modelName;
        this.versions = versions;
        this.stableOrder = stableOrder;
        this.canary = canary;
        this.shadow = shadow;
        this.highestActedOn = highestActedOn;
        this.highestSeen = highestSeen;
        this.highestVersion = highestVersion;
    }

    /** Before the topic's first record for {@code modelName}. */
    public static RolloutState empty(String modelName) {
        return new RolloutState(modelName, new LinkedHashMap<>(), List.of(), null, null, 0, 0, 0);
    }

    /**
     * Folds the next record of the topic.
     *
     * @param key    the record's key; records of other model names change nothing
     * @param record its value, null for a tombstone
     */
    public Step apply(ModelVersionKey key, ModelVersion record, ActionKeys keys) {
        if (!key.modelName().equals(modelName)) {
            return unchanged();
        }
        if (record == null) {
            return keys.required()
                    ? refused(key.version(), 0, Refusal.Code.UNSIGNED_WITHDRAWAL, "a tombstone withdraws nothing where "
                    + "actions must be signed; withdraw with a signed record (trainer withdraw)")
                    : acted(seen(0, key.version()).withdrawn(key.version()), 0);
        }
        // Every writer takes the sequence after the highest it has read, and reads before it writes; a record further
        // ahead is no writer's. Counted, an unsigned one could take the next sequence to Long.MAX_VALUE and past it.
        if (keys.required() && record.getSequence() > nextSequence()) {
            return refused(record, Refusal.Code.INVALID_ACTION, "its sequence " + record.getSequence()
                    + " skips ahead of " + nextSequence() + ", the next any writer would take");
        }
        ActionKeys.Signer signer = keys.required() ? keys.signer(record) : ActionKeys.Signer.PUBLISHER;
        // An unsigned record's sequence is still taken (so that no writer's next action collides with it); its version
        // is not, since the trainer numbers new versions after the highest and anyone could name 2^31 - 1.
        RolloutState seen = seen(record.getSequence(),
                signer == ActionKeys.Signer.NONE ? 0 : Math.max(key.version(), record.getVersion()));
        if (!modelName.equals(record.getModelName()) || key.version() != record.getVersion()) {
            return seen.refused(key.version(), record.getSequence(), Refusal.Code.INVALID_ACTION, "keyed " + key
                    + " but names " + record.getModelName() + " v" + record.getVersion());
        }
        if (signer == ActionKeys.Signer.NONE) {
            return seen.refused(record, Refusal.Code.SIGNATURE_INVALID, record.getSignature() == null
                    ? "it is not signed, and actions must be" : "its signature does not verify by any trusted key");
        }
        if (signer == ActionKeys.Signer.ROLLBACK && (canary == null || canary.version().getVersion() != record.getVersion())) {
            return seen.refused(record, Refusal.Code.SIGNATURE_INVALID, "a rollback key signed it, which may withdraw "
                    + "only the canary in service (" + (canary == null ? "none" : "v" + canary.version().getVersion()) + ")");
        }
        if (record.getSequence() <= highestActedOn && (record.getSequence() > 0 || highestActedOn > 0)) {
            if (record.getSequence() == highestActedOn && record.equals(versions.get(record.getVersion()))) {
                return seen.unchanged(); // the very record acted on, sent twice: nothing to do, nothing to report
            }
            return seen.refused(record, Refusal.Code.REPLAYED, "its sequence " + record.getSequence()
                    + " is not above " + highestActedOn + ", the highest acted on: a record sent again, or sent at "
                    + "the same time as another");
        }
        return seen.act(record);
    }

    private Step act(ModelVersion record) {
        int version = record.getVersion();
        Integer stable = stableOrder.isEmpty() ? null : stableOrder.get(stableOrder.size() - 1);
        return switch (record.getRole()) {
            case STABLE -> {
                List<Integer> order = new ArrayList<>(stableOrder);
                order.remove(Integer.valueOf(version));
                order.add(version);
                yield acted(new RolloutState(modelName, with(record), order, null, null, highestActedOn, highestSeen,
                        highestVersion), record.getSequence());
            }
            case CANARY -> {
                if (record.getTrafficPercent() < 1 || record.getTrafficPercent() > 99) {
                    yield refused(record, Refusal.Code.INVALID_ACTION, "a canary's share must be 1 to 99 %, not "
                            + record.getTrafficPercent());
                }
                if (stable == null || stable == version) {
                    yield refused(record, Refusal.Code.INVALID_ACTION, stable == null
                            ? "there is no stable version to share the traffic with" : "it is the stable version");
                }
                yield acted(new RolloutState(modelName, with(record), stableOrder,
                        new Canary(record, record.getTrafficPercent()), shadow == null || shadow == version ? null : shadow,
                        highestActedOn, highestSeen, highestVersion), record.getSequence());
            }
            case SHADOW -> {
                if (stable == null || stable == version) {
                    yield refused(record, Refusal.Code.INVALID_ACTION, stable == null
                            ? "there is no stable version to compare with" : "it is the stable version");
                }
                Canary keptCanary = canary == null || canary.version().getVersion() == version ? null : canary;
                yield acted(new RolloutState(modelName, with(record), stableOrder, keptCanary, version,
                        highestActedOn, highestSeen, highestVersion), record.getSequence());
            }
            case WITHDRAWN -> acted(withdrawn(version), record.getSequence());
            default -> refused(record, Refusal.Code.INVALID_ACTION, "role " + record.getRole()
                    + " is unknown to this reader");
        };
    }

    private RolloutState withdrawn(int version) {
        LinkedHashMap<Integer, ModelVersion> left = new LinkedHashMap<>(versions);
        left.remove(version);
        List<Integer> order = new ArrayList<>(stableOrder);
        order.remove(Integer.valueOf(version));
        return new RolloutState(modelName, left, order,
                canary != null && canary.version().getVersion() == version ? null : canary,
                shadow != null && shadow == version ? null : shadow, highestActedOn, highestSeen, highestVersion);
    }

    private LinkedHashMap<Integer, ModelVersion> with(ModelVersion record) {
        LinkedHashMap<Integer, ModelVersion> next = new LinkedHashMap<>(versions);
        next.remove(record.getVersion()); // to the end: acted on last
        next.put(record.getVersion(), record);
        return next;
    }

    private RolloutState seen(long sequence, int version) {
        return new RolloutState(modelName, versions, stableOrder, canary, shadow, highestActedOn,
                Math.max(highestSeen, sequence), Math.max(highestVersion, version));
    }

    private Step acted(RolloutState next, long sequence) {
        return new Step(new RolloutState(next.modelName, next.versions, next.stableOrder, next.canary, next.shadow,
                Math.max(next.highestActedOn, sequence), next.highestSeen, next.highestVersion), Optional.empty());
    }

    private Step unchanged() {
        return new Step(this, Optional.empty());
    }

    private Step refused(ModelVersion record, Refusal.Code code, String reason) {
        return refused(record.getVersion(), record.getSequence(), code, reason);
    }

    private Step refused(int version, long sequence, Refusal.Code code, String reason) {
        return new Step(this, Optional.of(new Refusal(version, sequence, code, reason)));
    }

    public String modelName() {
        return modelName;
    }

    /** The version that serves every image not routed to a canary; empty when none is in service. */
    public Optional<ModelVersion> stable() {
        return stableOrder.isEmpty() ? Optional.empty() : find(stableOrder.get(stableOrder.size() - 1));
    }

    /**
     * The stable version, then those made stable before it, newest first: where a processor falls back to when
     * the stable version cannot be served.
     */
    public List<ModelVersion> stableNewestFirst() {
        List<ModelVersion> order = new ArrayList<>(stableOrder.stream().map(versions::get).toList());
        Collections.reverse(order);
        return order;
    }

    public Optional<Canary> canary() {
        return Optional.ofNullable(canary);
    }

    public Optional<ModelVersion> shadow() {
        return Optional.ofNullable(shadow).flatMap(this::find);
    }

    /** A version in service (not withdrawn), with the last record acted on for it. */
    public Optional<ModelVersion> find(int version) {
        return Optional.ofNullable(versions.get(version));
    }

    /** The versions in service, each with the last record acted on for it, in the order they were acted on. */
    public List<ModelVersion> history() {
        return List.copyOf(versions.values());
    }

    /** The version numbers in service, ascending. */
    public List<Integer> versionNumbers() {
        return versions.keySet().stream().sorted().toList();
    }

    /** The sequence the next action must carry: one more than any on the topic, acted on or not. */
    public long nextSequence() {
        return Math.max(highestSeen, highestActedOn) + 1;
    }

    /** The highest sequence acted on. */
    public long highestActedOn() {
        return highestActedOn;
    }

    /**
     * The highest version number any record on the topic named, withdrawn or refused ones too, but not, where actions
     * must be signed, one no trusted key signed; 0 when none.
     */
    public int highestVersion() {
        return highestVersion;
    }

    /** For logs: {@code stable v3, canary v4 at 20 %, shadow v5}. */
    public String describe() {
        StringBuilder text = new StringBuilder(stable().map(v -> "stable v" + v.getVersion()).orElse("no stable version"));
        canary().ifPresent(c -> text.append(", canary v").append(c.version().getVersion()).append(" at ")
                .append(c.percent()).append(" %"));
        shadow().ifPresent(s -> text.append(", shadow v").append(s.getVersion()));
        return text.toString();
    }
}
