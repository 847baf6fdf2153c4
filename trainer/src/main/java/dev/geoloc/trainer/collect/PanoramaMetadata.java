package dev.geoloc.trainer.collect;

import java.util.Objects;
import java.util.Optional;

import dev.geoloc.regions.LatLon;

/**
 * A metadata answer: for {@link MetadataStatus#OK} the panorama's id, its true camera position and its
 * capture date ({@code 2019-05}, when given); for the other statuses only the status.
 */
public record PanoramaMetadata(MetadataStatus status, String panoId, LatLon location, Optional<String> date) {

    public PanoramaMetadata {
        Objects.requireNonNull(status, "status");
        if (status == MetadataStatus.OK) {
            Objects.requireNonNull(panoId, "an OK answer has a pano_id");
            Objects.requireNonNull(location, "an OK answer has a location");
        }
        date = date == null ? Optional.empty() : date;
    }

    public static PanoramaMetadata none(MetadataStatus status) {
        return new PanoramaMetadata(status, null, null, Optional.empty());
    }

    public static PanoramaMetadata found(String panoId, LatLon location, String date) {
        return new PanoramaMetadata(MetadataStatus.OK, panoId, location, Optional.ofNullable(date));
    }
}
