package dev.geoloc.dataset;

import java.util.List;

/** A manifest that cannot be used, with every problem found and its line. */
public final class ManifestException extends RuntimeException {

    private final List<String> problems;

    public ManifestException(String source, List<String> problems) {
        super("Invalid dataset manifest " + source + ":\n  - " + String.join("\n  - ", problems.subList(0,
                Math.min(problems.size(), 20))) + (problems.size() > 20 ? "\n  - ... " + (problems.size() - 20)
                + " more" : ""));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
