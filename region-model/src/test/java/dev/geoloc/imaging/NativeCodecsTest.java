package dev.geoloc.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.opencv.core.Core;

/**
 * The image libraries compiled into OpenCV's natives, read from its build information, against
 * {@code unsafe-native-codecs.txt}: versions with published bugs that a crafted file can reach. Such a library may
 * stay only behind a format that {@link ImageLimits#DEFAULT} refuses, as libtiff 4.2.0 stays behind opt-in TIFF. The
 * check runs in every build, so upgrading OpenCV is checked too: a Media I/O line it cannot read, or a library it
 * does not know, fails it until someone has looked.
 */
class NativeCodecsTest {

    static {
        nu.pattern.OpenCV.loadLocally();
    }

    /** One library of OpenCV's "Media I/O" section: what it is, and which formats it decodes here. */
    private record Library(String name, Set<ImageFormat> formats) {
    }

    /** A library as this build has it. */
    private record Codec(Library library, String version) {
    }

    /** By the name OpenCV prints for each. */
    private static final Map<String, Library> LIBRARIES = Map.of(
            "ZLib", new Library("zlib", Set.of(ImageFormat.PNG, ImageFormat.TIFF)),
            "JPEG", new Library("libjpeg-turbo", Set.of(ImageFormat.JPEG)),
            "WEBP", new Library("libwebp", Set.of(ImageFormat.WEBP)),
            "PNG", new Library("libpng", Set.of(ImageFormat.PNG)),
            "TIFF", new Library("libtiff", Set.of(ImageFormat.TIFF)),
            "JPEG 2000", new Library("openjpeg", Set.of(ImageFormat.JPEG_2000)),
            // OpenEXR has no signature in Signatures: no payload reaches it.
            "OpenEXR", new Library("openexr", Set.of()));

    /** {@code "    PNG:                         build (ver 1.6.37)"}; detail lines below one are indented further. */
    private static final Pattern CODEC_LINE = Pattern.compile(" {4}(\\S[^:]*):\\s+(\\S.*)");
    private static final Pattern BUILT = Pattern.compile("(\\S+) \\(ver (.+)\\)");
    /**
     * How versions are printed: "1.6.37"; libjpeg-turbo "2.1.3-62" (then the libjpeg API version); libtiff
     * "42 - 4.2.0" (the TIFF magic number first); libwebp only its encoder ABI, "encoder: 0x020f".
     */
    private static final List<Pattern> VERSIONS = List.of(Pattern.compile("(\\d+(?:\\.\\d+)+)"),
            Pattern.compile("(\\d+(?:\\.\\d+)+)-\\d+"), Pattern.compile("\\d+ - (\\d+(?:\\.\\d+)+)"),
            Pattern.compile("encoder: (0x\\p{XDigit}+)"));

    @Test
    void noUnsafeNativeCodecDecodesAFormatAcceptedByDefault() {
        List<Codec> codecs = codecs(Core.getBuildInformation());

        codecs.forEach(codec -> System.out.printf("OpenCV %s bundles %s %s, decoding %s%n", Core.VERSION,
                codec.library().name(), codec.version(), codec.library().formats()));
        assertThat(codecs).extracting(codec -> codec.library().name())
                .contains("libjpeg-turbo", "libpng", "libwebp", "libtiff");
        assertThat(violations(codecs, ImageLimits.DEFAULT)).isEmpty();
    }

    /** The check bites. Once OpenCV brings another libtiff, this fails: then decide again whether TIFF stays opt-in. */
    @Test
    void acceptingTiffWouldDecodeWithAnUnsafeLibtiff() {
        assertThat(violations(codecs(Core.getBuildInformation()), ImageLimits.DEFAULT.withAcceptTiff(true)))
                .singleElement().asString().startsWith("libtiff 4.2.0 decodes [TIFF], which the limits accept, and is "
                        + "listed unsafe: released 2020-12");
    }

    @Test
    void theUnsafeListNamesKnownLibraries() {
        Set<String> known = LIBRARIES.values().stream().map(Library::name).collect(Collectors.toSet());

        assertThat(unsafe().keySet()).isNotEmpty().allSatisfy(
                entry -> assertThat(known).as("library of '%s'", entry).contains(entry.split(" ")[0]));
    }

