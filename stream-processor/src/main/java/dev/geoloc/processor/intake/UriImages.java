package dev.geoloc.processor.intake;

import dev.geoloc.processor.config.ProcessorConfig;
import dev.geoloc.processor.fetch.FetchException;
import dev.geoloc.processor.fetch.ImageFetcher;
import dev.geoloc.processor.fetch.UriPolicy;

/** The configured way to fetch images by URI: refused outright unless {@code geoloc.uri.enabled}. */
public final class UriImages {

    private UriImages() {
    }

    public static ImageSource.UriFetcher fetcher(ProcessorConfig.UriFetching config) {
        ImageFetcher fetcher = new ImageFetcher(policy(config));
        return uri -> {
            try {
                return fetcher.fetch(uri);
            } catch (FetchException e) {
                throw new Rejection(DeadLetterCodes.of(e.failure()), e.getMessage());
            }
        };
    }

    static UriPolicy policy(ProcessorConfig.UriFetching config) {
        return UriPolicy.DISABLED
                .withEnabled(config.enabled())
                .withAllowedSchemes(config.allowedSchemes())
                .withAllowedHosts(config.allowedHosts().orElse(java.util.List.of()))
                .withAllowedNetworks(config.allowedNetworks().orElse(java.util.List.of()))
                .withMaxBytes(config.maxBytes())
                .withConnectTimeout(config.connectTimeout())
                .withTotalTimeout(config.totalTimeout())
                .withMaxRedirects(config.maxRedirects());
    }
}
