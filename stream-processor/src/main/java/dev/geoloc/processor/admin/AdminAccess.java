package dev.geoloc.processor.admin;

import java.util.Optional;

import dev.geoloc.processor.auth.BearerToken;

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

    private final Optional<BearerToken> token;

    AdminAccess(Optional<String> token) {
        this.token = BearerToken.of(token);
    }

    /** @param authorization the request's Authorization header, or null */
    Verdict check(String authorization) {
        if (token.isEmpty()) {
            return Verdict.PINNING_OFF;
        }
        return token.get().presentedIn(authorization) ? Verdict.ALLOWED : Verdict.UNAUTHENTICATED;
    }
}
