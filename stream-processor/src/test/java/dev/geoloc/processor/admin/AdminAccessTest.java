package dev.geoloc.processor.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.geoloc.processor.admin.AdminAccess.Verdict;

class AdminAccessTest {

    /** The pod's own address. */
    private static final String POD = "10.0.0.5";

    @Test
    void withATokenOnlyWhoeverPresentsItMayPinFromAnywhere() {
        AdminAccess access = new AdminAccess(Optional.of("s3cret-token"));

        assertThat(access.check("10.1.2.3", POD, "Bearer s3cret-token")).isEqualTo(Verdict.ALLOWED);
        assertThat(access.check("127.0.0.1", "127.0.0.1", null)).as("local, but no token")
                .isEqualTo(Verdict.UNAUTHENTICATED);
        assertThat(access.check("10.1.2.3", POD, "Bearer s3cret")).isEqualTo(Verdict.UNAUTHENTICATED);
        assertThat(access.check("10.1.2.3", POD, "Bearer s3cret-token-and-more")).isEqualTo(Verdict.UNAUTHENTICATED);
        assertThat(access.check("10.1.2.3", POD, "Basic s3cret-token")).isEqualTo(Verdict.UNAUTHENTICATED);
        assertThat(access.check("10.1.2.3", POD, "s3cret-token")).isEqualTo(Verdict.UNAUTHENTICATED);
    }

    @Test
    void withoutATokenOnlyAConnectionOnTheLoopbackInterfaceMayPin() {
        AdminAccess access = new AdminAccess(Optional.empty());

        assertThat(access.check("127.0.0.1", "127.0.0.1", null)).as("a port-forward").isEqualTo(Verdict.ALLOWED);
        assertThat(access.check("127.8.9.10", "127.0.0.1", null)).isEqualTo(Verdict.ALLOWED);
        assertThat(access.check("0:0:0:0:0:0:0:1", "0:0:0:0:0:0:0:1", null)).isEqualTo(Verdict.ALLOWED);
        assertThat(access.check("::ffff:127.0.0.1", "127.0.0.1", null)).isEqualTo(Verdict.ALLOWED);
        assertThat(access.check("127.0.0.6", POD, null)).as("a mesh sidecar forwarding to the pod's address")
                .isEqualTo(Verdict.NOT_LOCAL);
        assertThat(access.check("10.1.2.3", POD, null)).isEqualTo(Verdict.NOT_LOCAL);
        assertThat(access.check("192.168.0.7", POD, "Bearer anything")).isEqualTo(Verdict.NOT_LOCAL);
        assertThat(access.check("fe80::1%eth0", POD, null)).isEqualTo(Verdict.NOT_LOCAL);
        assertThat(access.check("localhost", "127.0.0.1", null)).as("a name is never resolved").isEqualTo(Verdict.NOT_LOCAL);
        assertThat(access.check(null, null, null)).isEqualTo(Verdict.NOT_LOCAL);
    }

    @Test
    void aBlankTokenIsNoToken() {
        assertThat(new AdminAccess(Optional.of("  ")).check("10.1.2.3", POD, "Bearer   ")).isEqualTo(Verdict.NOT_LOCAL);
    }
}
