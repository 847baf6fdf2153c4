package dev.geoloc.processor.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/** Resolvers for tests: none of them sends a DNS query, so no test reaches beyond loopback. */
final class Resolvers {

    private Resolvers() {
    }

    /** Parses IP literals (which InetAddress does without a lookup) and fails the test on any name. */
    static ImageFetcher.Resolver literalsOnly() {
        return host -> {
            if (host.matches("[0-9.]+") || host.indexOf(':') >= 0) {
                return InetAddress.getAllByName(host);
            }
            throw new AssertionError("the test tried a DNS lookup of " + host);
        };
    }

    /** A pretend DNS: each name maps to IP literals. */
    static ImageFetcher.Resolver pretend(Map<String, String[]> records) {
        return host -> {
            String[] literals = records.get(host);
            if (literals == null) {
                throw new UnknownHostException(host);
            }
            InetAddress[] addresses = new InetAddress[literals.length];
            for (int i = 0; i < literals.length; i++) {
                addresses[i] = InetAddress.getByName(literals[i]);
            }
            return addresses;
        };
    }
}
