package dev.geoloc.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.opencv.core.Rect;
import org.opencv.imgproc.Imgproc;

class ResizePlanTest {

    private static final Preprocessing CROP = Preprocessing.imagenet(224);
    private static final Preprocessing STRETCH = new Preprocessing(224, CROP.mean(), CROP.std(), ResizePolicy.STRETCH);

    @Test
    void jpegsAreDecodedAsSmallAsTheShorterSideAllows() {
        assertThat(ResizePlan.reduction(jpeg(640, 640), 224)).isEqualTo(2);
        assertThat(ResizePlan.reduction(jpeg(4032, 3024), 224)).isEqualTo(8);
        assertThat(ResizePlan.reduction(jpeg(3024, 4032), 224)).as("portrait").isEqualTo(8);
        assertThat(ResizePlan.reduction(jpeg(1792, 896), 224)).as("896 / 4 = 224, exactly enough").isEqualTo(4);
        assertThat(ResizePlan.reduction(jpeg(1792, 895), 224)).isEqualTo(2);
        assertThat(ResizePlan.reduction(jpeg(447, 1000), 224)).isEqualTo(1);
    }

    @Test
    void otherFormatsAreDecodedWhole() {
        assertThat(ResizePlan.reduction(new ImageInfo(ImageFormat.PNG, 4000, 4000), 224)).isEqualTo(1);
        assertThat(ResizePlan.reduction(new ImageInfo(ImageFormat.WEBP, 4000, 4000), 224)).isEqualTo(1);
    }

    @Test
    void centerCropTakesTheMiddleSquare() {
        assertThat(ResizePlan.of(640, 480, CROP)).isEqualTo(new ResizePlan(new Rect(80, 0, 480, 480), Imgproc.INTER_AREA));
        assertThat(ResizePlan.of(480, 641, CROP).crop()).isEqualTo(new Rect(0, 80, 480, 480));
        assertThat(ResizePlan.of(100, 300, CROP)).isEqualTo(new ResizePlan(new Rect(0, 100, 100, 100), Imgproc.INTER_LINEAR));
    }

    @Test
    void stretchKeepsEverythingAndEnlargesWithLinear() {
        assertThat(ResizePlan.of(640, 480, STRETCH)).isEqualTo(new ResizePlan(new Rect(0, 0, 640, 480), Imgproc.INTER_AREA));
        assertThat(ResizePlan.of(640, 200, STRETCH).interpolation()).isEqualTo(Imgproc.INTER_LINEAR);
    }

    private static ImageInfo jpeg(int width, int height) {
        return new ImageInfo(ImageFormat.JPEG, width, height);
    }
}
