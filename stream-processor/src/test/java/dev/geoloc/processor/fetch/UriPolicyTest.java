package dev.geoloc.processor.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.geoloc.processor.fetch.UriPolicy.Cidr;

class UriPolicyTest {

    @Test
    void theDefaultPolicyIsOffHttpsOnlyWithTheDocumentedLimits() {
        UriPolicy policy = UriPolicy.DISABLED;

        assertThat(policy.enabled()).isFalse();
        assertThat(policy.allowedSchemes()).containsExactly("https");
        assertThat(policy.allowedHosts()).isEmpty();
        assertThat(policy.allowedNetworks()).isEmpty();
        assertThat(policy.maxBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(policy.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.totalTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.maxRedirects()).isEqualTo(3);
    }

    @Test
    void withersReturnChangedCopiesAndLeaveTheOriginalAlone() {
        UriPolicy changed = UriPolicy.DISABLED.withEnabled(true).withAllowedSchemes("HTTPS", "http")
                .withAllowedHosts("Images.Example.COM", "*.cdn.example.com").withAllowedNetworks("10.0.0.0/8")
                .withMaxBytes(1234).withConnectTimeout(Duration.ofMillis(100))
                .withTotalTimeout(Duration.ofMillis(200)).withMaxRedirects(0);

        assertThat(changed.enabled()).isTrue();
        assertThat(changed.allowedSchemes()).containsExactlyInAnyOrder("http", "https");
        assertThat(changed.allowedHosts()).containsExactlyInAnyOrder("images.example.com", "*.cdn.example.com");
        assertThat(changed.allowedNetworks()).extracting(Cidr::toString).containsExactly("10.0.0.0/8");
        assertThat(changed.maxBytes()).isEqualTo(1234);
        assertThat(changed.connectTimeout()).isEqualTo(Duration.ofMillis(100));
        assertThat(changed.totalTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(changed.maxRedirects()).isZero();
        assertThat(UriPolicy.DISABLED.enabled()).isFalse();
        assertThat(UriPolicy.DISABLED.allowedSchemes()).containsExactly("https");
    }

    @Test
    void itsCollectionsCannotBeChangedFromOutside() {
        UriPolicy policy = UriPolicy.DISABLED.withAllowedHosts("a.example.com");

        assertThatThrownBy(() -> policy.allowedHosts().add("evil.example.com"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> policy.allowedSchemes().add("http"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "ftp", "jar", "gopher", "data", "ws", "FILE"})
    void schemesOtherThanHttpAndHttpsAreRefusedEvenWhenListed(String scheme) {
        assertThatThrownBy(() -> UriPolicy.DISABLED.withAllowedSchemes("https", scheme))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("geoloc.uri.allowed-schemes")
                .hasMessageContaining("'" + scheme + "'")
                .hasMessageContaining("never fetched");
    }

    @Test
    void anEmptySchemeListIsRefusedWithTheSettingThatTurnsFetchingOff() {
        assertThatThrownBy(() -> UriPolicy.DISABLED.withAllowedSchemes(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("geoloc.uri.enabled=false");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Integer.MAX_VALUE})
    void maxBytesMustBePositiveAndFitAnArray(long value) {
        assertThatThrownBy(() -> UriPolicy.DISABLED.withMaxBytes(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("geoloc.uri.max-bytes");
    }

    @Test
    void timeoutsMustBePositive() {
        assertThatThrownBy(() -> UriPolicy.DISABLED.withConnectTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("geoloc.uri.connect-timeout");
        assertThatThrownBy(() -> UriPolicy.DISABLED.withTotalTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("geoloc.uri.total-timeout");
        assertThatThrownBy(() -> UriPolicy.DISABLED.withTotalTimeout(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("geoloc.uri.total-timeout");
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 21})
    void maxRedirectsMustBeBetweenZeroAndTwenty(int value) {
        assertThatThrownBy(() -> UriPolicy.DISABLED.withMaxRedirects(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("geoloc.uri.max-redirects");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "*", "*.", "a*.example.com", "*.*.example.com", "https://example.com",
            "example.com/path", "user@example.com", "exa mple.com", "-bad.example.com"})
    void hostEntriesMustBeNamesAddressesOrWildcardSuffixes(String entry) {
        assertThatThrownBy(() -> UriPolicy.DISABLED.withAllowedHosts(entry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("geoloc.uri.allowed-hosts");
    }

    @Test
    void hostMatchingIsExactOrBySubdomainAndIgnoresCase() {
        UriPolicy policy = UriPolicy.DISABLED.withAllowedHosts("images.example.com", "*.cdn.example.com",
                "[::1]");

        assertThat(policy.hostAllowed("IMAGES.example.com")).isTrue();
        assertThat(policy.hostAllowed("a.cdn.example.com")).isTrue();
        assertThat(policy.hostAllowed("a.b.CDN.example.com")).isTrue();
        assertThat(policy.hostAllowed("::1")).isTrue();
        assertThat(policy.hostAllowed("cdn.example.com")).as("the wildcard's apex").isFalse();
        assertThat(policy.hostAllowed("evilcdn.example.com")).isFalse();
        assertThat(policy.hostAllowed("images.example.com.evil.net")).isFalse();
        assertThat(policy.hostAllowed("example.com")).isFalse();
        assertThat(UriPolicy.DISABLED.hostAllowed("anything.example")).as("empty list: any host").isTrue();
    }

    @Test
    void cidrBlocksContainTheirAddressesOnly() throws Exception {
        Cidr v4 = Cidr.parse("10.0.0.0/8");
        Cidr v6 = Cidr.parse("fc00::/7");
        Cidr one = Cidr.parse("192.168.1.7");

        assertThat(v4.contains(InetAddress.getByName("10.255.0.1"))).isTrue();
        assertThat(v4.contains(InetAddress.getByName("11.0.0.0"))).isFalse();
        assertThat(v4.contains(InetAddress.getByName("::ffff:10.1.2.3"))).as("IPv4-mapped").isTrue();
        assertThat(v4.contains(InetAddress.getByName("fd00::1"))).isFalse();
        assertThat(v6.contains(InetAddress.getByName("fd12:3456::1"))).isTrue();
        assertThat(v6.contains(InetAddress.getByName("fe00::1"))).isFalse();
        assertThat(one.prefixLength()).isEqualTo(32);
        assertThat(one.contains(InetAddress.getByName("192.168.1.7"))).isTrue();
        assertThat(one.contains(InetAddress.getByName("192.168.1.8"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8"))).isTrue();
    }

    @Test
    void aBlockWithHostBitsSetIsRefusedWithTheBlockItProbablyMeant() {
        assertThatThrownBy(() -> Cidr.parse("10.1.2.3/8"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host bits")
                .hasMessageContaining("10.0.0.0/8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "fc00::/129", "10.0.0.0/", "10.0.0.0/-1", "intranet.example/24",
            "0177.0.0.1/32", "10.0.0/24", "10.0.0.256/32", "zz::/7", ""})
    void malformedBlocksAreRefusedWithoutLookingAnythingUp(String text) {
        assertThatThrownBy(() -> UriPolicy.DISABLED.withAllowedNetworks(text))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