    @Test
    void aMediaIoSectionThatCannotBeReadFailsTheCheck() {
        String real = Core.getBuildInformation();
        String reworded = real.replaceFirst("(?m)^( {4}PNG:\\s+)build \\(ver ([^)]*)\\)$", "$1built-in, version $2");
        String renumbered = real.replaceFirst("(?m)^( {4}TIFF:\\s+build) \\(ver [^)]*\\)$", "$1 (ver 4.7.0-rc1)");
        String added = real.replaceFirst("(?m)^( {4}PNG:.*)$", "$1\n    AVIF:              build (ver 1.0.0)");

        assertThat(reworded).isNotEqualTo(real);
        assertThatThrownBy(() -> codecs(reworded)).hasMessageStartingWith("Cannot read the Media I/O line '    PNG:");
        assertThatThrownBy(() -> codecs(renumbered)).hasMessageStartingWith("Cannot read the version '4.7.0-rc1'");
        assertThatThrownBy(() -> codecs(added)).hasMessageStartingWith("OpenCV bundles a library for AVIF that this "
                + "check does not know");
        assertThatThrownBy(() -> codecs(real.replace("Media I/O:", "Codecs:")))
                .hasMessageStartingWith("No Media I/O section");
    }

    /** Every unsafe library in this build that decodes a format {@code limits} accept, with why it is unsafe. */
    private static List<String> violations(List<Codec> codecs, ImageLimits limits) {
        Map<String, String> unsafe = unsafe();
        List<String> found = new ArrayList<>();
        for (Codec codec : codecs) {
            String why = unsafe.get(codec.library().name() + " " + codec.version());
            List<ImageFormat> accepted = codec.library().formats().stream().filter(limits::accepts).sorted().toList();
            if (why != null && !accepted.isEmpty()) {
                found.add(codec.library().name() + " " + codec.version() + " decodes " + accepted
                        + ", which the limits accept, and is listed unsafe: " + why);
            }
        }
        return found;
    }

    /** The libraries of the build information's Media I/O section; OpenCV's own decoders ("HDR: YES") have none. */
    private static List<Codec> codecs(String buildInformation) {
        List<String> lines = buildInformation.lines().toList();
        int start = lines.stream().map(String::strip).toList().indexOf("Media I/O:");
        if (start < 0) {
            throw new IllegalStateException("No Media I/O section in OpenCV's build information:\n" + buildInformation);
        }
        List<Codec> codecs = new ArrayList<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.isBlank()) {
                break;
            }
            Matcher codec = CODEC_LINE.matcher(line);
            if (line.startsWith(" ".repeat(5)) || codec.matches() && codec.group(2).matches("YES|NO")) {
                continue;
            }
            Matcher built = BUILT.matcher(codec.matches() ? codec.group(2) : "");
            if (!built.matches()) {
                throw new IllegalStateException("Cannot read the Media I/O line '" + line + "'");
            }
            Library library = LIBRARIES.get(codec.group(1));
            if (library == null) {
                throw new IllegalStateException("OpenCV bundles a library for " + codec.group(1) + " that this check "
                        + "does not know: add it to LIBRARIES with the formats it decodes here ('" + line + "')");
            }
            codecs.add(new Codec(library, version(built.group(2))));
        }
        return codecs;
    }

    private static String version(String printed) {
        for (Pattern pattern : VERSIONS) {
            Matcher version = pattern.matcher(printed);
            if (version.matches()) {
                return version.group(1);
            }
        }
        throw new IllegalStateException("Cannot read the version '" + printed + "'");
    }

    /** {@code "library version"} to why, from unsafe-native-codecs.txt. */
    private static Map<String, String> unsafe() {
        Map<String, String> unsafe = new LinkedHashMap<>();
        String list = new String(TestImages.resource("unsafe-native-codecs.txt"), StandardCharsets.UTF_8);
        for (String line : list.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.strip().split("\\s+", 3);
            if (fields.length < 3) {
                throw new IllegalStateException("unsafe-native-codecs.txt: not 'library version why': " + line);
            }
            unsafe.put(fields[0] + " " + fields[1], fields[2]);
        }
        return unsafe;
    }
}
