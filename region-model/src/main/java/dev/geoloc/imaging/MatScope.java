package dev.geoloc.imaging;

import java.util.ArrayList;
import java.util.List;

import org.opencv.core.Mat;

/**
 * Releases the pixels of every Mat it was given when it closes. A Mat's pixels live in native memory that the
 * garbage collector does not see: it would free them only when the small Java object happens to be collected,
 * far too late for a stream processor decoding images all day.
 */
final class MatScope implements AutoCloseable {

    private final List<Mat> mats = new ArrayList<>(4);

    <T extends Mat> T add(T mat) {
        mats.add(mat);
        return mat;
    }

    @Override
    public void close() {
        mats.forEach(Mat::release);
    }
}
