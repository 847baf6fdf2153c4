package dev.geoloc.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class S3UriTest {

    @Test
    void aUriIsItsBucketAndKey() {
        S3Uri uri = S3Uri.parse("s3://models/la/street/3/street-3.zip");

        assertThat(uri.bucket()).isEqualTo("models");
        assertThat(uri.key()).isEqualTo("la/street/3/street-3.zip");
        assertThat(uri.toString()).isEqualTo("s3://models/la/street/3/street-3.zip");
    }

    @Test
    void aPrefixResolvesItsChildrenWithOneSlash() {
        assertThat(S3Uri.parse("s3://models/la").resolve("a.zip").key()).isEqualTo("la/a.zip");
        assertThat(S3Uri.parse("s3://models/la/").resolve("a.zip").key()).isEqualTo("la/a.zip");
        assertThat(S3Uri.parse("s3://models").resolve("a.zip").key()).isEqualTo("a.zip");
    }

    @Test
    void whatIsNotABucketAndKeyIsRefused() {
        assertThatThrownBy(() -> S3Uri.parse("https://models/a.zip")).hasMessageContaining("not s3://bucket/key");
        assertThatThrownBy(() -> S3Uri.parse("s3://models/a.zip?X-Amz-Signature=1")).hasMessageContaining("not s3://");
        assertThatThrownBy(() -> S3Uri.parse("s3://Not_A_Bucket/a.zip")).isInstanceOf(IllegalArgumentException.class);
    }
}
