package dev.geoloc.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.registry.SchemaRegistryException.Kind;
import dev.geoloc.stack.StreamingStack;
import dev.geoloc.stack.StreamingStackExtension;

/** The client over HTTPS, with basic auth and client certificates, in front of the real registry. */
@ExtendWith(StreamingStackExtension.class)
class SecuredRegistryTest {

    private static final Schema SCHEMA = Schema.create(Schema.Type.STRING);

    @TempDir
    static Path certificatesDir;
    static TestCertificates certificates;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certificates = TestCertificates.createIn(certificatesDir);
    }

    @Test
    void trustedHttpsWithTheRightCredentialsWorks(StreamingStack stack) throws Exception {
        try (RegistryGateway gateway = RegistryGateway.secured(stack.schemaRegistryUrl(),
                certificates.serverContext(), false, "geoloc", "s3cret")) {
            SchemaRegistryClient client = SchemaRegistryClient.fromConfig(secured(gateway, "geoloc:s3cret"));

            int id = client.register("secured-value", SCHEMA);

            assertThat(client.schemaById(id)).isEqualTo(SCHEMA);
        }
    }

    @Test
    void credentialsMayComeFromTheUrl(StreamingStack stack) throws Exception {
        try (RegistryGateway gateway = RegistryGateway.secured(stack.schemaRegistryUrl(),
                certificates.serverContext(), false, "geoloc", "s3cr@t")) {
            Map<String, Object> config = secured(gateway, null);
            config.put(RegistryClientConfig.URL, gateway.url().replace("https://", "https://geoloc:s3cr%40t@"));

            assertThat(SchemaRegistryClient.fromConfig(config).register("secured-url-value", SCHEMA)).isPositive();
        }
    }

    @Test
    void wrongCredentialsAreUnauthorized(StreamingStack stack) throws Exception {
        try (RegistryGateway gateway = RegistryGateway.secured(stack.schemaRegistryUrl(),
                certificates.serverContext(), false, "geoloc", "s3cret")) {
            SchemaRegistryClient client = SchemaRegistryClient.fromConfig(secured(gateway, "geoloc:wrong"));

            assertThatThrownBy(() -> client.register("secured-value", SCHEMA))
                    .isInstanceOfSatisfying(SchemaRegistryException.class,
                            e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
                    .hasMessageContaining("401");
        }
    }

    @Test
    void anUntrustedCertificateIsATlsFailureThatNamesTheSetting(StreamingStack stack) throws Exception {
        try (RegistryGateway gateway = RegistryGateway.secured(stack.schemaRegistryUrl(),
                certificates.serverContext(), false, "geoloc", "s3cret")) {
            Map<String, Object> config = secured(gateway, "geoloc:s3cret");
            config.remove(RegistryClientConfig.TRUSTSTORE_LOCATION);

            assertThatThrownBy(() -> SchemaRegistryClient.fromConfig(config).register("secured-value", SCHEMA))
                    .isInstanceOfSatisfying(SchemaRegistryException.class,
                            e -> assertThat(e.kind()).isEqualTo(Kind.TLS_FAILURE))
                    .hasMessageContaining(RegistryClientConfig.TRUSTSTORE_LOCATION);
        }
    }

    @Test
    void mutualTlsPresentsTheConfiguredClientCertificate(StreamingStack stack) throws Exception {
        try (RegistryGateway gateway = RegistryGateway.secured(stack.schemaRegistryUrl(),
                certificates.serverContext(), true, "geoloc", "s3cret")) {
            Map<String, Object> withoutClientCertificate = secured(gateway, "geoloc:s3cret");
            Map<String, Object> withClientCertificate = new HashMap<>(withoutClientCertificate);
            withClientCertificate.put(RegistryClientConfig.KEYSTORE_LOCATION, certificates.clientKeystore().toString());
            withClientCertificate.put(RegistryClientConfig.KEYSTORE_PASSWORD, TestCertificates.PASSWORD);

            assertThat(SchemaRegistryClient.fromConfig(withClientCertificate).register("mtls-value", SCHEMA))
                    .isPositive();
            assertThatThrownBy(() -> SchemaRegistryClient.fromConfig(withoutClientCertificate)
                    .register("mtls-value", SCHEMA))
                    .isInstanceOf(SchemaRegistryException.class);
        }
    }

    private static Map<String, Object> secured(RegistryGateway gateway, String userInfo) {
        Map<String, Object> config = new HashMap<>();
        config.put(RegistryClientConfig.URL, gateway.url());
        config.put(RegistryClientConfig.TRUSTSTORE_LOCATION, certificates.clientTruststore().toString());
        config.put(RegistryClientConfig.TRUSTSTORE_PASSWORD, TestCertificates.PASSWORD);
        config.put(RegistryClientConfig.MAX_RETRIES, "0");
        if (userInfo != null) {
            config.put(RegistryClientConfig.CREDENTIALS_SOURCE, "USER_INFO");
            config.put(RegistryClientConfig.USER_INFO, userInfo);
        }
        return config;
    }
}
