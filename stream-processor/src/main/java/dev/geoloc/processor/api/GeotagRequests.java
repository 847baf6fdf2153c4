package dev.geoloc.processor.api;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.ImageUri;
import dev.geoloc.schemas.InlineImage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * A geotag request as the {@link ImageEvent} the stream would carry for it, so that both meet the same checks,
 * limits and record. Two forms:
 * <ul>
 * <li>the image file as the body (any content type but JSON), with {@code image_id} and {@code source_platform}
 * as optional query parameters;</li>
 * <li>{@code application/json}: {@code {"uri": ..., "image_id": ..., "source_platform": ..., "metadata": {...}}},
 * only {@code uri} required, fetched under the same address policy as the stream's images by URI.</li>
 * </ul>
 * Without an id the request gets {@code api-<uuid>}; without a platform, {@code api}.
 */
final class GeotagRequests {

    static final String DEFAULT_PLATFORM = "api";

    private GeotagRequests() {
    }

    /**
     * @param contentType the request's Content-Type header, or null
     * @param query       its query parameters: image_id and source_platform are read
     */
    static ImageEvent of(String contentType, Buffer body, Map<String, String> query) {
        if (isJson(contentType)) {
            return byUri(body);
        }
        return event(Optional.ofNullable(query.get("image_id")), Optional.ofNullable(query.get("source_platform")),
                Map.of()).setContent(new InlineImage(ByteBuffer.wrap(body.getBytes()))).build();
    }

    private static boolean isJson(String contentType) {
        return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json");
    }

    private static ImageEvent byUri(Buffer body) {
        JsonObject json;
        try {
            json = body.toJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw malformed("The body is not a JSON object: " + e.getMessage());
        }
        Object uri = json.getValue("uri");
        if (!(uri instanceof String text) || text.isBlank()) {
            throw ApiRefusal.badInput(DeadLetterCode.MISSING_FIELD, "A JSON request names its image by \"uri\" "
                    + "(a string); to send the image itself, send its file as the body with its image content type")
                    .exception();
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Object given = json.getValue("metadata");
        if (given != null) {
            if (!(given instanceof JsonObject map)) {
                throw malformed("\"metadata\" must be an object of strings");
            }
            map.forEach(entry -> {
                if (!(entry.getValue() instanceof String value)) {
                    throw malformed("\"metadata\" must be an object of strings; \"" + entry.getKey() + "\" is not");
                }
                metadata.put(entry.getKey(), value);
            });
        }
        return event(text(json, "image_id"), text(json, "source_platform"), metadata)
                .setContent(new ImageUri(text)).build();
    }

    private static Optional<String> text(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value != null && !(value instanceof String)) {
            throw malformed("\"" + field + "\" must be a string");
        }
        return Optional.ofNullable((String) value);
    }

    private static ImageEvent.Builder event(Optional<String> imageId, Optional<String> platform,
                                            Map<String, String> metadata) {
        return ImageEvent.newBuilder()
                .setImageId(imageId.orElseGet(() -> "api-" + UUID.randomUUID()))
                .setUploadTime(Instant.now())
                .setSourcePlatform(platform.orElse(DEFAULT_PLATFORM))
                .setMetadata(new LinkedHashMap<>(metadata));
    }

    private static ApiRefusal.RefusedException malformed(String reason) {
        return ApiRefusal.badInput(DeadLetterCode.MALFORMED_RECORD, reason).exception();
    }
}
