package dev.geoloc.registry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that keeps at most {@code capacity} entries, forgetting the least recently used first. The registry's
 * caches are keyed by what records name, and a stream may name any number of schema ids: unbounded, they would
 * be a leak a producer controls. Thread-safe.
 */
public final class BoundedCache<K, V> {

    private final Map<K, V> entries;

    public BoundedCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a cache needs room for at least one entry, got " + capacity);
        }
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized V get(K key) {
        return entries.get(key);
    }

    public synchronized void put(K key, V value) {
        entries.put(key, value);
    }

    public synchronized void putIfAbsent(K key, V value) {
        entries.putIfAbsent(key, value);
    }

    public synchronized int size() {
        return entries.size();
    }
}
