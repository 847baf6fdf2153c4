package dev.geoloc.imaging;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

import javax.imageio.ImageIO;

import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Milliseconds per image, 640 x 640 JPEG to a 224 x 224 normalised tensor, single thread: this package against
 * a plain ImageIO + Graphics2D path and against OpenCV without the reduced JPEG decoder. Prints figures only.
 *
 * <pre>
 * mvn -B -ntp -q -pl region-model -am test-compile
 * mvn -B -ntp -q -f region-model dependency:build-classpath -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test
 * java -cp region-model/target/test-classes:region-model/target/classes:$(cat region-model/target/test-cp.txt) \
 *     dev.geoloc.imaging.PreprocessBenchmark
 * </pre>
 */
public final class PreprocessBenchmark {

    private static final int SIZE = 224;
    private static final int WARM_UP = 300;
    private static final int ROUNDS = 9;
    private static final int IMAGES_PER_ROUND = 200;

    private interface Path {
        void run(byte[] jpeg, float[] tensor) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        byte[] jpeg = photoLikeJpeg(640, 640);
        ImagePreprocessor preprocessor = new ImagePreprocessor(Preprocessing.imagenet(SIZE), ImageLimits.DEFAULT);
        Normalizer normalizer = new Normalizer(preprocessor.spec());
        float[] tensor = new float[preprocessor.spec().tensorLength()];
        System.out.printf(Locale.ROOT, "640 x 640 JPEG, %,d bytes -> %d x %d tensor; median (min) of %d rounds of "
                + "%d images, one calling thread%n", jpeg.length, SIZE, SIZE, ROUNDS, IMAGES_PER_ROUND);

        measure("ImagePreprocessor (OpenCV, reduced JPEG decode)", jpeg, tensor,
                (data, out) -> preprocessor.preprocess(data, out, 0));
        measure("OpenCV imdecode full size + INTER_AREA", jpeg, tensor,
                (data, out) -> normalizer.write(openCvFullDecode(data), out, 0));
        measure("ImageIO.read + Graphics2D bilinear", jpeg, tensor,
                (data, out) -> normalizer.write(imageIo(data), out, 0));
    }

    private static void measure(String name, byte[] jpeg, float[] tensor, Path path) throws Exception {
        for (int i = 0; i < WARM_UP; i++) {
            path.run(jpeg, tensor);
        }
        double[] msPerImage = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < IMAGES_PER_ROUND; i++) {
                path.run(jpeg, tensor);
            }
            msPerImage[round] = (System.nanoTime() - start) / 1e6 / IMAGES_PER_ROUND;
        }
        Arrays.sort(msPerImage);
        System.out.printf(Locale.ROOT, "  %-50s %6.2f ms/image (min %.2f)%n", name, msPerImage[ROUNDS / 2],
                msPerImage[0]);
    }

    /** Centre crop as the preprocessor does, from a full-size decode. */
    private static byte[] openCvFullDecode(byte[] jpeg) {
        try (MatScope mats = new MatScope()) {
            Mat decoded = mats.add(Imgcodecs.imdecode(mats.add(new MatOfByte(jpeg)), Imgcodecs.IMREAD_COLOR));
            Mat cropped = mats.add(decoded.submat(ResizePlan.of(decoded.cols(), decoded.rows(),
                    Preprocessing.imagenet(SIZE)).crop()));
            Mat resized = mats.add(new Mat());
            Imgproc.resize(cropped, resized, new Size(SIZE, SIZE), 0, 0, Imgproc.INTER_AREA);
            byte[] bgr = new byte[3 * SIZE * SIZE];
            resized.get(0, 0, bgr);
            return bgr;
        }
    }

    /** The plain JDK path: decode, draw scaled into a BGR image, read its bytes. */
    private static byte[] imageIo(byte[] jpeg) throws IOException {
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(jpeg));
        BufferedImage scaled = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(decoded, 0, 0, SIZE, SIZE, null);
        g.dispose();
        return ((DataBufferByte) scaled.getRaster().getDataBuffer()).getData();
    }

    /** Smooth shading plus sensor-like noise, so that the JPEG is about as large as a photo of that size. */
    private static byte[] photoLikeJpeg(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int noise = random.nextInt(10);
                int r = Math.min(255, x * 200 / width + noise);
                int g = Math.min(255, y * 200 / height + noise);
                int b = Math.min(255, (x + y) * 100 / (width + height) + 60 + noise);
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return TestImages.jpeg(image, false);
    }
}
