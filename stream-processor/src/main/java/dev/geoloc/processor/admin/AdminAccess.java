package dev.geoloc.processor.admin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Who may change what an instance serves. With a token configured, whoever presents it; without one, only a
 * connection made on this host's loopback interface at both ends, so that an endpoint nobody secured is not open
 * to the whole network. A {@code kubectl port-forward} or an exec into the pod still reaches it (127.0.0.1 to
 * 127.0.0.1); a service mesh's sidecar does not, though it forwards from a loopback source (Istio: 127.0.0.6),
 * since it connects to the pod's own address.
 */
final class AdminAccess {

    enum Verdict {
        ALLOWED,
        /** 401: no token, or the wrong one. */
        UNAUTHENTICATED,
        /** 403: no token is configured, and the caller is not local. */
        NOT_LOCAL
    }

    private static final String BEARER = "Bearer ";

    private final Optional<byte[]> token;

    AdminAccess(Optional<String> token) {
        this.token = token.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param remoteHost    the caller's address as the server saw it (an IP literal)
     * @param localHost     the address the caller connected to (an IP literal)
     * @param authorization the request's Authorization header, or null
     */
    Verdict check(String remoteHost, String localHost, String authorization) {
        if (token.isPresent()) {
            if (authorization == null || !authorization.startsWith(BEARER)) {
                return Verdict.UNAUTHENTICATED;
            }
            byte[] presented = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
            // Constant time: how long a comparison takes must not tell how much of a guess was right.
            return MessageDigest.isEqual(token.get(), presented) ? Verdict.ALLOWED : Verdict.UNAUTHENTICATED;
        }
        return isLoopback(remoteHost) && isLoopback(localHost) ? Verdict.ALLOWED : Verdict.NOT_LOCAL;
    }

    private static boolean isLoopback(String host) {
        if (host == null || !host.matches("[0-9a-fA-F:.%]+")) {
            return false; // not an IP literal: never resolve a name here
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
