package dev.geoloc.registry;

import java.util.List;

/** The registry's verdict on a candidate schema, with its reasons when the registry gives them. */
public record Compatibility(boolean compatible, List<String> messages) {

    public Compatibility {
        messages = List.copyOf(messages);
    }
}
