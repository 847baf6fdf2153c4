package dev.geoloc.processor.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Rejection reasons as the processor writes them, shown without the paths and hosts they name. */
class PublicReasonsTest {

    @Test
    void aFileUriKeepsItsSchemeAndFileNameOnly() {
        assertThat(PublicReasons.redact("artifact file:///srv/models/la-street/3/la-street-3.zip does not exist or "
                + "cannot be read here"))
                .isEqualTo("artifact file://…/la-street-3.zip does not exist or cannot be read here");
    }

    @Test
    void aPresignedLinkLosesItsHostPortAndCredentials() {
        assertThat(PublicReasons.redact("artifact https://bucket.s3.internal.example:9000/m/7.zip?X-Amz-Signature=abc "
                + "answered HTTP 403"))
                .isEqualTo("artifact https://…/7.zip answered HTTP 403");
        assertThat(PublicReasons.redact("artifact https://bucket.s3.internal.example:9000/m/7.zip?… answered HTTP 403"))
                .as("as ArtifactUris shows it").isEqualTo("artifact https://…/7.zip answered HTTP 403");
        assertThat(PublicReasons.redact("artifact https://deploy:s3cret@store.example/la/7.zip#part cannot be downloaded"))
                .isEqualTo("artifact https://…/7.zip cannot be downloaded");
    }

    @Test
    void aHostNamedAgainByAnExceptionIsRemovedToo() {
        assertThat(PublicReasons.redact("artifact https://bucket.s3.internal.example:9000/m/7.zip?… cannot be downloaded: "
                + "No subject alternative DNS name matching bucket.s3.internal.example found."))
                .isEqualTo("artifact https://…/7.zip cannot be downloaded: No subject alternative DNS name matching … found.");
    }

    @Test
    void anAbsolutePathKeepsItsFileNameOnly() {
        assertThat(PublicReasons.redact("version 3 is not a valid model bundle: /var/lib/geoloc/artifacts/artifact-123.zip: "
                + "zip END header not found"))
                .isEqualTo("version 3 is not a valid model bundle: …/artifact-123.zip: zip END header not found");
        assertThat(PublicReasons.redact("cannot read the key (/etc/geoloc/keys/rollback.pem)."))
                .isEqualTo("cannot read the key (…/rollback.pem).");
    }

    @Test
    void textWithNoLocationIsLeftAsItIs() {
        String[] plain = {
                "version 4 was trained on region catalog ab12 (15 regions); this deployment serves catalog cd34",
                "record la-street/3 at offset 12: its key names another version",
                "stable v2, canary v3 at 20 %",
                "artifact is 2048 bytes, over geoloc.model.max-artifact-bytes (1024)",
                "did not finish within PT1S (geoloc.model.download-timeout); HTTP/1.1 said 50/50",
        };
        for (String text : plain) {
            assertThat(PublicReasons.redact(text)).isEqualTo(text);
        }
    }

    @Test
    void redactingTwiceChangesNothingMore() {
        String once = PublicReasons.redact("artifact file:///srv/models/7.zip, then /var/lib/geoloc/artifact-1.zip");

        assertThat(once).isEqualTo("artifact file://…/7.zip, then …/artifact-1.zip");
        assertThat(PublicReasons.redact(once)).isEqualTo(once);
    }
}
