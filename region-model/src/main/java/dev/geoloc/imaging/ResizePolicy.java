package dev.geoloc.imaging;

/** How an image of any shape becomes the model's square input. */
public enum ResizePolicy {
    /** Resize the shorter side to the input size, then cut the centre square, as DINOv2 and CLIP do. */
    CENTER_CROP,
    /** Resize both sides to the input size, ignoring the aspect ratio. */
    STRETCH
}
