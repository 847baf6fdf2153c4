package dev.geoloc.processor.intake;

import java.nio.ByteBuffer;

import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.ImageUri;
import dev.geoloc.schemas.InlineImage;

/** The encoded image file of an event: carried inline, or fetched from its URI. */
public final class ImageSource {

    /** Fetches an image by URI, or says why not. */
    @FunctionalInterface
    public interface UriFetcher {
        byte[] fetch(String uri) throws Rejection;
    }

    private final UriFetcher fetcher;

    public ImageSource(UriFetcher fetcher) {
        this.fetcher = fetcher;
    }

    public byte[] bytesOf(ImageEvent event) throws Rejection {
        Object content = event.getContent();
        if (content instanceof InlineImage inline) {
            ByteBuffer data = inline.getData().duplicate();
            if (data.hasArray() && data.arrayOffset() == 0 && data.position() == 0
                    && data.remaining() == data.array().length) {
                return data.array(); // the decoder's own array, which nothing else writes: shared, not copied
            }
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            return bytes;
        }
        if (content instanceof ImageUri uri) {
            return fetcher.fetch(uri.getUri());
        }
        throw new IllegalStateException("ImageEvent.content is neither InlineImage nor ImageUri: " + content);
    }
}
