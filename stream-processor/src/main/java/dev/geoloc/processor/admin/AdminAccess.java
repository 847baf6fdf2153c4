package dev.geoloc.processor.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Who may change what an instance serves: whoever presents {@code geoloc.admin.token}. Without a token, nobody, so
 * that an endpoint which changes what serves is never open by omission, whatever address a caller comes from.
 */
final class AdminAccess {

    enum Verdict {
        ALLOWED,
        /** 401: no token presented, or the wrong one. */
        UNAUTHENTICATED,
        /** 403: no token is configured, so pinning is off. */
        PINNING_OFF
    }

    private static final String BEARER = "Bearer ";

    private final Optional<byte[]> token;

    AdminAccess(Optional<String> token) {
        this.token = token.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    /** @param authorization the request's Authorization header, or null */
    Verdict check(String authorization) {
        if (token.isEmpty()) {
            return Verdict.PINNING_OFF;
        }
        if (authorization == null || !authorization.startsWith(BEARER)) {
            return Verdict.UNAUTHENTICATED;
        }
        byte[] presented = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        // Constant time: how long a comparison takes must not tell how much of a guess was right.
        return MessageDigest.isEqual(token.get(), presented) ? Verdict.ALLOWED : Verdict.UNAUTHENTICATED;
    }
}
