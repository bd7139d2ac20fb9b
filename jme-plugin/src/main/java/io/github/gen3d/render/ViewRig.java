package io.github.gen3d.render;

import com.jme3.math.Vector3f;
import java.util.ArrayList;
import java.util.List;

/**
 * The cameras generation works with: the Gen-3Diffusion target views and orbit sets around the object.
 *
 * <h2>Conventions (see {@code docs/coordinates.md}, "Cameras")</h2>
 * <ul>
 * <li>The object frame is jME's (+Y up, right-handed) with the object centred at the origin, inside roughly
 * [−1, 1]³ (LGM and Gen-3Diffusion normalise their training objects this way).</li>
 * <li>The <b>input view</b> defines the frame: its camera sits on +Z at distance {@link #RADIUS}, looking at the
 * origin along −Z, up +Y — azimuth 0, elevation 0 of {@link PinholeCamera#orbit}.</li>
 * <li>Azimuth a puts the camera at {@code r·(cos e·sin a, sin e, cos e·cos a)}: azimuth 90 is on +X (the input
 * view's right-hand side), 180 behind the object, 270 on −X. Positive elevation looks down from above.</li>
 * <li>Target views: relative azimuths 0, 90, 180, 270 at elevation 0, radius 1.5, vertical field of view 49.1°,
 * near 0.5, far 2.5 — LGM's and Gen-3Diffusion's {@code Options} ({@code cam_radius = 1.5}, {@code fovy = 49.1},
 * {@code znear = 0.5}, {@code zfar = 2.5}); the authors' camera files put the first target view at the input view
 * and the second on the input view's +X side.</li>
 * </ul>
 *
 * <p>All cameras have square pixels and a centred principal point; {@link PinholeCamera#toJme()} gives the matching
 * jME camera. Lists returned are unmodifiable and new on every call.
 */
public final class ViewRig {
    /** Distance of the target cameras from the origin (LGM / Gen-3Diffusion {@code cam_radius}). */
    public static final float RADIUS = 1.5f;
    /** Vertical field of view of the target cameras in degrees (LGM / Gen-3Diffusion {@code fovy}). */
    public static final float FOV_Y_DEGREES = 49.1f;
    /** Near plane of the target cameras (LGM {@code znear}); splats closer than this are culled. */
    public static final float NEAR = 0.5f;
    /** Far plane of the target cameras (LGM {@code zfar}); used by {@link PinholeCamera#toJme()} only. */
    public static final float FAR = 2.5f;
    /** Number of target views. */
    public static final int TARGET_VIEWS = 4;

    private ViewRig() {
    }

    /** @return the target views' azimuths relative to the input view, in degrees: 0, 90, 180, 270 (a new array) */
    public static float[] targetAzimuths() {
        return new float[] {0f, 90f, 180f, 270f};
    }

    /**
     * The four Gen-3Diffusion target views.
     *
     * @param width image width (≥ 1)
     * @param height image height (≥ 1)
     * @return four cameras at azimuth 0, 90, 180, 270, elevation 0, radius {@value #RADIUS}, fovY
     *     {@value #FOV_Y_DEGREES}°, near {@value #NEAR}, far {@value #FAR}
     */
    public static List<PinholeCamera> targetViews(int width, int height) {
        float[] az = targetAzimuths();
        return views(az, new float[az.length], RADIUS, FOV_Y_DEGREES, width, height);
    }

    /**
     * {@code count} cameras evenly spaced in azimuth (starting at 0, counter-clockwise seen from above) at one
     * elevation, with the rig's radius and field of view: for evaluation, previews and mesh extraction.
     *
     * @param count number of cameras (≥ 1)
     * @param elevationDegrees elevation in degrees, in [−90, 90]
     * @param width image width
     * @param height image height
     * @return the cameras
     */
    public static List<PinholeCamera> orbit(int count, float elevationDegrees, int width, int height) {
        return orbit(count, elevationDegrees, RADIUS, FOV_Y_DEGREES, width, height);
    }

    /**
     * {@code count} cameras evenly spaced in azimuth (azimuth {@code 360·i/count}) at one elevation.
     *
     * @param count number of cameras (≥ 1)
     * @param elevationDegrees elevation in degrees, in [−90, 90]
     * @param radius distance from the origin (&gt; 0)
     * @param fovYDegrees vertical field of view in degrees, in (0, 180)
     * @param width image width
     * @param height image height
     * @return the cameras; near and far scale with the radius ({@code NEAR·radius/RADIUS}, {@code FAR·radius/RADIUS})
     */
    public static List<PinholeCamera> orbit(int count, float elevationDegrees, float radius, float fovYDegrees,
            int width, int height) {
        if (count < 1 || count > 100_000) {
            throw new IllegalArgumentException("count must be in 1..100000, got " + count);
        }
        float[] az = new float[count];
        float[] el = new float[count];
        for (int i = 0; i < count; i++) {
            az[i] = (float) (360.0 * i / count);
            el[i] = elevationDegrees;
        }
        return views(az, el, radius, fovYDegrees, width, height);
    }

    /**
     * Cameras at the given azimuth/elevation pairs, looking at the origin.
     *
     * @param azimuthsDegrees azimuths (not null, unaffected)
     * @param elevationsDegrees elevations in [−90, 90], same length (not null, unaffected)
     * @param radius distance from the origin (&gt; 0, finite)
     * @param fovYDegrees vertical field of view in degrees, in (0, 180)
     * @param width image width (≥ 1)
     * @param height image height (≥ 1)
     * @return the cameras; near and far scale with the radius ({@code NEAR·radius/RADIUS}, {@code FAR·radius/RADIUS})
     * @throws IllegalArgumentException on mismatched lengths or values out of range
     */
    public static List<PinholeCamera> views(float[] azimuthsDegrees, float[] elevationsDegrees, float radius,
            float fovYDegrees, int width, int height) {
        if (azimuthsDegrees == null || elevationsDegrees == null
                || azimuthsDegrees.length != elevationsDegrees.length) {
            throw new IllegalArgumentException("need as many elevations as azimuths");
        }
        if (!(radius > 0) || !Float.isFinite(radius)) {
            throw new IllegalArgumentException("radius must be finite and > 0, got " + radius);
        }
        float near = NEAR * radius / RADIUS, far = FAR * radius / RADIUS;
        List<PinholeCamera> out = new ArrayList<>(azimuthsDegrees.length);
        for (int i = 0; i < azimuthsDegrees.length; i++) {
            float az = azimuthsDegrees[i], el = elevationsDegrees[i];
            if (!Float.isFinite(az) || !(el >= -90 && el <= 90)) {
                throw new IllegalArgumentException("bad angles for view " + i + ": azimuth " + az + ", elevation "
                        + el);
            }
            out.add(PinholeCamera.orbit(Vector3f.ZERO, radius, az, el, fovYDegrees, width, height)
                    .withClipPlanes(near, far));
        }
        return List.copyOf(out);
    }
}
