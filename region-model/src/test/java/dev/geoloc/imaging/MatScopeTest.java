package dev.geoloc.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;

class MatScopeTest {

    static {
        nu.pattern.OpenCV.loadLocally();
    }

    @Test
    void releasesThePixelsOfEveryMatItWasGiven() {
        Mat image = new Mat(480, 640, CvType.CV_8UC3);
        Mat bytes = new MatOfByte(new byte[1000]);
        Mat roi;
        try (MatScope mats = new MatScope()) {
            mats.add(image);
            mats.add(bytes);
            roi = mats.add(image.submat(0, 10, 0, 10));
            assertThat(image.dataAddr()).isNotZero();
        }

        assertThat(image.dataAddr()).isZero();
        assertThat(bytes.dataAddr()).isZero();
        assertThat(roi.dataAddr()).isZero();
    }

    @Test
    void releasesWhenTheWorkFails() {
        Mat image = new Mat(480, 640, CvType.CV_8UC3);

        assertThatThrownBy(() -> {
            try (MatScope mats = new MatScope()) {
                mats.add(image);
                throw new ImageRejectedException(Reason.CORRUPT_IMAGE, "decoder failed");
            }
        }).isInstanceOf(ImageRejectedException.class);
        assertThat(image.dataAddr()).isZero();
    }
}
