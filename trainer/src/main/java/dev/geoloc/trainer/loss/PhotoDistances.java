package dev.geoloc.trainer.loss;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.Region;
import dev.geoloc.regions.RegionCatalog;

/**
 * Haversine kilometres from each photo's true coordinates to every region center (or cell centre), on NDArrays:
 * the formula of {@link Geodesy#haversineKm}, broadcast from B points to C centers.
 */
final class PhotoDistances implements TruthDistances {

    private final int numRegions;
    private final double[] centerLatitudesRad;
    private final double[] centerLongitudesRad;

    PhotoDistances(RegionCatalog catalog) {
        this(catalog.regions().stream().map(Region::center).toList());
    }

    PhotoDistances(List<LatLon> centers) {
        numRegions = centers.size();
        centerLatitudesRad = new double[numRegions];
        centerLongitudesRad = new double[numRegions];
        for (int j = 0; j < numRegions; j++) {
            centerLatitudesRad[j] = Math.toRadians(centers.get(j).latitude());
            centerLongitudesRad[j] = Math.toRadians(centers.get(j).longitude());
        }
    }

    @Override
    public NDArray kilometres(Batch batch) {
        return kilometres(batch.coordinates());
    }

    /** From photos' (latitude, longitude) in degrees, [B, 2], to [B, C] kilometres, on the photos' device. */
    NDArray kilometres(NDArray coordinates) {
        // float64: in float32 a latitude near 34° is rounded by up to ~0.2 m, and the differences below would carry
        // that into every distance. The points are constants to the loss, so the precision costs no autograd work.
        NDArray points = coordinates.toType(DataType.FLOAT64, false).toRadians();
        NDArray latitudes = points.get(":, 0:1");
        NDArray longitudes = points.get(":, 1:2");
        Shape row = new Shape(1, numRegions);
        NDArray centerLatitudes = coordinates.getManager().create(centerLatitudesRad, row).toDevice(coordinates.getDevice(), false);
        NDArray centerLongitudes = coordinates.getManager().create(centerLongitudesRad, row).toDevice(coordinates.getDevice(), false);

        NDArray h = halfSineSquared(centerLatitudes.sub(latitudes))
                .add(latitudes.cos().mul(centerLatitudes.cos()).mul(halfSineSquared(centerLongitudes.sub(longitudes))));
        // Rounding can push h a hair past 1 for antipodal points, where asin would give NaN.
        return h.clip(0, 1).sqrt().asin().mul(2 * Geodesy.EARTH_RADIUS_KM).toType(DataType.FLOAT32, false);
    }

    private static NDArray halfSineSquared(NDArray angle) {
        return angle.div(2).sin().square();
    }
}
