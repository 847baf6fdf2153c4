package dev.geoloc.processor.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;

import dev.geoloc.processor.artifacts.ArtifactException.Kind;

/**
 * {@code http(s)://} artifacts, downloaded: a web server, or an object store's pre-signed links. The request's own
 * timeout covers the headers; the body is the copier's, under {@code geoloc.model.download-timeout}.
 */
public final class HttpArtifactStore implements ArtifactStore {

    private final ArtifactCopier copier;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    HttpArtifactStore(ArtifactCopier copier) {
        this.copier = copier;
    }

    @Override
    public Set<String> schemes() {
        return Set.of("http", "https");
    }

    @Override
    public LocalArtifact fetch(URI uri) throws ArtifactException {
        HttpResponse<InputStream> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable(uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ArtifactException(Kind.UNREACHABLE, "interrupted downloading " + ArtifactUris.shown(uri), e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new ArtifactException(Kind.UNREACHABLE, "artifact " + ArtifactUris.shown(uri) + " answered HTTP "
                        + response.statusCode());
            }
            // Refused before a byte of the body is read; a chunked body declares nothing, and is counted as it comes.
            OptionalLong declared = response.headers().firstValueAsLong("Content-Length");
            if (declared.isPresent()) {
                copier.admit(uri, declared.getAsLong());
            }
            return copier.copy(uri, body);
        } catch (IOException e) {
            throw unreachable(uri, e);
        }
    }

    private static ArtifactException unreachable(URI uri, IOException e) {
        return new ArtifactException(Kind.UNREACHABLE, "artifact " + ArtifactUris.shown(uri) + " cannot be downloaded: "
                + e.getMessage(), e);
    }
}
