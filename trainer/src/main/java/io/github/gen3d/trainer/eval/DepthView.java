package io.github.gen3d.trainer.eval;

import io.github.gen3d.render.PinholeCamera;

/**
 * One ground-truth depth image used to decide which surface samples are visible: a camera and a depth per pixel.
 * Depth is the camera-space z (distance along the view axis, {@link PinholeCamera#project}'s third component), row 0
 * at the top, pixel {@code (i, j)} at index {@code j·W + i}. A value that is 0, negative, NaN or infinite means
 * "empty" (no surface at that pixel).
 *
 * @param camera the camera (not null)
 * @param depth {@code width·height} depths (not null; held, not copied: do not modify while in use)
 */
public record DepthView(PinholeCamera camera, float[] depth) {
    /**
     * Validates the sizes.
     *
     * @throws IllegalArgumentException if an argument is null or the depth length is not {@code width·height}
     */
    public DepthView {
        if (camera == null || depth == null) {
            throw new IllegalArgumentException("camera and depth must not be null");
        }
        if (depth.length != camera.width() * camera.height()) {
            throw new IllegalArgumentException("depth has " + depth.length + " pixels, camera is " + camera.width()
                    + "x" + camera.height());
        }
    }
}
