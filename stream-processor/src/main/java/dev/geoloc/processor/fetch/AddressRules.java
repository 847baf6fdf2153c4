package dev.geoloc.processor.fetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Which addresses are internal or otherwise not for fetching, and how numeric hosts are read. Checks only. */
final class AddressRules {

    private static final Pattern CANONICAL_IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)"
            + "(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern NUMERIC_LABEL = Pattern.compile("\\d+|0[xX][0-9a-fA-F]*");

    private AddressRules() {
    }

    /**
     * What kind of special-use address {@code address} is, as a phrase ("a loopback address"), or empty for an
     * ordinary public address.
     */
    static Optional<String> specialUse(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 4) {
            return ipv4(a);
        }
        if (isMapped(a)) {
            return ipv4(embedded(a, 12)).map(kind -> "an IPv4-mapped IPv6 form of "
                    + dotted(embedded(a, 12)) + ", " + kind);
        }
        return ipv6(a);
    }

    /** The IPv4 address inside an IPv4-mapped IPv6 address, else the address itself. */
    static InetAddress unmapped(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16 && isMapped(a)) {
            return v4(embedded(a, 12));
        }
        return address;
    }

    /** How a host that may be written as an IPv4 number reads. */
    record Numeric(boolean canonical, Inet4Address value) {
    }

    /**
     * Reads {@code host} the way inet_aton and URL parsers do when its last label is a number: 1-4 parts, each
     * decimal, octal (leading 0) or hex (0x). Returns null when the host is a name; {@code value} is null when it
     * is meant as a number but is not a valid one. Only a.b.c.d in plain decimal is canonical, because other forms
     * are read differently by different parsers (Java reads 0177.0.0.1 as 177.0.0.1, glibc as 127.0.0.1).
     */
    static Numeric numericHost(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String[] parts = h.split("\\.", -1);
        if (parts.length == 0 || !NUMERIC_LABEL.matcher(parts[parts.length - 1]).matches()) {
            return null;
        }
        boolean canonical = h.length() == host.length() && CANONICAL_IPV4.matcher(h).matches();
        if (parts.length > 4) {
            return new Numeric(false, null);
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = number(parts[i]);
            if (values[i] < 0) {
                return new Numeric(false, null);
            }
        }
        long result = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 255) {
                return new Numeric(false, null);
            }
            result |= values[i] << (8 * (3 - i));
        }
        long last = values[parts.length - 1];
        if (last >= 1L << (8 * (5 - parts.length))) {
            return new Numeric(false, null);
        }
        result |= last;
        byte[] bytes = {(byte) (result >>> 24), (byte) (result >>> 16), (byte) (result >>> 8), (byte) result};
        return new Numeric(canonical, v4(bytes));
    }

    private static long number(String part) {
        try {
            if (part.startsWith("0x") || part.startsWith("0X")) {
                return part.length() == 2 ? 0 : part.length() > 10 ? -1 : Long.parseLong(part.substring(2), 16);
            }
            if (part.length() > 12 || part.isEmpty() || !part.chars().allMatch(Character::isDigit)) {
                return -1;
            }
            return part.length() > 1 && part.charAt(0) == '0' ? Long.parseLong(part, 8) : Long.parseLong(part);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Optional<String> ipv4(byte[] a) {
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        int b2 = a[2] & 0xff;
        int b3 = a[3] & 0xff;
        if (b0 == 0) {
            return Optional.of(b1 == 0 && b2 == 0 && b3 == 0
                    ? "the any-local address" : "a \"this network\" address (0.0.0.0/8)");
        }
        if (b0 == 127) {
            return Optional.of("a loopback address");
        }
        if (b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168)) {
            return Optional.of("a private address");
        }
        if (b0 == 100 && (b1 & 0xc0) == 64) {
            return Optional.of("a carrier-grade NAT address (100.64.0.0/10)");
        }
        if (b0 == 169 && b1 == 254) {
            return Optional.of(b2 == 169 && b3 == 254
                    ? "a link-local address (the cloud metadata service)" : "a link-local address");
        }
        if (b0 == 192 && b1 == 0 && b2 == 0) {
            return Optional.of("a reserved address (192.0.0.0/24)");
        }
        if (b0 == 198 && (b1 & 0xfe) == 18) {
            return Optional.of("a benchmarking address (198.18.0.0/15)");
        }
        if ((b0 & 0xf0) == 224) {
            return Optional.of("a multicast address");
        }
        if (b0 == 255 && b1 == 255 && b2 == 255 && b3 == 255) {
            return Optional.of("the broadcast address");
        }
        if ((b0 & 0xf0) == 240) {
            return Optional.of("a reserved address (240.0.0.0/4)");
        }
        return Optional.empty();
    }

    private static Optional<String> ipv6(byte[] a) {
        boolean first12Zero = true;
        for (int i = 0; i < 12; i++) {
            first12Zero &= a[i] == 0;
        }
        if (first12Zero) {
            boolean restZero = a[12] == 0 && a[13] == 0 && a[14] == 0;
            if (restZero && a[15] == 0) {
                return Optional.of("the any-local address");
            }
            if (restZero && a[15] == 1) {
                return Optional.of("a loopback address");
            }
            return Optional.of("a deprecated IPv4-compatible IPv6 address (::/96)");
        }
        int w0 = ((a[0] & 0xff) << 8) | (a[1] & 0xff);
        // Well-known NAT64 and 6to4 prefixes carry an IPv4 address that a gateway will connect to.
        if (w0 == 0x0064 && a[2] == (byte) 0xff && a[3] == (byte) 0x9b && zero(a, 4, 12)) {
            return ipv4(embedded(a, 12)).map(kind -> "a NAT64 form of " + dotted(embedded(a, 12)) + ", " + kind);
        }
        if (w0 == 0x2002) {
            return ipv4(embedded(a, 2)).map(kind -> "a 6to4 form of " + dotted(embedded(a, 2)) + ", " + kind);
        }
        if ((a[0] & 0xff) == 0xff) {
            return Optional.of("a multicast address");
        }
        if ((w0 & 0xffc0) == 0xfe80) {
            return Optional.of("a link-local address");
        }
        if ((w0 & 0xffc0) == 0xfec0) {
            return Optional.of("a site-local address (fec0::/10)");
        }
        if ((a[0] & 0xfe) == 0xfc) {
            return Optional.of("a unique-local address (fc00::/7)");
        }
        return Optional.empty();
    }

    private static boolean isMapped(byte[] a) {
        return a.length == 16 && zero(a, 0, 10) && a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    private static boolean zero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] embedded(byte[] a, int offset) {
        return new byte[] {a[offset], a[offset + 1], a[offset + 2], a[offset + 3]};
    }

    static String dotted(byte[] a) {
        return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
    }

    private static Inet4Address v4(byte[] bytes) {
        try {
            return (Inet4Address) InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An address as people write it: IPv6 without scope, IPv4 dotted. */
    static String text(InetAddress address) {
        if (address instanceof Inet6Address) {
            String s = address.getHostAddress();
            int pct = s.indexOf('%');
            return pct < 0 ? s : s.substring(0, pct);
        }
        return address.getHostAddress();
    }
}
