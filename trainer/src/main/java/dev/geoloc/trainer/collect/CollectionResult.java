package dev.geoloc.trainer.collect;

import java.nio.file.Path;
import java.util.List;

/**
 * The end of a run.
 *
 * @param manifest             the manifest written, covering every complete panorama in the output directory
 * @param manifestImages       rows in it
 * @param incompletePanoramas  accepted panoramas (of regions not collected in this run) whose images are still
 *                             missing: left out of the manifest until a run of their region finishes them
 */
public record CollectionResult(List<RegionReport> regions, Path manifest, int manifestImages, int incompletePanoramas) {

    public CollectionResult {
        regions = List.copyOf(regions);
    }
}
