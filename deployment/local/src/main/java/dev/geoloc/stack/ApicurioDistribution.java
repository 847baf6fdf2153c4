package dev.geoloc.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;

/** Where this module's build unpacked Apicurio Registry (see geoloc-local-stack.properties). */
record ApicurioDistribution(String version, Path runnerJar) {

    private static final String BUILD_INFO = "/geoloc-local-stack.properties";

    static ApicurioDistribution unpackedByBuild() {
        Properties build = new Properties();
        try (InputStream in = ApicurioDistribution.class.getResourceAsStream(BUILD_INFO)) {
            if (in == null) {
                throw new IllegalStateException(BUILD_INFO + " is missing from the classpath");
            }
            build.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path home = Path.of(build.getProperty("apicurio.home"));
        try (Stream<Path> files = Files.list(home)) {
            Path jar = files.filter(f -> f.getFileName().toString().endsWith("-runner.jar"))
                    .findFirst()
                    .orElseThrow(() -> notUnpacked(home));
            return new ApicurioDistribution(build.getProperty("apicurio.version"), jar);
        } catch (IOException e) {
            throw notUnpacked(home);
        }
    }

    private static IllegalStateException notUnpacked(Path home) {
        return new IllegalStateException("Apicurio Registry is not unpacked at " + home
                + "; build the local stack module first: mvn -f deployment/local/pom.xml generate-resources");
    }
}
