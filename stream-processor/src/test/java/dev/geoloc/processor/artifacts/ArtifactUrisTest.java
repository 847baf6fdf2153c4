package dev.geoloc.processor.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ArtifactUrisTest {

    @Test
    void aPresignedLinkIsShownWithoutItsCredentials() {
        assertThat(ArtifactUris.shown("https://models.s3.amazonaws.com/la/7.zip?X-Amz-Credential=AKIA&X-Amz-Signature=abc"))
                .isEqualTo("https://models.s3.amazonaws.com/la/7.zip?…");
        assertThat(ArtifactUris.shown("https://user:secret@store.example:8443/la/7.zip#part"))
                .isEqualTo("https://store.example:8443/la/7.zip");
    }

    @Test
    void plainUrisAndFilesAreShownAsTheyAre() {
        assertThat(ArtifactUris.shown("file:///models/la/7.zip")).isEqualTo("file:///models/la/7.zip");
        assertThat(ArtifactUris.shown("http://store:8080/la/7.zip")).isEqualTo("http://store:8080/la/7.zip");
        assertThat(ArtifactUris.shown("not a uri?token=1")).isEqualTo("not a uri?…");
    }
}
