package dev.geoloc.processor.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * artifacts/ knows nothing of versions/: versions/ uses it, and what a failed fetch means for a version is
 * versions/'s to say.
 */
class ArtifactsPackageTest {

    @Test
    void noClassOfTheArtifactsPackageRefersToTheVersionsPackage() throws Exception {
        Path classes = Path.of(ArtifactFetcher.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev/geoloc/processor/artifacts");
        List<Path> compiled;
        try (var files = Files.list(classes)) {
            compiled = files.filter(f -> f.toString().endsWith(".class")).toList();
        }

        assertThat(compiled).as("compiled classes of artifacts/").hasSizeGreaterThan(5);
        // A class refers to another by its internal name in its constant pool, whatever the import.
        assertThat(compiled).allSatisfy(f -> assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                .as(f.getFileName().toString()).doesNotContain("dev/geoloc/processor/versions/"));
    }
}
