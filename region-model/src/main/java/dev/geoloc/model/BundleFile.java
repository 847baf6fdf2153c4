package dev.geoloc.model;

/** A file of a bundle as {@code bundle.json} pins it: its sha256 and its exact size, which bounds extraction. */
public record BundleFile(String sha256, long bytes) {

    public BundleFile {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 '" + sha256 + "' is not 64 lower-case hex digits");
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("size " + bytes + " is negative");
        }
    }
}
