package dev.geoloc.regions;

import java.util.List;

/**
 * One sub-region of a city, as the study's catalog describes it: where it is, and how the Street View
 * collector samples it.
 *
 * @param id          stable label, used in manifests, bundles and predictions (lower case, digits, {@code _})
 * @param sampling    how many points to take on a grid inside the box, and which headings to photograph
 * @param output      where the collector writes this region's images
 * @param validation  how the collector checks a point: a panorama within {@code radiusMetres}, at most
 *                    {@code maxAttempts} metadata lookups for the region
 */
public record Region(String id, String name, String description, BoundingBox bbox,
                     Sampling sampling, Output output, Validation validation) {

    public LatLon center() {
        return bbox.center();
    }

    public boolean contains(LatLon point) {
        return bbox.contains(point);
    }

    public record Sampling(int numSamples, String method, List<Integer> headings) {
        public Sampling {
            headings = List.copyOf(headings);
        }
    }

    public record Output(String directory, String prefix) {
    }

    public record Validation(boolean enabled, double radiusMetres, int maxAttempts) {
    }
}
