package dev.geoloc.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * deployment/topics.conf as tests read it: the project's topics with their partitions and the compatibility rule of
 * their value subjects. stack.sh and the kafka image's create-topics read the same file to make them.
 */
public final class TopicsFile {

    /**
     * One line: {@code name partitions value-compatibility [configs]}; the compatibility is empty for a topic whose
     * values are not in the registry ({@code -} in the file); the configs are {@code key=value} pairs separated by
     * semicolons.
     */
    public record Topic(String name, int partitions, Optional<String> valueCompatibility, Map<String, String> configs) {

        /** The registry subject of the topic's values (Confluent's TopicNameStrategy). */
        public String valueSubject() {
            return name + "-value";
        }
    }

    private TopicsFile() {
    }

    /** The topics of the repository's deployment/topics.conf, found from the working directory upwards. */
    public static List<Topic> project() {
        Path directory = Path.of("").toAbsolutePath();
        while (directory != null && !Files.isRegularFile(directory.resolve("deployment/topics.conf"))) {
            directory = directory.getParent();
        }
        if (directory == null) {
            throw new IllegalStateException("No deployment/topics.conf above " + Path.of("").toAbsolutePath());
        }
        return read(directory.resolve("deployment/topics.conf"));
    }

    /** One topic of the repository's deployment/topics.conf. */
    public static Topic project(String name) {
        return project().stream().filter(topic -> topic.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("deployment/topics.conf has no topic " + name));
    }

    public static List<Topic> read(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.trim().split("\\s+"))
                    .map(columns -> new Topic(columns[0], Integer.parseInt(columns[1]),
                            Optional.of(columns[2]).filter(rule -> !rule.equals("-")),
                            columns.length > 3 ? configs(columns[3]) : Map.of()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> configs(String column) {
        Map<String, String> configs = new LinkedHashMap<>();
        for (String pair : column.split(";")) {
            String[] keyValue = pair.split("=", 2);
            configs.put(keyValue[0], keyValue[1]);
        }
        return Collections.unmodifiableMap(configs);
    }
}
