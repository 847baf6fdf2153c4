package dev.geoloc.dataset.synth;

import java.time.Duration;
import java.util.Map;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.Split;

/** What a generation run wrote: its manifest, the images per split, and how long it took. */
public record GenerationResult(Manifest manifest, Map<Split, Long> imagesPerSplit, Duration elapsed) {

    public GenerationResult {
        imagesPerSplit = Map.copyOf(imagesPerSplit);
    }

    public int images() {
        return manifest.entries().size();
    }

    public double imagesPerSecond() {
        return images() / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }
}
