package dev.geoloc.dataset.synth;

/**
 * Derives independent random seeds from a root seed and the identity of what is drawn (a region, a
 * location, a heading), so each image's randomness depends on what the image is, never on which thread
 * renders it or in which order.
 */
final class Seeds {

    private Seeds() {
    }

    /** A seed for the given parts under the root seed; any change to any part gives an unrelated seed. */
    static long derive(long root, long... parts) {
        long h = mix(root ^ 0x5DEECE66DL);
        for (long part : parts) {
            h = mix(h ^ mix(part + 0x9E3779B97F4A7C15L));
        }
        return h;
    }

    /** A 64-bit hash of a name (a region id), stable across runs and JVMs. */
    static long of(String name) {
        long h = 0x243F6A8885A308D3L;
        for (int i = 0; i < name.length(); i++) {
            h = mix(h ^ name.charAt(i));
        }
        return h;
    }

    /** The SplitMix64 finaliser: a bijection on 64 bits that spreads every input bit over the output. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
