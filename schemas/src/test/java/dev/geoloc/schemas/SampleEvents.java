package dev.geoloc.schemas;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** ImageEvents that between them use every field, both kinds of content, and null where allowed. */
final class SampleEvents {

    private SampleEvents() {
    }

    static List<ImageEvent> all() {
        byte[] photo = new byte[200_000];
        new Random(42).nextBytes(photo);
        photo[0] = (byte) 0xff;
        photo[1] = (byte) 0xd8;
        return List.of(
                ImageEvent.newBuilder()
                        .setImageId("img-0001")
                        .setContent(new InlineImage(ByteBuffer.wrap(photo)))
                        .setContentType("image/jpeg")
                        .setCaptureTime(Instant.parse("2026-11-24T18:03:11.250Z"))
                        .setUploadTime(Instant.parse("2026-11-24T18:03:12.004Z"))
                        .setSourcePlatform("photo-app-eu")
                        .setGroundTruth(new GeoPoint(34.0453, -118.2517))
                        .setMetadata(Map.of("camera", "pixel-8", "légende", "Grand Park ✓"))
                        .setCaptureGroup(new CaptureGroup("pano-0001", 4, 90))
                        .build(),
                ImageEvent.newBuilder()
                        .setImageId("img-0002")
                        .setContent(new ImageUri("https://cdn.example.com/p/0002.jpg"))
                        .setUploadTime(Instant.parse("2026-11-24T18:03:13Z"))
                        .setSourcePlatform("crawler")
                        .setCaptureGroup(new CaptureGroup("pano-0002", 2, null))
                        .build(),
                ImageEvent.newBuilder()
                        .setImageId("img-0003")
                        .setContent(new InlineImage(ByteBuffer.wrap(new byte[0])))
                        .setUploadTime(Instant.parse("2026-11-24T18:03:14.999Z"))
                        .setSourcePlatform("photo-app-us")
                        .setGroundTruth(new GeoPoint(33.7701, -118.1937))
                        .build());
    }
}
