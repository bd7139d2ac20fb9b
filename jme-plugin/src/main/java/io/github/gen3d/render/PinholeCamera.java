package io.github.gen3d.render;

import com.jme3.math.Matrix4f;
import com.jme3.math.Quaternion;
import com.jme3.math.Vector3f;
import com.jme3.renderer.Camera;

/**
 * An immutable pinhole camera for the CPU splat rasterizer: image size, intrinsics and a world → view transform in
 * jME's convention (the camera looks down its view-space −Z with +Y up).
 *
 * <h2>Conventions (see {@code docs/rendering.md})</h2>
 * <ul>
 * <li>Orientation: the same quaternion a jME {@link Camera} holds; its rotation columns are the camera's
 * <i>left</i>, <i>up</i> and <i>direction</i> (the way it looks) in world space.</li>
 * <li>Projection space: "RDF", {@code c = (x_v, −y_v, −z_v)} for a point {@code (x_v, y_v, z_v)} in jME view space,
 * so {@code c.z > 0} in front of the camera and {@code c.z} is the depth along the view axis.</li>
 * <li>Image: {@code u = fx·c.x/c.z + cx}, {@code v = fy·c.y/c.z + cy}; pixel {@code (i, j)} has its centre at
 * {@code (i + 0.5, j + 0.5)} and row {@code j = 0} is the <b>top</b> row.</li>
 * </ul>
 *
 * <p>Example: {@code PinholeCamera cam = PinholeCamera.orbit(Vector3f.ZERO, 2.5f, 30, 15, 45, 256, 256);}
 *
 * <p>Instances are immutable and thread-safe; every method that returns a jME math object returns a new one.
 */
public final class PinholeCamera {
    /** Near plane used by the factories that take none. */
    public static final float DEFAULT_NEAR = 0.2f;
    /** Far plane used by the factories that take none (the rasterizer does not cull by it). */
    public static final float DEFAULT_FAR = 1000f;

    private final int width;
    private final int height;
    private final float fx;
    private final float fy;
    private final float cx;
    private final float cy;
    private final float near;
    private final float far;
    private final Vector3f location;
    private final Quaternion rotation;
    /** World → RDF camera rotation, row-major: rows are the camera's right, down and forward axes. */
    private final double[] rdf;
    private final double px;
    private final double py;
    private final double pz;

