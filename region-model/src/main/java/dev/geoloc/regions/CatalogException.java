package dev.geoloc.regions;

import java.util.List;

/** A region catalog that cannot be used, with every problem found (not only the first). */
public final class CatalogException extends RuntimeException {

    private final List<String> problems;

    public CatalogException(String source, List<String> problems) {
        super("Invalid region catalog " + source + ":\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
