package dev.geoloc.processor;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * URLs on the management port of the application under a {@code @QuarkusTest}: health and metrics under
 * {@code /q}, the admin endpoint at {@code /admin}. Quarkus's {@code @TestHTTPResource(management = true)} puts
 * every path under the management root path, {@code /q}, which the admin routes are not.
 */
public final class ManagementPort {

    /** Quarkus's own default for tests when quarkus.management.test-port is not set. */
    private static final int QUARKUS_TEST_DEFAULT = 9001;

    private ManagementPort() {
    }

    public static URL url(String path) {
        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.management.test-port", Integer.class)
                .orElse(QUARKUS_TEST_DEFAULT);
        try {
            return URI.create("http://localhost:" + port + path).toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(path, e);
        }
    }
}
