package dev.geoloc.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The registry's caches keep the entries used last, and no more than their capacity. */
class BoundedCacheTest {

    @Test
    void theLeastRecentlyUsedEntryGoesFirst() {
        BoundedCache<Integer, String> cache = new BoundedCache<>(2);
        cache.put(1, "one");
        cache.put(2, "two");
        assertThat(cache.get(1)).isEqualTo("one"); // 1 used after 2

        cache.put(3, "three");

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get(2)).isNull();
        assertThat(cache.get(1)).isEqualTo("one");
        assertThat(cache.get(3)).isEqualTo("three");
        cache.putIfAbsent(3, "other");
        assertThat(cache.get(3)).isEqualTo("three");
    }
}
