package dev.geoloc.dataset.synth;

import java.time.Duration;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.SplitRecord;

/** What a generation run wrote: its manifest, how it was split (also in {@code split.json}), and how long it took. */
public record GenerationResult(Manifest manifest, SplitRecord split, Duration elapsed) {

    public int images() {
        return manifest.entries().size();
    }

    public double imagesPerSecond() {
        return images() / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }
}
