package dev.geoloc.trainer.collect;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.geoloc.regions.LatLon;

/**
 * One metadata lookup and its outcome: a line of the collection journal. For an accepted panorama it also
 * names the image files to download, so that a resumed run finishes exactly those files.
 *
 * @param candidate the sampled point that was looked up
 * @param panoId    the panorama found, or null when there was none
 * @param panorama  the panorama's true position, or null when there was none
 * @param date      the capture date ({@code 2019-05}), or null when unknown
 * @param images    for {@link Outcome#ACCEPTED}, the image files, one per heading; otherwise empty
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Attempt(String region, LatLon candidate, Outcome outcome, String panoId, LatLon panorama, String date,
                      List<ImageFile> images) {

    public Attempt {
        images = images == null ? List.of() : List.copyOf(images);
    }

    /** An image of an accepted panorama: its heading and its path relative to the output directory. */
    public record ImageFile(int heading, String file) {
    }
}
