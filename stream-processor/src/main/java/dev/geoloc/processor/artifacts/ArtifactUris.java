package dev.geoloc.processor.artifacts;

import java.net.URI;

/**
 * Artifact URIs as messages show them: without user info, query or fragment. A pre-signed object-store link
 * carries its credentials in the query, and rejection reasons reach logs and the model-status topic's reasons;
 * open endpoints show less still ({@link PublicReasons}).
 */
public final class ArtifactUris {

    private ArtifactUris() {
    }

    public static String shown(String uri) {
        try {
            return shown(URI.create(uri));
        } catch (IllegalArgumentException e) {
            int cut = uri.indexOf('?');
            return (cut < 0 ? uri : uri.substring(0, cut) + "?…");
        }
    }

    public static String shown(URI uri) {
        if (uri.getScheme() == null || uri.isOpaque()) {
            return uri.getQuery() == null ? String.valueOf(uri) : uri.getScheme() + ":…";
        }
        StringBuilder shown = new StringBuilder(uri.getScheme()).append("://");
        if (uri.getHost() != null) {
            shown.append(uri.getHost());
            if (uri.getPort() >= 0) {
                shown.append(':').append(uri.getPort());
            }
        }
        shown.append(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            shown.append("?…");
        }
        return shown.toString();
    }
}
