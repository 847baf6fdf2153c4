package dev.geoloc.imaging;

/** How an image of any aspect ratio becomes the model's square input. */
public enum ResizePolicy {
    /**
     * Resize the shorter side to the input size, then cut the centre square, as DINOv2's and CLIP's
     * evaluation transforms do: nothing is distorted, the edges of the longer side are lost.
     */
    CENTER_CROP,
    /** Resize each side to the input size, ignoring the aspect ratio: nothing is lost, shapes are distorted. */
    STRETCH
}
