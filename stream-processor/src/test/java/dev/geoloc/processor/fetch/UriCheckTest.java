package dev.geoloc.processor.fetch;

import static dev.geoloc.processor.fetch.FetchException.Failure.URI_NOT_ALLOWED;
import static dev.geoloc.processor.fetch.FetchException.Failure.URI_UNREACHABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The checks made before any connection, run through {@link ImageFetcher#check}, which never connects, and test
 * resolvers that never query DNS: none of these URIs is ever contacted.
 */
class UriCheckTest {

    private static final UriPolicy ON = UriPolicy.DISABLED.withEnabled(true).withAllowedSchemes("http", "https");

    private ImageFetcher fetcher;

    @AfterEach
    void close() {
        if (fetcher != null) {
            fetcher.close();
        }
    }

    private FetchException refusal(UriPolicy policy, String uri) {
        fetcher = new ImageFetcher(policy, Resolvers.literalsOnly());
        return catchThrowableOfType(FetchException.class, () -> fetcher.check(uri));
    }

    @Test
    void whenFetchingIsOffEveryUriIsRefusedNamingTheSettingThatTurnsItOn() {
        fetcher = new ImageFetcher(UriPolicy.DISABLED, Resolvers.literalsOnly());

        FetchException checked = catchThrowableOfType(FetchException.class,
                () -> fetcher.check("https://images.example.com/a.jpg?sig=s3cret"));
        FetchException fetched = catchThrowableOfType(FetchException.class,
                () -> fetcher.fetch("https://images.example.com/a.jpg?sig=s3cret"));

        for (FetchException e : new FetchException[] {checked, fetched}) {
            assertThat(e.failure()).isEqualTo(URI_NOT_ALLOWED);
            assertThat(e.getMessage()).contains("https://images.example.com/a.jpg", "off",
                    "geoloc.uri.enabled=true").doesNotContain("s3cret");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "ftp://images.example.com/a.jpg",
            "jar:file:/tmp/a.jar!/a.jpg", "gopher://images.example.com/", "data:image/png;base64,iVBORw0KGgo="})
    void schemesOtherThanHttpAndHttpsAreNeverFetched(String uri) {
        FetchException e = refusal(ON, uri);

        assertThat(e.failure()).isEqualTo(URI_NOT_ALLOWED);
        assertThat(e.getMessage()).contains("uses scheme " + URI.create(uri).getScheme(), "never fetched");
    }

    @Test
    void httpIsRefusedWhenOnlyHttpsIsAllowed() {
        FetchException e = refusal(UriPolicy.DISABLED.withEnabled(true), "http://images.example.com/a.jpg");

        assertThat(e.failure()).isEqualTo(URI_NOT_ALLOWED);
        assertThat(e.getMessage()).isEqualTo("http://images.example.com/a.jpg uses scheme http, which is not "
                + "allowed; add it to geoloc.uri.allowed-schemes (now https)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example.net/a.jpg", "https://example.com/a.jpg",
            "https://cdn.example.com/a.jpg", "https://images.example.com.evil.net/a.jpg",
            "https://evilcdn.example.com/a.jpg"})
    void hostsOutsideTheAllowListAreRefusedBeforeAnyLookup(String uri) {
        UriPolicy policy = ON.withAllowedHosts("images.example.com", "*.cdn.example.com");

        FetchException e = refusal(policy, uri);

        assertThat(e.failure()).isEqualTo(URI_NOT_ALLOWED);
        assertThat(e.getMessage()).contains("host " + URI.create(uri).getHost() + " is not in "
                + "geoloc.uri.allowed-hosts (*.cdn.example.com,images.example.com)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://IMAGES.example.com/a.jpg", "https://images.example.com./a.jpg",
            "https://a.cdn.example.com/a.jpg", "https://a.b.cdn.example.com/a.jpg#frag"})
    void hostsInTheAllowListPassWhenTheyResolvePublic(String uri) throws Exception {
        UriPolicy policy = ON.withAllowedHosts("images.example.com", "*.cdn.example.com");
        String host = URI.create(uri).getHost();
        fetcher = new ImageFetcher(policy, Resolvers.pretend(Map.of(host.toLowerCase(), new String[] {"93.184.216.34"})));

        URI checked = fetcher.check(uri);

        assertThat(checked.getHost()).isEqualTo(host);
        assertThat(checked.getFragment()).as("fragments are not sent").isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://alice:hunter2@images.example.com/a.jpg",
            "https://alice@images.example.com/a.jpg", "https://alice:hunter2@10.0.0.1/a.jpg",
            "https://:hunter2@0x7f.1/a.jpg"})
    void userinfoIsRefusedAndNotRepeated(String uri) {
        FetchException e = refusal(ON, uri);

        assertThat(e.failure()).isEqualTo(URI_NOT_ALLOWED);
        assertThat(e.getMessage()).contains("carries userinfo").doesNotContain("hunter2").doesNotContain("alice");
    }

    @Test
    void aLoopbackAddressIsRefusedWithWhatItIsAndTheSettingThatAllowsIt() {
        FetchException e = refusal(ON, "http://127.0.0.1:8080/a.jpg?token=s3cret");

        assertThat(e.failure()).isEqualTo(URI_NOT_ALLOWED);
        assertThat(e.getMessage()).isEqualTo("http://127.0.0.1:8080/a.jpg resolves to 127.0.0.1, a loopback "
                + "address; allow it with geoloc.uri.allowed-networks");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.1                   | a private address
            172.16.5.4                 | a private address
            172.31.255.255             | a private address
            192.168.1.1                | a private address
            169.254.169.254            | a link-local address (the cloud metadata service)
            169.254.1.1                | a link-local address
            100.64.0.1                 | a carrier-grade NAT address
            100.127.255.254            | a carrier-grade NAT address
            127.0.0.1                  | a loopback address
            127.255.0.9                | a loopback address
            0.0.0.0                    | the any-local address
            0.1.2.3                    | "this network"
            224.0.0.1                  | a multicast address
            239.255.255.250            | a multicast address
            255.255.255.255            | the broadcast address
            240.0.0.1                  | a reserved address
            [::1]                      | a loopback address
            [::]                       | the any-local address
            [fc00::1]                  | a unique-local address
            [fd00:ec2::254]            | a unique-local address
            [fe80::1]                  | a link-local address
            [fec0::1]                  | a site-local address
            [ff02::1]                  | a multicast address
            [::ffff:7f00:1]            | a loopback address
            [::ffff:10.0.0.1]          | a private address
            [::ffff:169.254.169.254]   | the cloud metadata service
            [::10.0.0.1]               | a deprecated IPv4-compatible IPv6 address
            [64:ff9b::a9fe:a9fe]       | a NAT64 form of 169.254.169.254, a link-local address
            [2002:a00:1::]             | a 6to4 form of 10.0.0.1, a private address
            """)
    void internalAndSpecialAddressesAreRefusedWithoutConnecting(String host, String kind) {
        FetchException e = refusal(ON, "https://" + host + "/a.jpg");

        assertThat(e.failure()).isEqualTo(URI_NOT_ALLOWED);
        assertThat(e.getMessage()).contains(" resolves to ", kind, "allow it with geoloc.uri.allowed-networks");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            2130706433         | 127.0.0.1
            0x7f000001         | 127.0.0.1
            017700000001       | 127.0.0.1
            0177.0.0.1         | 127.0.0.1
            0x7f.0.0.1         | 127.0.0.1
            127.1              | 127.0.0.1
            0x7f.1             | 127.0.0.1
            127.0.0.1.         | 127.0.0.1
            0xa9fea9fe         | 169.254.169.254
            2852039166         | 169.254.169.254
            012.0.0.1          | 10.0.0.1
            192.168.257        | 192.168.1.1
            """)
    void numericTricksAreRefusedNamingTheAddressTheyMean(String host, String meant) {
        FetchException e = refusal(ON, "http://" + host + "/a.jpg");

        assertThat(e.failure()).isEqualTo(URI_NOT_ALLOWED);
        assertThat(e.getMessage()).contains("writes the IPv4 address " + meant + " as " + host.toLowerCase(),
                "only the plain a.b.c.d form", meant + " is a");
    }

    @Test
    void aPublicAddressInANumericDisguiseIsRefusedToo() {
        FetchException e = refusal(ON, "http://134744072/a.jpg");

        assertThat(e.failure()).isEqualTo(URI_NOT_ALLOWED);
        assertThat(e.getMessage()).contains("writes the IPv4 address 8.8.8.8 as 134744072");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://1.2.3.999/a.jpg", "http://1.2.3.4.5/a.jpg", "http://images.0x1f/a.jpg",
            "http://intranet.08/a.jpg"})
    void hostsEndingInANumberThatIsNoAddressAreRefused(String uri) {
        FetchException e = refusal(ON, uri);

        assertThat(e.failure()).isEqualTo(URI_NOT_ALLOWED);
        assertThat(e.getMessage()).contains("neither a host name nor an IPv4 address");
    }

    @Test
    void anIpv4MappedIpv6AddressIsJudgedByItsIpv4Address() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 169, (byte) 254,
                (byte) 169, (byte) 254};
        // Inet6Address keeps the IPv6 form, as a resolver may hand it over; InetAddress would unmap it.
        InetAddress address = Inet6Address.getByAddress(null, mapped, -1);

        assertThat(address).isInstanceOf(Inet6Address.class);
        assertThat(ON.whyRefused(address)).contains(
                "an IPv4-mapped IPv6 form of 169.254.169.254, a link-local address (the cloud metadata service)");
        assertThat(ON.withAllowedNetworks("169.254.0.0/16").whyRefused(address)).isEmpty();
    }

    @Test
    void aHostWithOnePublicAndOnePrivateAddressIsRefused() {
        fetcher = new ImageFetcher(ON, Resolvers.pretend(Map.of("mixed.example.com",
                new String[] {"93.184.216.34", "10.0.0.5"})));

        FetchException e = catchThrowableOfType(FetchException.class,
                () -> fetcher.check("https://mixed.example.com/a.jpg"));

        assertThat(e.failure()).isEqualTo(URI_NOT_ALLOWED);
        assertThat(e.getMessage()).isEqualTo("https://mixed.example.com/a.jpg resolves to 10.0.0.5 (one of "
                + "93.184.216.34, 10.0.0.5), a private address; allow it with geoloc.uri.allowed-networks");
    }

    @Test
    void aHostThatResolvesToNothingIsUnreachable() {
        fetcher = new ImageFetcher(ON, Resolvers.pretend(Map.of()));

        FetchException e = catchThrowableOfType(FetchException.class,
                () -> fetcher.check("https://gone.example.com/a.jpg"));

        assertThat(e.failure()).isEqualTo(URI_UNREACHABLE);
        assertThat(e.getMessage()).contains("host gone.example.com does not resolve");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://8.8.8.8/a.jpg", "https://[2001:4860:4860::8888]/a.jpg",
            "https://93.184.216.34:8443/img/a.jpg?x=1"})
    void publicAddressesPassTheCheck(String uri) throws Exception {
        fetcher = new ImageFetcher(ON, Resolvers.literalsOnly());

        assertThat(fetcher.check(uri)).isEqualTo(URI.create(uri));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.0/8     | https://10.1.2.3/a.jpg
            10.0.0.0/8     | https://[::ffff:10.1.2.3]/a.jpg
            fd00::/8       | https://[fd12::1]/a.jpg
            127.0.0.0/8    | http://127.0.0.1:8080/a.jpg
            169.254.0.0/16 | http://169.254.169.254/latest/meta-data
            """)
    void allowedNetworksOpenTheirBlockOnly(String network, String uri) throws Exception {
        fetcher = new ImageFetcher(ON.withAllowedNetworks(network), Resolvers.literalsOnly());

        assertThat(fetcher.check(uri).getPath()).isEqualTo(URI.create(uri).getPath());
        assertThat(catchThrowableOfType(FetchException.class, () -> fetcher.check("https://192.168.1.1/a.jpg"))
                .failure()).isEqualTo(URI_NOT_ALLOWED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://alice:hunter2@images.example.com/a b.jpg?token=s3cret", "", "/a.jpg",
            "images.example.com/a.jpg", "https:opaque", "https:///a.jpg", "https://[fe80::1%25eth0]/a.jpg"})
    void malformedUrisAreRefusedWithoutRepeatingSecrets(String uri) {
        FetchException e = refusal(ON, uri);

        assertThat(e.failure()).isEqualTo(URI_NOT_ALLOWED);
        assertThat(e.getMessage()).isNotBlank().doesNotContain("s3cret").doesNotContain("hunter2");
    }
}
