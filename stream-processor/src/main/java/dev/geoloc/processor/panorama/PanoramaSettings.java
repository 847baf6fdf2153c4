package dev.geoloc.processor.panorama;

import java.time.Duration;

import dev.geoloc.processor.config.ProcessorConfig;

/** {@link ProcessorConfig.Panorama}, checked, as the fusing tasks use it. */
public record PanoramaSettings(Duration window, Duration grace, Duration retention, int maxViews, Duration checkInterval) {

    public PanoramaSettings {
        if (window.isNegative() || window.isZero() || grace.isNegative() || retention.isNegative() || maxViews < 1
                || checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("geoloc.panorama: window and check-interval must be positive, grace and "
                    + "retention not negative, max-views at least 1; got " + window + ", " + checkInterval + ", " + grace
                    + ", " + retention + ", " + maxViews);
        }
    }

    public static PanoramaSettings of(ProcessorConfig.Panorama config) {
        return new PanoramaSettings(config.window(), config.grace(), config.retention(), config.maxViews(),
                config.checkInterval());
    }
}
