package dev.geoloc.imaging;

import org.opencv.core.Rect;
import org.opencv.imgproc.Imgproc;

/**
 * How a decoded image becomes the model's square input: the part of it that is kept, and the interpolation that
 * resizes that part to {@code inputSize x inputSize}.
 *
 * @param crop          the region of the decoded image that is resized
 * @param interpolation INTER_AREA when shrinking (it averages every source pixel, so fine detail does not alias),
 *                      INTER_LINEAR when any side grows (INTER_AREA then degrades to nearest-neighbour-like)
 */
record ResizePlan(Rect crop, int interpolation) {

    /** libjpeg's DCT-domain downscaling factors, as OpenCV's IMREAD_REDUCED_COLOR_2/4/8 ask for them. */
    private static final int[] JPEG_REDUCTIONS = {8, 4, 2};

    /**
     * CENTER_CROP keeps the centred square of the shorter side. Cutting it from the decoded image and then
     * resizing equals resizing the shorter side first and then cutting (torchvision's Resize + CenterCrop) up to
     * a sub-pixel shift of the crop, and resizes fewer pixels.
     */
    static ResizePlan of(int width, int height, Preprocessing spec) {
        Rect crop = switch (spec.resize()) {
            case CENTER_CROP -> {
                int side = Math.min(width, height);
                yield new Rect((width - side) / 2, (height - side) / 2, side, side);
            }
            case STRETCH -> new Rect(0, 0, width, height);
        };
        boolean shrinking = crop.width >= spec.inputSize() && crop.height >= spec.inputSize();
        return new ResizePlan(crop, shrinking ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR);
    }

    /**
     * The largest factor by which a JPEG can be decoded smaller and still need shrinking, not enlarging, to the
     * input size; 1 for other formats, whose decoders cannot reduce (OpenCV would decode them whole and then
     * subsample them with INTER_LINEAR, which aliases). Both policies need the shorter side to cover the input
     * size, and the shorter side stays the shorter side under EXIF rotation, so the stored size decides.
     */
    static int reduction(ImageInfo info, int inputSize) {
        if (info.format() != ImageFormat.JPEG) {
            return 1;
        }
        int shorter = Math.min(info.width(), info.height());
        for (int factor : JPEG_REDUCTIONS) {
            // libjpeg rounds the reduced size up; rounding down here keeps the choice safe.
            if (shorter / factor >= inputSize) {
                return factor;
            }
        }
        return 1;
    }
}
