package dev.geoloc.regions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The regions a model classifies into, in label order: region {@code i} is the model's output {@code i}.
 * Immutable; build one with {@link CatalogReader}.
 */
public final class RegionCatalog {

    /** The study's 15 Los Angeles sub-regions, shipped with the library. */
    public static final String LOS_ANGELES_RESOURCE = "/dev/geoloc/regions/los-angeles.json";

    private final String city;
    private final String json;
    private final List<Region> regions;
    private final Map<String, Integer> indexById;
    private final double[][] distancesKm;
    private final String hash;

    RegionCatalog(String city, List<Region> regions, String json) {
        this.city = city;
        this.json = json;
        this.regions = List.copyOf(regions);
        this.indexById = new HashMap<>();
        for (int i = 0; i < this.regions.size(); i++) {
            indexById.put(this.regions.get(i).id(), i);
        }
        int n = this.regions.size();
        this.distancesKm = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                distancesKm[i][j] = Geodesy.haversineKm(this.regions.get(i).center(), this.regions.get(j).center());
            }
        }
        this.hash = computeHash(this.regions);
    }

    public static RegionCatalog losAngeles() {
        return CatalogReader.fromResource(LOS_ANGELES_RESOURCE);
    }

    public String city() {
        return city;
    }

    /** The JSON text this catalog was read from, to be stored beside a model verbatim. */
    public String json() {
        return json;
    }

    public List<Region> regions() {
        return regions;
    }

    public int size() {
        return regions.size();
    }

    public Region region(int index) {
        return regions.get(index);
    }

    /** Region ids in label order. */
    public List<String> ids() {
        return regions.stream().map(Region::id).toList();
    }

    public Optional<Region> byId(String id) {
        Integer index = indexById.get(id);
        return index == null ? Optional.empty() : Optional.of(regions.get(index));
    }

    /** @throws IllegalArgumentException for an id this catalog does not have */
    public int indexOf(String id) {
        Integer index = indexById.get(id);
        if (index == null) {
            throw new IllegalArgumentException("Region '" + id + "' is not in the " + city + " catalog " + ids());
        }
        return index;
    }

    public LatLon center(int index) {
        return regions.get(index).center();
    }

    /** Kilometres between the centers of regions {@code i} and {@code j}. */
    public double distanceKm(int i, int j) {
        return distancesKm[i][j];
    }

    /** The haversine distance matrix between region centers, a fresh copy. */
    public double[][] distanceMatrixKm() {
        double[][] copy = new double[distancesKm.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = distancesKm[i].clone();
        }
        return copy;
    }

    /** The region whose box holds the point, if any (boxes do not overlap, so at most one). */
    public Optional<Region> containing(LatLon point) {
        return regions.stream().filter(r -> r.contains(point)).findFirst();
    }

    /**
     * The region nearest to the point: the one whose box is closest (0 inside), ties broken by the
     * distance to the center.
     */
    public Region nearest(LatLon point) {
        Region best = null;
        double bestBox = Double.POSITIVE_INFINITY;
        double bestCenter = Double.POSITIVE_INFINITY;
        for (Region region : regions) {
            double box = region.bbox().distanceKm(point);
            double center = Geodesy.haversineKm(point, region.center());
            if (box < bestBox || (box == bestBox && center < bestCenter)) {
                best = region;
                bestBox = box;
                bestCenter = center;
            }
        }
        return best;
    }

    /**
     * A SHA-256 over what gives a model's outputs their meaning: the region ids, their order and their
     * boxes. Names, descriptions and sampling settings are left out, so editing a description keeps
     * models valid while moving a box or reordering regions does not.
     */
    public String hash() {
        return hash;
    }

    private static String computeHash(List<Region> regions) {
        StringBuilder canonical = new StringBuilder("geoloc-region-catalog/v1\n");
        for (Region region : regions) {
            BoundingBox box = region.bbox();
            canonical.append(String.format(Locale.ROOT, "%s|%.7f|%.7f|%.7f|%.7f\n",
                    region.id(), box.south(), box.west(), box.north(), box.east()));
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
