package dev.geoloc.contracts.versions;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.utils.Utils;

/**
 * The key of a record on the append-only model-versions topic: {@code <model name>/<version>}, e.g.
 * {@code la-street/3}: the version an action is about. The topic keeps every record (it is never compacted, or a
 * tombstone or an old record sent again under a version's key would remove the actions before it), and what each
 * version does is decided by the records' order ({@link RolloutState}).
 *
 * <p>Records of one model name must therefore share a partition: {@link #partition(int)}.
 */
public record ModelVersionKey(String modelName, int version) {

    /**
     * Model names: they are directory names, object keys and URL path segments in the model store too, and hold
     * no '/', so a key splits one way only.
     */
    public static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private static final Pattern KEY = Pattern.compile("(" + MODEL_NAME.pattern() + ")/([1-9][0-9]{0,9})");

    public ModelVersionKey {
        if (modelName == null || !MODEL_NAME.matcher(modelName).matches()) {
            throw new IllegalArgumentException("model name '" + modelName + "' must be 1 to 100 letters, digits, "
                    + "'.', '_' or '-', starting with a letter or digit");
        }
        if (version < 1) {
            throw new IllegalArgumentException("Versions start at 1: " + version);
        }
    }

    /** @return the key, or empty when {@code key} is not one (a record put on the topic by something else) */
    public static Optional<ModelVersionKey> parse(String key) {
        if (key == null) {
            return Optional.empty();
        }
        Matcher matcher = KEY.matcher(key);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ModelVersionKey(matcher.group(1), Integer.parseInt(matcher.group(2))));
        } catch (NumberFormatException e) {
            return Optional.empty(); // beyond an int
        }
    }

    /**
     * The partition of every record of this model name, whatever its version: where Kafka's default partitioner
     * would put the model name as a key, so that one model's records keep the order they were sent in.
     */
    public int partition(int partitions) {
        return Utils.toPositive(Utils.murmur2(Utils.utf8(modelName))) % partitions;
    }

    @Override
    public String toString() {
        return modelName + "/" + version;
    }
}
