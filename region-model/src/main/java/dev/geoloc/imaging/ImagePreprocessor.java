package dev.geoloc.imaging;

import java.util.Objects;

import org.opencv.core.CvException;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Turns an encoded image into the model's input tensor. Each payload is checked before it is decoded: its size,
 * its header (format against the accepted ones, dimensions against the limits: a decompression bomb is refused
 * here, before any pixel is allocated) and its structure (a cut-off file is refused, not decoded half grey; a file
 * whose decoding would cost out of proportion to it, such as a JPEG with thousands of scans, is refused too). OpenCV
 * then decodes it with IMREAD_COLOR, which applies the EXIF orientation and turns grayscale, palette, alpha, CMYK and
 * 16-bit images into 8-bit BGR (alpha is dropped, as PIL's {@code convert("RGB")} does); a GIF's first frame is
 * decoded by {@link GifDecoder} instead. Both go through the same crop, resize and normalisation.
 *
 * <p>Thread-safe: instances hold only immutable state, and every native buffer is released before a call returns.
 */
public final class ImagePreprocessor {

    static {
        // The natives ship in the openpnp jar; this extracts and loads them once per JVM, without the network.
        nu.pattern.OpenCV.loadLocally();
    }

    private final Preprocessing spec;
    private final ImageLimits limits;
    private final Normalizer normalizer;

    public ImagePreprocessor(Preprocessing spec, ImageLimits limits) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.normalizer = new Normalizer(spec);
    }

    public Preprocessing spec() {
        return spec;
    }

    public ImageLimits limits() {
        return limits;
    }

    /** @return a new array of {@link Preprocessing#tensorLength()} floats, CHW, RGB, normalised */
    public float[] preprocess(byte[] encoded) throws ImageRejectedException {
        float[] tensor = new float[spec.tensorLength()];
        preprocess(encoded, tensor, 0);
        return tensor;
    }

    /**
     * Writes {@link Preprocessing#tensorLength()} floats (CHW, RGB, normalised) into {@code dest} from
     * {@code offset}, such as one slot of a batch. When the image is rejected, {@code dest} is left untouched.
     *
     * @throws ImageRejectedException with the {@link Reason} the image cannot be used
     * @throws IndexOutOfBoundsException when the tensor does not fit in {@code dest} at {@code offset}
     */
    public void preprocess(byte[] encoded, float[] dest, int offset) throws ImageRejectedException {
        Objects.checkFromIndexSize(offset, spec.tensorLength(), dest.length);
        limits.checkPayload(encoded.length);
        ImageInfo info = ImageProbe.probe(encoded, limits);
        limits.checkDimensions(info);
        ImageProbe.checkDecodable(info, encoded, limits);
        normalizer.write(decodeAndResize(encoded, info), dest, offset);
    }

    /** The model input as interleaved BGR bytes, {@code inputSize x inputSize}. */
    private byte[] decodeAndResize(byte[] encoded, ImageInfo info) throws ImageRejectedException {
        int size = spec.inputSize();
        try (MatScope mats = new MatScope()) {
            Mat decoded = info.format() == ImageFormat.GIF ? GifDecoder.firstFrame(encoded, mats)
                    : decodeWithOpenCv(encoded, info, mats);
            ResizePlan plan = ResizePlan.of(decoded.cols(), decoded.rows(), spec);
            Mat input = mats.add(decoded.submat(plan.crop()));
            if (input.cols() != size || input.rows() != size) {
                Mat resized = mats.add(new Mat());
                Imgproc.resize(input, resized, new Size(size, size), 0, 0, plan.interpolation());
                input = resized;
            }
            byte[] bgr = new byte[3 * size * size];
            input.get(0, 0, bgr);
            return bgr;
        }
    }

    /** @return the image as 8-bit BGR, in a Mat that {@code mats} releases */
    private Mat decodeWithOpenCv(byte[] encoded, ImageInfo info, MatScope mats) throws ImageRejectedException {
        Mat buffer = mats.add(new MatOfByte(encoded));
        Mat decoded = mats.add(decode(buffer, info));
        buffer.release(); // the encoded copy is done with: free it before the resize allocates
        if (decoded.empty()) {
            throw new ImageRejectedException(Reason.CORRUPT_IMAGE, "OpenCV could not decode the "
                    + info.format().displayName() + " data of a " + info.width() + " x " + info.height() + " image");
        }
        return decoded;
    }

    /** OpenCV's decoders throw on some damaged data where others return an empty image: both mean corrupt. */
    private Mat decode(Mat buffer, ImageInfo info) throws ImageRejectedException {
        try {
            return Imgcodecs.imdecode(buffer, decodeFlags(info));
        } catch (CvException e) {
            throw new ImageRejectedException(Reason.CORRUPT_IMAGE, "OpenCV could not decode the "
                    + info.format().displayName() + " data of a " + info.width() + " x " + info.height() + " image: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private int decodeFlags(ImageInfo info) {
        return switch (ResizePlan.reduction(info, spec.inputSize())) {
            case 8 -> Imgcodecs.IMREAD_REDUCED_COLOR_8;
            case 4 -> Imgcodecs.IMREAD_REDUCED_COLOR_4;
            case 2 -> Imgcodecs.IMREAD_REDUCED_COLOR_2;
            default -> Imgcodecs.IMREAD_COLOR;
        };
    }
}
