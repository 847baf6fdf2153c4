package dev.geoloc.processor.versions;

import java.util.Locale;

/** Which of the serving models answers an image: chosen once, at intake, by a hash of its key. */
public enum Route {
    STABLE,
    CANARY;

    /** The tag on metrics: {@code stable} or {@code canary}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
