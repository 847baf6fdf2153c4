package dev.geoloc.registry;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.ConfigException;

/**
 * How to reach the schema registry, read from Confluent's configuration keys so that one configuration
 * serves this project's serde and Confluent's own.
 *
 * @param urls            {@code schema.registry.url}: one or more base URLs, tried in turn
 * @param credentials     HTTP basic auth, from {@code basic.auth.user.info} or from the URL's user info
 * @param tls             truststore and keystore for HTTPS, from {@code schema.registry.ssl.*}
 * @param connectTimeout  {@code http.connect.timeout.ms}
 * @param readTimeout     {@code http.read.timeout.ms}
 * @param maxRetries      {@code max.retries}: retries after the first attempt, for network errors and 5xx/429
 * @param retryWait       {@code retries.wait.ms}: first back-off, doubled after each retry
 * @param maxRetryWait    {@code retries.max.wait.ms}: longest back-off
 */
public record RegistryClientConfig(
        List<URI> urls,
        Optional<Credentials> credentials,
        TlsSettings tls,
        Duration connectTimeout,
        Duration readTimeout,
        int maxRetries,
        Duration retryWait,
        Duration maxRetryWait) {

    public static final String URL = "schema.registry.url";
    public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String USER_INFO = "basic.auth.user.info";
    public static final String REGISTRY_USER_INFO = "schema.registry.basic.auth.user.info";
    public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    public static final String KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    public static final String KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    public static final String KEY_PASSWORD = "schema.registry.ssl.key.password";
    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";

    public RegistryClientConfig {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new ConfigException(URL + " is required: the registry's base URL, "
                    + "e.g. http://127.0.0.1:8081/apis/ccompat/v7 for Apicurio or http://127.0.0.1:8081 for Confluent");
        }
    }

    /** Basic-auth credentials. */
    public record Credentials(String user, String password) {
        @Override
        public String toString() {
            return "Credentials[user=" + user + ", password=***]";
        }
    }

    /** A key or trust store on disk. */
    public record Store(Path location, char[] password, String type) {
        @Override
        public String toString() {
            return "Store[" + location + ", " + type + "]";
        }
    }

    /** HTTPS settings; empty stores mean the JVM's defaults. */
    public record TlsSettings(Optional<Store> truststore, Optional<Store> keystore, Optional<char[]> keyPassword) {
        public static final TlsSettings JVM_DEFAULTS = new TlsSettings(Optional.empty(), Optional.empty(), Optional.empty());

        public boolean usesJvmDefaults() {
            return truststore.isEmpty() && keystore.isEmpty();
        }
    }

    /** Reads the settings from a Kafka client, Streams or serde configuration map. */
    public static RegistryClientConfig from(Map<String, ?> configs) {
        Settings settings = new Settings(configs);
        List<URI> urls = settings.string(URL).map(RegistryClientConfig::parseUrls).orElse(List.of());
        return new RegistryClientConfig(
                urls.stream().map(RegistryClientConfig::withoutUserInfo).toList(),
                credentials(settings, urls),
                new TlsSettings(
                        store(settings, TRUSTSTORE_LOCATION, TRUSTSTORE_PASSWORD, TRUSTSTORE_TYPE),
                        store(settings, KEYSTORE_LOCATION, KEYSTORE_PASSWORD, KEYSTORE_TYPE),
                        settings.string(KEY_PASSWORD).map(String::toCharArray)),
                Duration.ofMillis(settings.positiveLong(CONNECT_TIMEOUT_MS, 10_000)),
                Duration.ofMillis(settings.positiveLong(READ_TIMEOUT_MS, 30_000)),
                (int) settings.atMost(MAX_RETRIES, 3, 100),
                Duration.ofMillis(settings.nonNegativeLong(RETRIES_WAIT_MS, 1_000)),
                Duration.ofMillis(settings.nonNegativeLong(RETRIES_MAX_WAIT_MS, 20_000)));
    }

    private static List<URI> parseUrls(String value) {
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> {
                    URI uri;
                    try {
                        uri = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(URL, s, "not a URL: " + e.getMessage());
                    }
                    if (InMemoryRegistry.SCHEME.equals(uri.getScheme()) && uri.getAuthority() != null) {
                        return uri; // a registry in this process's memory, for tests
                    }
                    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                        throw new ConfigException(URL, s, "the registry URL must start with http:// or https://"
                                + " (or mock://<scope> for one in memory, in tests)");
                    }
                    if (uri.getHost() == null) {
                        throw new ConfigException(URL, s, "no valid host name in it (host names may not contain '_')");
                    }
                    return uri;
                })
                .toList();
    }

    /** User info in a URL goes into an Authorization header, never into requests, logs or messages. */
    private static URI withoutUserInfo(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
                    uri.getFragment());
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException(URL, uri.getHost() + uri.getPath(), "not a URL: " + e.getMessage());
        }
    }

    private static Optional<Credentials> credentials(Settings settings, List<URI> urls) {
        String source = settings.string(CREDENTIALS_SOURCE).orElse("URL").toUpperCase(java.util.Locale.ROOT);
        return switch (source) {
            case "USER_INFO" -> Optional.of(userInfo(settings.string(USER_INFO)
                    .or(() -> settings.string(REGISTRY_USER_INFO))
                    .orElseThrow(() -> new ConfigException(USER_INFO
                            + " (user:password) is required when " + CREDENTIALS_SOURCE + "=USER_INFO")),
                    USER_INFO));
            case "URL" -> urls.stream()
                    .map(URI::getUserInfo)  // percent-decoded, as URI user info is (a '+' stays a '+')
                    .filter(info -> info != null && !info.isEmpty())
                    .findFirst()
                    .map(info -> userInfo(info, URL));
            default -> throw new ConfigException(CREDENTIALS_SOURCE, source, "supported: USER_INFO, URL");
        };
    }

    private static Credentials userInfo(String userInfo, String key) {
        int colon = userInfo.indexOf(':');
        if (colon <= 0) {
            throw new ConfigException(key + " must have the form user:password");
        }
        return new Credentials(userInfo.substring(0, colon), userInfo.substring(colon + 1));
    }

    private static Optional<Store> store(Settings settings, String location, String password, String type) {
        return settings.string(location).map(path -> new Store(
                Path.of(path),
                settings.string(password).map(String::toCharArray).orElse(null),
                settings.string(type).orElse("PKCS12")));
    }

    /** Typed reads of a configuration map whose values may be strings or already typed. */
    private record Settings(Map<String, ?> configs) {
        Optional<String> string(String key) {
            Object value = configs.get(key);
            if (value == null) {
                return Optional.empty();
            }
            String text = value instanceof org.apache.kafka.common.config.types.Password p ? p.value() : value.toString();
            return text.isBlank() ? Optional.empty() : Optional.of(text.trim());
        }

        long positiveLong(String key, long defaultValue) {
            long value = nonNegativeLong(key, defaultValue);
            if (value == 0) {
                throw new ConfigException(key, value, "must be positive");
            }
            return value;
        }

        long atMost(String key, long defaultValue, long max) {
            long value = nonNegativeLong(key, defaultValue);
            if (value > max) {
                throw new ConfigException(key, value, "must be at most " + max);
            }
            return value;
        }

        long nonNegativeLong(String key, long defaultValue) {
            Optional<String> text = string(key);
            if (text.isEmpty()) {
                return defaultValue;
            }
            try {
                long value = Long.parseLong(text.get());
                if (value < 0) {
                    throw new ConfigException(key, value, "must not be negative");
                }
                return value;
            } catch (NumberFormatException e) {
                throw new ConfigException(key, text.get(), "not a whole number");
            }
        }
    }
}