    private PinholeCamera(int width, int height, float fx, float fy, float cx, float cy, Vector3f location,
            Quaternion rotation, float near, float far) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be at least 1x1, got " + width + "x" + height);
        }
        if ((long) width * height * 3 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("image too large: " + width + "x" + height);
        }
        if (!(fx > 0) || !(fy > 0) || !Float.isFinite(fx) || !Float.isFinite(fy)) {
            throw new IllegalArgumentException("focal lengths must be finite and > 0, got fx=" + fx + " fy=" + fy);
        }
        if (!Float.isFinite(cx) || !Float.isFinite(cy)) {
            throw new IllegalArgumentException("principal point must be finite, got " + cx + ", " + cy);
        }
        if (!(near > 0) || !Float.isFinite(near) || !(far > near)) {
            throw new IllegalArgumentException("need 0 < near < far, got near=" + near + " far=" + far);
        }
        if (location == null || !Vector3f.isValidVector(location)) {
            throw new IllegalArgumentException("camera location must be finite, got " + location);
        }
        if (rotation == null) {
            throw new IllegalArgumentException("camera rotation is null");
        }
        double qw = rotation.getW(), qx = rotation.getX(), qy = rotation.getY(), qz = rotation.getZ();
        double n = Math.sqrt(qw * qw + qx * qx + qy * qy + qz * qz);
        if (!(n > 1e-12) || !Double.isFinite(n)) {
            throw new IllegalArgumentException("camera rotation must be a non-zero finite quaternion, got " + rotation);
        }
        this.width = width;
        this.height = height;
        this.fx = fx;
        this.fy = fy;
        this.cx = cx;
        this.cy = cy;
        this.near = near;
        this.far = far;
        this.location = location.clone();
        this.rotation = new Quaternion((float) (qx / n), (float) (qy / n), (float) (qz / n), (float) (qw / n));
        double[] m = Transforms.quaternionToMatrix(qw / n, qx / n, qy / n, qz / n);
        // jME camera rotation columns: left, up, direction. RDF rows: right = −left, down = −up, forward = direction.
        this.rdf = new double[] {-m[0], -m[3], -m[6], -m[1], -m[4], -m[7], m[2], m[5], m[8]};
        this.px = location.x;
        this.py = location.y;
        this.pz = location.z;
    }

    /**
     * A camera from explicit intrinsics and pose.
     *
     * @param width image width in pixels (≥ 1)
     * @param height image height in pixels (≥ 1)
     * @param fx horizontal focal length in pixels (&gt; 0)
     * @param fy vertical focal length in pixels (&gt; 0)
     * @param cx principal point x in pixels (image centre is {@code width/2})
     * @param cy principal point y in pixels, measured from the top (image centre is {@code height/2})
     * @param location camera position in world space (not null, unaffected)
     * @param rotation camera orientation as in {@link Camera#setRotation} (not null, unaffected; normalised here)
     * @param near near plane (&gt; 0): splats closer than this along the view axis are culled
     * @param far far plane (&gt; near); only used by {@link #toJme()}
     * @return a new camera
     * @throws IllegalArgumentException if any value is out of range or not finite
     */
    public static PinholeCamera of(int width, int height, float fx, float fy, float cx, float cy, Vector3f location,
            Quaternion rotation, float near, float far) {
        return new PinholeCamera(width, height, fx, fy, cx, cy, location, rotation, near, far);
    }

    /**
     * Copies a jME camera: its width and height, frustum, location and rotation. For the usual symmetric frustum
     * ({@code setFrustumPerspective}) this gives {@code fy = H / (2 tan(fovY/2))} with
     * {@code tan(fovY/2) = frustumTop / frustumNear}, {@code fx = fy·aspectCorrection} (equal to {@code fy} when the
     * frustum's aspect is {@code W/H}) and the principal point at the image centre. Off-centre frusta map to an
     * off-centre principal point. The camera's view-port fractions are ignored: the image covers the whole
     * {@code width × height}.
     *
     * @param cam the jME camera (not null, unaffected); must use a perspective projection
     * @return a new camera
     * @throws IllegalArgumentException for a parallel projection or a degenerate frustum
     */
    public static PinholeCamera fromJme(Camera cam) {
        if (cam == null) {
            throw new IllegalArgumentException("camera is null");
        }
        if (cam.isParallelProjection()) {
            throw new IllegalArgumentException("parallel projection cameras are not supported");
        }
        float n = cam.getFrustumNear();
        float l = cam.getFrustumLeft(), r = cam.getFrustumRight(), t = cam.getFrustumTop(),
                b = cam.getFrustumBottom();
        if (!(r > l) || !(t > b) || !(n > 0)) {
            throw new IllegalArgumentException("degenerate frustum: near=" + n + " left=" + l + " right=" + r
                    + " top=" + t + " bottom=" + b);
        }
        int w = cam.getWidth(), h = cam.getHeight();
        // glFrustum: x_ndc = 2n/(r−l)·(c.x/c.z) − (r+l)/(r−l); u = (x_ndc+1)/2·W  →  fx = W n/(r−l), cx = −W l/(r−l)
        // jME screen y is bottom-up; v = H − (y_ndc+1)/2·H with c.y = −y_v  →  fy = H n/(t−b), cy = H t/(t−b)
        double fxd = (double) w * n / ((double) r - l);
        double fyd = (double) h * n / ((double) t - b);
        double cxd = -(double) w * l / ((double) r - l);
        double cyd = (double) h * t / ((double) t - b);
        return new PinholeCamera(w, h, (float) fxd, (float) fyd, (float) cxd, (float) cyd, cam.getLocation(),
                cam.getRotation(), n, cam.getFrustumFar());
    }

    /**
     * A new jME camera configured identically: size, frustum ({@code setFrustumPerspective} when the camera is
     * centred with square pixels, otherwise {@code setFrustum}), location and rotation.
     *
     * @return a new camera
     */
    public Camera toJme() {
        Camera cam = new Camera(width, height);
        boolean centred = Math.abs(cx - width * 0.5f) <= 1e-4f * width && Math.abs(cy - height * 0.5f) <= 1e-4f * height
                && Math.abs(fx - fy) <= 1e-6f * fy;
        if (centred) {
            cam.setFrustumPerspective(fovYDegrees(), (float) width / height, near, far);
        } else {
            float left = -cx * near / fx, right = (width - cx) * near / fx;
            float top = cy * near / fy, bottom = -(height - cy) * near / fy;
            cam.setFrustum(near, far, left, right, top, bottom);
        }
        cam.setParallelProjection(false);
        cam.setLocation(location.clone());
        cam.setRotation(rotation.clone());
        return cam;
    }

    /**
     * A camera at {@code eye} looking at {@code target}, with a centred principal point and square pixels
     * ({@code fx = fy = height / (2 tan(fovY/2))}), near {@value #DEFAULT_NEAR}, far {@value #DEFAULT_FAR}.
     *
     * @param eye camera position (not null, unaffected)
     * @param target point to look at (not null, unaffected; must differ from {@code eye})
     * @param up approximate world up, e.g. {@link Vector3f#UNIT_Y} (not null, unaffected; not parallel to the view
     *     direction)
     * @param fovYDegrees vertical field of view in degrees, in (0, 180)
     * @param width image width (≥ 1)
     * @param height image height (≥ 1)
     * @return a new camera
     * @throws IllegalArgumentException on degenerate input
     */
    public static PinholeCamera lookAt(Vector3f eye, Vector3f target, Vector3f up, float fovYDegrees, int width,
            int height) {
        if (eye == null || target == null || up == null) {
            throw new IllegalArgumentException("eye, target and up must not be null");
        }
        Vector3f dir = target.subtract(eye);
        if (!(dir.lengthSquared() > 0) || !Vector3f.isValidVector(dir)) {
            throw new IllegalArgumentException("eye and target must be distinct finite points: " + eye + ", "
                    + target);
        }
        dir.normalizeLocal();
        Vector3f left = up.cross(dir);
        if (!(left.lengthSquared() > 1e-12f)) {
            throw new IllegalArgumentException("up " + up + " is parallel to the view direction " + dir);
        }
        left.normalizeLocal();
        Vector3f realUp = dir.cross(left).normalizeLocal();
        Quaternion q = new Quaternion().fromAxes(left, realUp, dir);
        return withFov(eye, q, fovYDegrees, width, height);
    }

    /**
     * A camera on a sphere around {@code target}, looking at it, with +Y as up.
     *
     * <p>Conventions: the eye is at {@code target + radius·(cos(el)·sin(az), sin(el), cos(el)·cos(az))}. Azimuth 0
     * puts the camera on the +Z side looking towards −Z (jME's default view); increasing azimuth moves the camera
     * counter-clockwise seen from above (+Y), so azimuth 90 is on the +X side. Positive elevation puts the camera
     * above the target, looking down. The camera's up vector is the sphere's tangent towards +Y, so ±90°
     * elevation is well defined.
     *
     * @param target the point looked at (not null, unaffected)
     * @param radius distance from the target (&gt; 0)
     * @param azimuthDegrees azimuth in degrees
     * @param elevationDegrees elevation in degrees
     * @param fovYDegrees vertical field of view in degrees, in (0, 180)
     * @param width image width (≥ 1)
     * @param height image height (≥ 1)
     * @return a new camera with near {@value #DEFAULT_NEAR}, far {@value #DEFAULT_FAR}
     * @throws IllegalArgumentException on degenerate input
     */
    public static PinholeCamera orbit(Vector3f target, float radius, float azimuthDegrees, float elevationDegrees,
            float fovYDegrees, int width, int height) {
        if (target == null || !(radius > 0) || !Float.isFinite(radius)) {
            throw new IllegalArgumentException("need a target and a finite radius > 0, got " + target + ", " + radius);
        }
        double az = Math.toRadians(azimuthDegrees), el = Math.toRadians(elevationDegrees);
        double sa = Math.sin(az), ca = Math.cos(az), se = Math.sin(el), ce = Math.cos(el);
        Vector3f offset = new Vector3f((float) (ce * sa), (float) se, (float) (ce * ca));
        Vector3f eye = target.add(offset.mult(radius));
        Vector3f dir = offset.negate();
        Vector3f up = new Vector3f((float) (-se * sa), (float) ce, (float) (-se * ca));
        Vector3f left = up.cross(dir).normalizeLocal();
        Quaternion q = new Quaternion().fromAxes(left, up, dir);
        return withFov(eye, q, fovYDegrees, width, height);
    }

    private static PinholeCamera withFov(Vector3f eye, Quaternion q, float fovYDegrees, int width, int height) {
        if (!(fovYDegrees > 0 && fovYDegrees < 180)) {
            throw new IllegalArgumentException("fovY must be in (0, 180) degrees, got " + fovYDegrees);
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be at least 1x1, got " + width + "x" + height);
        }
        float f = (float) (height / (2 * Math.tan(Math.toRadians(fovYDegrees) / 2)));
        return new PinholeCamera(width, height, f, f, width * 0.5f, height * 0.5f, eye, q, DEFAULT_NEAR, DEFAULT_FAR);
    }

    /**
     * The same camera with other clip planes.
     *
     * @param newNear near plane (&gt; 0)
     * @param newFar far plane (&gt; newNear)
     * @return a new camera
     */
    public PinholeCamera withClipPlanes(float newNear, float newFar) {
        return new PinholeCamera(width, height, fx, fy, cx, cy, location, rotation, newNear, newFar);
    }

    /**
     * Projects a world point: {@code store = (u, v, depth)} with {@code u, v} in pixels (row 0 at the top, pixel
     * centres at half-integers) and {@code depth = c.z}, the distance along the view axis. A depth ≤ 0 means the point
     * is behind the camera, and then u, v are meaningless.
     *
     * @param world the point (not null, unaffected)
     * @param store where to write the result (null → a new vector; modified)
     * @return {@code store}
     */
    public Vector3f project(Vector3f world, Vector3f store) {
        double[] c = new double[3];
        toRdf(world.x, world.y, world.z, c);
        Vector3f out = store == null ? new Vector3f() : store;
        out.set((float) (fx * c[0] / c[2] + cx), (float) (fy * c[1] / c[2] + cy), (float) c[2]);
        return out;
    }

    /** World point → RDF camera space (x right, y down, z forward). */
    void toRdf(double x, double y, double z, double[] out) {
        double dx = x - px, dy = y - py, dz = z - pz;
        out[0] = rdf[0] * dx + rdf[1] * dy + rdf[2] * dz;
        out[1] = rdf[3] * dx + rdf[4] * dy + rdf[5] * dz;
        out[2] = rdf[6] * dx + rdf[7] * dy + rdf[8] * dz;
    }

    /** @return a copy of the world → RDF rotation, row-major */
    double[] rdfRotation() {
        return rdf.clone();
    }

    /** @return camera position as doubles (new array) */
    double[] position() {
        return new double[] {px, py, pz};
    }

    /** @return image width in pixels */
    public int width() {
        return width;
    }

    /** @return image height in pixels */
    public int height() {
        return height;
    }

    /** @return horizontal focal length in pixels */
    public float fx() {
        return fx;
    }

    /** @return vertical focal length in pixels */
    public float fy() {
        return fy;
    }

    /** @return principal point x in pixels */
    public float cx() {
        return cx;
    }

    /** @return principal point y in pixels, from the top */
    public float cy() {
        return cy;
    }

    /** @return near plane distance */
    public float near() {
        return near;
    }

    /** @return far plane distance (used only by {@link #toJme()}) */
    public float far() {
        return far;
    }

    /** @return the vertical field of view in degrees, {@code 2·atan(height / (2 fy))} */
    public float fovYDegrees() {
        return (float) Math.toDegrees(2 * Math.atan(height / (2.0 * fy)));
    }

    /** @return {@code tan(fovX/2) = width / (2 fx)} */
    double tanHalfFovX() {
        return width / (2.0 * fx);
    }

    /** @return {@code tan(fovY/2) = height / (2 fy)} */
    double tanHalfFovY() {
        return height / (2.0 * fy);
    }

    /** @return the camera position in world space (a new vector) */
    public Vector3f location() {
        return location.clone();
    }

    /** @return the camera orientation as a jME camera holds it (a new, unit quaternion) */
    public Quaternion rotation() {
        return rotation.clone();
    }

    /** @return the direction the camera looks in, world space (a new unit vector) */
    public Vector3f direction() {
        return new Vector3f((float) rdf[6], (float) rdf[7], (float) rdf[8]);
    }

    /**
     * The world → view matrix in jME's convention (view space looks down −Z, +Y up), as
     * {@link Camera#getViewMatrix()} would give.
     *
     * @return a new matrix
     */
    public Matrix4f viewMatrix() {
        // view rows: right, up, back = (rdf row 0, −rdf row 1, −rdf row 2)
        float[] r = new float[9];
        for (int j = 0; j < 3; j++) {
            r[j] = (float) rdf[j];
            r[3 + j] = (float) -rdf[3 + j];
            r[6 + j] = (float) -rdf[6 + j];
        }
        Matrix4f m = new Matrix4f();
        m.set(0, 0, r[0]);
        m.set(0, 1, r[1]);
        m.set(0, 2, r[2]);
        m.set(1, 0, r[3]);
        m.set(1, 1, r[4]);
        m.set(1, 2, r[5]);
        m.set(2, 0, r[6]);
        m.set(2, 1, r[7]);
        m.set(2, 2, r[8]);
        for (int i = 0; i < 3; i++) {
            double t = -(r[i * 3] * px + r[i * 3 + 1] * py + r[i * 3 + 2] * pz);
            m.set(i, 3, (float) t);
        }
        m.set(3, 0, 0);
        m.set(3, 1, 0);
        m.set(3, 2, 0);
        m.set(3, 3, 1);
        return m;
    }

    @Override
    public String toString() {
        return "PinholeCamera[" + width + "x" + height + ", fx=" + fx + ", fy=" + fy + ", cx=" + cx + ", cy=" + cy
                + ", fovY=" + fovYDegrees() + "°, location=" + location + ", direction=" + direction() + ", near="
                + near + "]";
    }
}
