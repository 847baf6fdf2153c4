package dev.geoloc.processor.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.geoloc.processor.admin.AdminAccess.Verdict;

class AdminAccessTest {

    @Test
    void withATokenOnlyWhoeverPresentsItMayPin() {
        AdminAccess access = new AdminAccess(Optional.of("s3cret-token"));

        assertThat(access.check("Bearer s3cret-token")).isEqualTo(Verdict.ALLOWED);
        assertThat(access.check(null)).isEqualTo(Verdict.UNAUTHENTICATED);
        assertThat(access.check("Bearer s3cret")).isEqualTo(Verdict.UNAUTHENTICATED);
        assertThat(access.check("Bearer s3cret-token-and-more")).isEqualTo(Verdict.UNAUTHENTICATED);
        assertThat(access.check("Basic s3cret-token")).isEqualTo(Verdict.UNAUTHENTICATED);
        assertThat(access.check("s3cret-token")).isEqualTo(Verdict.UNAUTHENTICATED);
    }

    @Test
    void withoutATokenPinningIsOffForEveryone() {
        AdminAccess access = new AdminAccess(Optional.empty());

        assertThat(access.check(null)).isEqualTo(Verdict.PINNING_OFF);
        assertThat(access.check("Bearer anything")).isEqualTo(Verdict.PINNING_OFF);
    }

    @Test
    void aBlankTokenIsNoToken() {
        assertThat(new AdminAccess(Optional.of("  ")).check("Bearer   ")).isEqualTo(Verdict.PINNING_OFF);
    }
}
