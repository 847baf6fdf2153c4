package dev.geoloc.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RegistryClientConfigTest {

    @Test
    void readsConfluentsKeysWithSensibleDefaults() {
        RegistryClientConfig config = RegistryClientConfig.from(Map.of(
                "schema.registry.url", "http://a:8081/, http://b:8081",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "me:pa:ss",
                "max.retries", 5));

        assertThat(config.urls()).containsExactly(URI.create("http://a:8081"), URI.create("http://b:8081"));
        assertThat(config.credentials()).contains(new RegistryClientConfig.Credentials("me", "pa:ss"));
        assertThat(config.maxRetries()).isEqualTo(5);
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.tls().usesJvmDefaults()).isTrue();
    }

    @Test
    void saysWhatIsWrong() {
        assertThatThrownBy(() -> RegistryClientConfig.from(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url is required");
        assertThatThrownBy(() -> RegistryClientConfig.from(Map.of("schema.registry.url", "ftp://x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> RegistryClientConfig.from(Map.of("schema.registry.url", "http://x",
                "basic.auth.credentials.source", "USER_INFO")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("basic.auth.user.info");
        assertThatThrownBy(() -> RegistryClientConfig.from(Map.of("schema.registry.url", "http://x",
                "max.retries", "many")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max.retries");
    }

    @Test
    void credentialsInTheUrlBecomeBasicAuthAndLeaveTheUrl() {
        RegistryClientConfig config = RegistryClientConfig.from(Map.of(
                "schema.registry.url", "https://me:s%40cret@registry.example.com:8443/apis/ccompat/v7"));

        assertThat(config.credentials()).contains(new RegistryClientConfig.Credentials("me", "s@cret"));
        assertThat(config.urls()).containsExactly(URI.create("https://registry.example.com:8443/apis/ccompat/v7"));
        assertThat(config.toString()).doesNotContain("cret");
    }

    @Test
    void aPlusInAUrlPasswordStaysAPlus() {
        RegistryClientConfig config = RegistryClientConfig.from(Map.of("schema.registry.url", "http://u:a+b@host:8081"));

        assertThat(config.credentials()).contains(new RegistryClientConfig.Credentials("u", "a+b"));
    }

    @Test
    void refusesHostNamesThatAreNotHostNamesAndAbsurdRetries() {
        assertThatThrownBy(() -> RegistryClientConfig.from(Map.of(
                "schema.registry.url", "http://schema_registry:8081/apis/ccompat/v7")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema_registry")
                .hasMessageContaining("no valid host name");
        assertThatThrownBy(() -> RegistryClientConfig.from(Map.of(
                "schema.registry.url", "http://x", "max.retries", String.valueOf(Long.MAX_VALUE))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("at most 100");
    }

    @Test
    void passwordsStayOutOfToString() {
        RegistryClientConfig config = RegistryClientConfig.from(Map.of(
                "schema.registry.url", "http://x",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "me:topsecret"));

        assertThat(config.toString()).doesNotContain("topsecret");
    }
}
