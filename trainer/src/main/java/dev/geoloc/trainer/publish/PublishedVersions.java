package dev.geoloc.trainer.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.geoloc.model.ModelVersionKey;
import dev.geoloc.schemas.ModelVersion;

/**
 * What the model-versions topic says about one model name: its versions in the order they were last published,
 * one record each. The last is the version processors serve now; it need not be the highest, since republishing
 * an older version rolls back to it.
 *
 * @param history oldest first
 */
public record PublishedVersions(List<ModelVersion> history) {

    public PublishedVersions {
        history = List.copyOf(history);
    }

    static PublishedVersions none() {
        return new PublishedVersions(List.of());
    }

    /**
     * The history after the next record of the topic for this model, keyed {@code key}: it moves that version
     * to the end, or, as a tombstone ({@code record} null), withdraws it. A record that names another model or
     * version than its key changes nothing: processors skip it too.
     */
    PublishedVersions with(ModelVersionKey key, ModelVersion record) {
        if (record != null && (!key.modelName().equals(record.getModelName()) || key.version() != record.getVersion())) {
            return this;
        }
        List<ModelVersion> next = new ArrayList<>(history);
        next.removeIf(v -> v.getVersion() == key.version());
        if (record != null) {
            next.add(record);
        }
        return new PublishedVersions(next);
    }

    /** The version processors serve now (unless pinned); empty when none is published. */
    public Optional<ModelVersion> current() {
        return history.isEmpty() ? Optional.empty() : Optional.of(history.get(history.size() - 1));
    }

    public Optional<ModelVersion> find(int version) {
        return history.stream().filter(v -> v.getVersion() == version).findFirst();
    }

    /** The highest version number on the topic, 0 when none. */
    public int highestVersion() {
        return history.stream().mapToInt(ModelVersion::getVersion).max().orElse(0);
    }
}
