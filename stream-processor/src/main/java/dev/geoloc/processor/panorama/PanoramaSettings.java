package dev.geoloc.processor.panorama;

import java.time.Duration;

import dev.geoloc.processor.config.ProcessorConfig;

/**
 * {@link ProcessorConfig.Panorama}, checked, as the fusing tasks use it.
 *
 * @param maxIdBytes the longest group id or image id a view may carry (geoloc.intake.max-image-id-bytes, which
 *                   the events' ids were held to): a longer one was not written by this processor
 */
public record PanoramaSettings(Duration window, Duration grace, Duration retention, int maxViews, int maxIdBytes,
                               Duration checkInterval) {

    public PanoramaSettings {
        if (window.isNegative() || window.isZero() || grace.isNegative() || retention.isNegative() || maxViews < 1
                || maxIdBytes < 1 || checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("geoloc.panorama: window and check-interval must be positive, grace and "
                    + "retention not negative, max-views at least 1; got " + window + ", " + checkInterval + ", " + grace
                    + ", " + retention + ", " + maxViews);
        }
    }

    public static PanoramaSettings of(ProcessorConfig config) {
        ProcessorConfig.Panorama panorama = config.panorama();
        return new PanoramaSettings(panorama.window(), panorama.grace(), panorama.retention(), panorama.maxViews(),
                config.intake().maxImageIdBytes(), panorama.checkInterval());
    }
}
