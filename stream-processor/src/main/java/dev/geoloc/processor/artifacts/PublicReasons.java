package dev.geoloc.processor.artifacts;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * Reasons as open endpoints show them ({@code GET /admin/model}, health details): every URI as
 * {@code <scheme>://…/<last path segment>}, with no host, port, user info or query, and every absolute file path as
 * {@code …/<file name>}. A rejection's reason names where its artifact lay (a store's host, a volume's layout, a
 * pre-signed link), which the logs and model-status keep for whoever runs the deployment; the file name is enough to
 * tell versions apart.
 */
public final class PublicReasons {

    /**
     * A URI with a path (a scheme of two letters or more, so not a Windows drive), or an absolute path: a slash that
     * follows no word, number, URI or earlier redaction ({@code la-street/3} is a key, not a path).
     */
    private static final Pattern LOCATION = Pattern.compile(
            "\\b[A-Za-z][A-Za-z0-9+.-]+:/[^\\s\"'<>]*|(?<![\\w.~:/…-])/[^\\s\"'<>]+");
    /** What ends a sentence or a parenthesis rather than the URI or path before it. */
    private static final String TRAILING = ".,;:!?)]}";

    private PublicReasons() {
    }

    /** {@code text} with the URIs and absolute paths in it shortened, and the hosts those URIs named removed. */
    public static String redact(String text) {
        Set<String> hosts = new LinkedHashSet<>();
        String redacted = LOCATION.matcher(text).replaceAll(match -> Matcher.quoteReplacement(shorten(match, hosts)));
        // Exception messages name the host again on their own (a TLS handshake's "No subject alternative DNS name
        // matching ..."); a name of one label ("minio") is left, as it is also a word.
        for (String host : hosts) {
            if (host.contains(".") || host.contains(":")) {
                redacted = Pattern.compile("(?<![\\w.-])" + Pattern.quote(host) + "(?!\\.?[\\w-])",
                        Pattern.CASE_INSENSITIVE).matcher(redacted).replaceAll("…");
            }
        }
        return redacted;
    }

    private static String shorten(MatchResult match, Set<String> hosts) {
        String found = match.group();
        int end = found.length();
        while (end > 1 && TRAILING.indexOf(found.charAt(end - 1)) >= 0) {
            end--;
        }
        String location = found.substring(0, end);
        String shown = location.startsWith("/") ? "…/" + lastSegment(location) : shortUri(location, hosts);
        return shown + found.substring(end);
    }

    private static String shortUri(String uri, Set<String> hosts) {
        int colon = uri.indexOf(':');
        String scheme = uri.substring(0, colon);
        String rest = cut(uri.substring(colon + 1), "?#");
        String path = rest;
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            String authority = rest.substring(2, slash < 0 ? rest.length() : slash);
            path = slash < 0 ? "" : rest.substring(slash);
            host(authority).ifPresent(hosts::add);
        }
        String segment = lastSegment(path);
        return scheme + "://…" + (segment.isEmpty() ? "" : "/" + segment);
    }

    /** The host of {@code user@host:port}, {@code [v6]:port} kept whole. */
    private static Optional<String> host(String authority) {
        String host = authority.substring(authority.lastIndexOf('@') + 1);
        int end = host.startsWith("[") ? host.indexOf(']') + 1 : host.indexOf(':');
        host = end <= 0 ? host : host.substring(0, end);
        return host.isEmpty() ? Optional.empty() : Optional.of(host);
    }

    private static String lastSegment(String path) {
        String trimmed = path;
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    private static String cut(String text, String at) {
        for (int i = 0; i < text.length(); i++) {
            if (at.indexOf(text.charAt(i)) >= 0) {
                return text.substring(0, i);
            }
        }
        return text;
    }
}
