package dev.geoloc.processor.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** A configured secret that callers present as {@code Authorization: Bearer <token>}: the admin's and the API's. */
public final class BearerToken {

    private static final String BEARER = "Bearer ";

    private final byte[] token;

    private BearerToken(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    /** The token a setting holds; empty when it is unset or blank. */
    public static Optional<BearerToken> of(Optional<String> configured) {
        return configured.filter(t -> !t.isBlank()).map(BearerToken::new);
    }

    /** @param authorization a request's Authorization header, or null */
    public boolean presentedIn(String authorization) {
        if (authorization == null || !authorization.startsWith(BEARER)) {
            return false;
        }
        byte[] presented = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        // Constant time: how long a comparison takes must not tell how much of a guess was right.
        return MessageDigest.isEqual(token, presented);
    }
}
