package dev.geoloc.processor.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.geoloc.processor.admin.AdminAccess.Verdict;

class AdminAccessTest {

    @Test
    void withATokenOnlyWhoeverPresentsItMayPinFromAnywhere() {
        AdminAccess access = new AdminAccess(Optional.of("s3cret-token"));

        assertThat(access.check("10.1.2.3", "Bearer s3cret-token")).isEqualTo(Verdict.ALLOWED);
        assertThat(access.check("127.0.0.1", null)).as("local, but no token").isEqualTo(Verdict.UNAUTHENTICATED);
        assertThat(access.check("10.1.2.3", "Bearer s3cret")).isEqualTo(Verdict.UNAUTHENTICATED);
        assertThat(access.check("10.1.2.3", "Bearer s3cret-token-and-more")).isEqualTo(Verdict.UNAUTHENTICATED);
        assertThat(access.check("10.1.2.3", "Basic s3cret-token")).isEqualTo(Verdict.UNAUTHENTICATED);
        assertThat(access.check("10.1.2.3", "s3cret-token")).isEqualTo(Verdict.UNAUTHENTICATED);
    }

    @Test
    void withoutATokenOnlyTheLoopbackInterfaceMayPin() {
        AdminAccess access = new AdminAccess(Optional.empty());

        assertThat(access.check("127.0.0.1", null)).isEqualTo(Verdict.ALLOWED);
        assertThat(access.check("127.8.9.10", null)).isEqualTo(Verdict.ALLOWED);
        assertThat(access.check("0:0:0:0:0:0:0:1", null)).isEqualTo(Verdict.ALLOWED);
        assertThat(access.check("::ffff:127.0.0.1", null)).isEqualTo(Verdict.ALLOWED);
        assertThat(access.check("10.1.2.3", null)).isEqualTo(Verdict.NOT_LOCAL);
        assertThat(access.check("192.168.0.7", "Bearer anything")).isEqualTo(Verdict.NOT_LOCAL);
        assertThat(access.check("fe80::1%eth0", null)).isEqualTo(Verdict.NOT_LOCAL);
        assertThat(access.check("localhost", null)).as("a name is never resolved").isEqualTo(Verdict.NOT_LOCAL);
        assertThat(access.check(null, null)).isEqualTo(Verdict.NOT_LOCAL);
    }

    @Test
    void aBlankTokenIsNoToken() {
        assertThat(new AdminAccess(Optional.of("  ")).check("10.1.2.3", "Bearer   ")).isEqualTo(Verdict.NOT_LOCAL);
    }
}
