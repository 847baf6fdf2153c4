package dev.geoloc.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * deployment/topics.conf as tests read it: the project's topics with their partitions and the compatibility rule of
 * their value subjects. stack.sh and the kafka image's create-topics read the same file to make them.
 */
public final class TopicsFile {

    /**
     * One line: {@code name partitions value-compatibility [configs]}; the compatibility is empty for a topic whose
     * values are not in the registry ({@code -} in the file).
     */
    public record Topic(String name, int partitions, Optional<String> valueCompatibility) {

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

    public static List<Topic> read(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.trim().split("\\s+"))
                    .map(columns -> new Topic(columns[0], Integer.parseInt(columns[1]),
                            Optional.of(columns[2]).filter(rule -> !rule.equals("-"))))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
