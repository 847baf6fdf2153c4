package dev.geoloc.trainer.send;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.dataset.Split;
import dev.geoloc.schemas.CaptureGroup;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.InlineImage;

/**
 * A dataset split's photos as the events a platform uploads: each photo inline, with its ground truth, and marked
 * with the panorama it belongs to (its location's views, sent one after the other), so that the processor's
 * answers carry their errors and its panorama fusion has groups to fuse. The demo and {@code trainer send} stream
 * them alike.
 */
public final class PhotoStream {

    private final Manifest manifest;
    private final List<ManifestEntry> photos;
    private final Map<String, Long> views;
    private final String platform;
    private final String run;

    /**
     * The split's photos, a location's views together, the locations shuffled by {@code seed}.
     *
     * @param run names this stream in its panoramas' group ids, which must be unique among every group sent: they
     *            key the compacted panorama answers
     */
    public PhotoStream(Manifest manifest, Split split, long seed, String platform, String run) {
        List<List<ManifestEntry>> locations = new ArrayList<>(manifest.split(split).stream()
                .collect(Collectors.groupingBy(ManifestEntry::locationId, TreeMap::new, Collectors.toList()))
                .values());
        Collections.shuffle(locations, new Random(seed));
        this.manifest = manifest;
        this.photos = locations.stream().flatMap(List::stream).toList();
        this.views = photos.stream().collect(Collectors.groupingBy(ManifestEntry::locationId, Collectors.counting()));
        this.platform = platform;
        this.run = run;
    }

    /** How many photos the split has: the stream cycles through them. */
    public int size() {
        return photos.size();
    }

    /** The photo sent as the stream's {@code n}-th event (0-based), cycling through the split. */
    public ManifestEntry photo(int n) {
        return photos.get(n % photos.size());
    }

    /**
     * The stream's {@code n}-th event. Each pass over the photos sends a location's views again as a new panorama,
     * so a group id is the run's, the location's and the pass's.
     */
    public ImageEvent event(int n, String imageId) throws IOException {
        ManifestEntry photo = photo(n);
        String panorama = run + "/" + photo.locationId() + "#" + n / photos.size();
        return ImageEvent.newBuilder().setImageId(imageId)
                .setContent(new InlineImage(ByteBuffer.wrap(Files.readAllBytes(manifest.resolve(photo)))))
                .setUploadTime(Instant.now()).setSourcePlatform(platform)
                .setGroundTruth(new GeoPoint(photo.location().latitude(), photo.location().longitude()))
                .setCaptureGroup(new CaptureGroup(panorama, views.get(photo.locationId()).intValue(), photo.heading()))
                .build();
    }
}
