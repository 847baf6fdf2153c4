package dev.geoloc.model;

import java.util.List;

/** A model bundle that cannot be served, with every problem found. */
public final class BundleException extends RuntimeException {

    private final List<String> problems;

    public BundleException(String source, List<String> problems) {
        super("Invalid model bundle " + source + ":\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public BundleException(String source, String problem, Throwable cause) {
        super("Invalid model bundle " + source + ":\n  - " + problem, cause);
        this.problems = List.of(problem);
    }

    public List<String> problems() {
        return problems;
    }
}
