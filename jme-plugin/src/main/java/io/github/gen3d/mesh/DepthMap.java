package io.github.gen3d.mesh;

import com.jme3.math.Matrix4f;
import com.jme3.math.Vector3f;
import io.github.gen3d.render.PinholeCamera;

/**
 * One depth image to fuse: a pinhole camera, a depth per pixel measured along the camera's view axis (not along the
 * ray), and an optional straight (not premultiplied) linear RGB colour per pixel. Row 0 is the top row and pixel
 * {@code (i, j)} has its centre at {@code (i + 0.5, j + 0.5)}, as in {@code docs/rendering.md}.
 *
 * <p>Depth encoding: a finite positive value is a surface; {@link Float#POSITIVE_INFINITY} is background seen through
 * (free space all along the ray: fusion carves it); zero, negative or NaN means "no information" (ignored).
 */
public final class DepthMap {
    final int width;
    final int height;
    final float[] depth;
    final float[] rgb;
    /** World → RDF (x right, y down, z forward) rotation, row-major. */
    final double[] rot = new double[9];
    final double px, py, pz, fx, fy, cx, cy, near, far;

    /**
     * Wraps the arrays (not copied; do not change them while fusing).
     *
     * @param camera the camera (not null)
     * @param depth {@code width*height} depths, row 0 at top (not null)
     * @param rgb {@code 3*width*height} straight linear RGB in [0,1] (null → grey)
     * @throws IllegalArgumentException on mismatched sizes
     */
    public DepthMap(PinholeCamera camera, float[] depth, float[] rgb) {
        if (camera == null || depth == null) {
            throw new IllegalArgumentException("camera and depth are required");
        }
        width = camera.width();
        height = camera.height();
        if (depth.length != width * height) {
            throw new IllegalArgumentException("depth has " + depth.length + " pixels, camera " + width + "x" + height);
        }
        if (rgb != null && rgb.length != 3 * depth.length) {
            throw new IllegalArgumentException("rgb length " + rgb.length + " != 3 * " + depth.length);
        }
        this.depth = depth;
        this.rgb = rgb;
        Matrix4f view = camera.viewMatrix(); // rows: right, up, back = RDF rows 0, −1, −2
        for (int j = 0; j < 3; j++) {
            rot[j] = view.get(0, j);
            rot[3 + j] = -view.get(1, j);
            rot[6 + j] = -view.get(2, j);
        }
        Vector3f loc = camera.location();
        px = loc.x;
        py = loc.y;
        pz = loc.z;
        fx = camera.fx();
        fy = camera.fy();
        cx = camera.cx();
        cy = camera.cy();
        near = camera.near();
        far = camera.far();
    }

    /** @return width in pixels */
    public int width() {
        return width;
    }

    /** @return height in pixels */
    public int height() {
        return height;
    }

    /** @return the depths, row 0 at top (live array: not null) */
    public float[] depth() {
        return depth;
    }

    /** @return straight RGB per pixel (live array; may be null) */
    public float[] rgb() {
        return rgb;
    }
}
