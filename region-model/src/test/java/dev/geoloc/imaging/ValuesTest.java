package dev.geoloc.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The value types: their validation, equality and immutability. */
class ValuesTest {

    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    @Test
    void imagenetIsTheDinoV2Preprocessing() {
        Preprocessing spec = Preprocessing.imagenet(224);

        assertThat(spec.inputSize()).isEqualTo(224);
        assertThat(spec.mean()).containsExactly(MEAN);
        assertThat(spec.std()).containsExactly(STD);
        assertThat(spec.resize()).isEqualTo(ResizePolicy.CENTER_CROP);
        assertThat(spec.tensorLength()).isEqualTo(3 * 224 * 224);
    }

    @Test
    void preprocessingComparesArrayContentsAndCannotBeChanged() {
        float[] mean = MEAN.clone();
        Preprocessing spec = new Preprocessing(224, mean, STD.clone(), ResizePolicy.CENTER_CROP);
        mean[0] = 9;
        spec.std()[0] = 9;

        assertThat(spec).isEqualTo(Preprocessing.imagenet(224)).hasSameHashCodeAs(Preprocessing.imagenet(224));
        assertThat(spec).isNotEqualTo(Preprocessing.imagenet(518));
        assertThat(spec).isNotEqualTo(new Preprocessing(224, MEAN, STD, ResizePolicy.STRETCH));
        assertThat(spec.toString()).contains("mean=[0.485, 0.456, 0.406]");
    }

    @Test
    void preprocessingRefusesNonsense() {
        assertThatThrownBy(() -> new Preprocessing(0, MEAN, STD, ResizePolicy.STRETCH))
                .hasMessage("inputSize must be in [1, 4096], got 0");
        assertThatThrownBy(() -> new Preprocessing(224, new float[2], STD, ResizePolicy.STRETCH))
                .hasMessage("mean must have one value per RGB channel, got 2");
        assertThatThrownBy(() -> new Preprocessing(224, MEAN, new float[] {0.2f, 0, 0.2f}, ResizePolicy.STRETCH))
                .hasMessageStartingWith("std must be positive and finite");
        assertThatThrownBy(() -> new Preprocessing(224, new float[] {Float.NaN, 0, 0}, STD, ResizePolicy.STRETCH))
                .hasMessageStartingWith("mean must be finite");
        assertThatThrownBy(() -> new Preprocessing(224, MEAN, STD, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void limitsMustBePositiveAndWithinOpenCvs() {
        assertThat(ImageLimits.DEFAULT).isEqualTo(new ImageLimits(20L << 20, 50_000_000, 16_384, false));
        assertThat(ImageLimits.DEFAULT).isEqualTo(new ImageLimits(20L << 20, 50_000_000, 16_384));
        assertThat(ImageLimits.DEFAULT.pixelBudgetBytes()).isEqualTo(150_000_000);
        assertThatThrownBy(() -> new ImageLimits(0, 1, 1)).hasMessageStartingWith("image limits must be positive");
        assertThatThrownBy(() -> new ImageLimits(1, 1L << 31, 1)).hasMessageStartingWith("OpenCV decodes at most");
    }

    @Test
    void tiffIsOptIn() {
        ImageLimits withTiff = ImageLimits.DEFAULT.withAcceptTiff(true);

        assertThat(ImageLimits.DEFAULT.acceptTiff()).isFalse();
        assertThat(ImageLimits.DEFAULT.accepts(ImageFormat.TIFF)).isFalse();
        assertThat(withTiff).isEqualTo(new ImageLimits(20L << 20, 50_000_000, 16_384, true));
        assertThat(withTiff.accepts(ImageFormat.TIFF)).isTrue();
        assertThat(withTiff.withAcceptTiff(false)).isEqualTo(ImageLimits.DEFAULT);
    }

    @Test
    void acceptedFormatsAreListedForMessages() {
        assertThat(ImageLimits.DEFAULT.acceptedNames()).isEqualTo("JPEG, PNG, WebP, GIF, BMP");
        assertThat(ImageLimits.DEFAULT.withAcceptTiff(true).acceptedNames())
                .isEqualTo("JPEG, PNG, WebP, GIF, BMP, TIFF");
        assertThat(ImageFormat.GIF.supported()).isTrue();
        assertThat(ImageFormat.TIFF.supported()).isTrue();
        assertThat(ImageFormat.HEIC.supported()).isFalse();
        assertThat(ImageLimits.DEFAULT.withAcceptTiff(true).accepts(ImageFormat.HEIC)).isFalse();
    }
}
