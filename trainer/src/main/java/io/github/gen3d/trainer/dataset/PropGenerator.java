package io.github.gen3d.trainer.dataset;

import io.github.gen3d.trainer.dataset.MeshParts.Place;
import io.github.gen3d.mesh.TriangleMesh;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Deterministic, seeded generator of procedural game props built from closed parametric primitives (boxes, lathe
 * solids, ellipsoids, tori). The same (category, seed) always gives the identical mesh on every JVM (the random
 * stream is SplitMix64, see {@link DatasetSplit}). Each prop is centred (bounding-box centre at the origin) and
 * uniformly scaled so that its farthest vertex is exactly {@link #BOUNDING_RADIUS} from the origin: it lies inside
 * the unit cube [−0.5, 0.5]³ and inside the sphere of radius ≈ 0.62 that the {@code ViewRig} cameras (radius 1.5,
 * fovY 49.1°) frame, with +Y up and the prop standing on its base. Stateless and thread-safe.
 */
public final class PropGenerator {
    /**
     * Distance from the origin (the bounding-box centre) to the farthest vertex of every generated prop, in world
     * units: props lie inside the ball of this radius, hence inside [−0.5, 0.5]³ and inside every rig view.
     */
    public static final float BOUNDING_RADIUS = 0.5f;

    private PropGenerator() {
    }

    /**
     * Generates one prop.
     *
     * @param category the category (not null)
     * @param seed any seed; the category is mixed in, so equal seeds of different categories are unrelated
     * @return a new prop (not null)
     * @throws IllegalArgumentException if the category is null
     */
    public static Prop generate(PropCategory category, long seed) {
        if (category == null) {
            throw new IllegalArgumentException("category must not be null");
        }
        Rng rng = new Rng(Rng.mix(seed) ^ Rng.mix(category.ordinal() + 1L) * 31);
        MeshParts b = new MeshParts();
        Map<String, Double> params = new TreeMap<>();
        switch (category) {
            case CRATE -> crate(rng, b, params);
            case BARREL -> barrel(rng, b, params);
            case MUSHROOM -> mushroom(rng, b, params);
            case POTION -> potion(rng, b, params);
            case LAMP -> lamp(rng, b, params);
            case TABLE -> table(rng, b, params);
            case ROCK -> rock(rng, b, params);
            case CHEST -> chest(rng, b, params);
            case VASE -> vase(rng, b, params);
            case TREE -> tree(rng, b, params);
            default -> throw new IllegalStateException("unhandled category " + category);
        }
        List<TriangleMesh> parts = normalise(b.parts());
        return new Prop(category, seed, concat(parts), Collections.unmodifiableList(parts),
                Collections.unmodifiableMap(params));
    }

    // ---- categories (local units: roughly 1 tall, base at y = 0) ----

    private static void crate(Rng r, MeshParts b, Map<String, Double> p) {
        float w = put(p, "width", r.range(0.7, 1.3));
        float h = put(p, "height", r.range(0.6, 1.2));
        float d = put(p, "depth", r.range(0.7, 1.3));
        float post = put(p, "post", r.range(0.06, 0.12));
        float[] wood = colour(r, 0.55f, 0.38f, 0.2f, 0.25f);
        float[] trim = colour(r, 0.35f, 0.22f, 0.1f, 0.25f);
        b.box(Place.at(0, h / 2, 0), w, h, d, wood);
        for (int sx = -1; sx <= 1; sx += 2) {
            for (int sz = -1; sz <= 1; sz += 2) {
                b.box(Place.at(sx * (w / 2 - post / 2 + 0.01f), h / 2, sz * (d / 2 - post / 2 + 0.01f)),
                        post, h + 0.02f, post, trim);
            }
        }
        boolean bands = r.chance(0.7);
        p.put("bands", bands ? 1.0 : 0.0);
        if (bands) {
            b.box(Place.at(0, h / 2, 0), w + 0.02f, post, d + 0.02f, trim);
        }
    }

    private static void barrel(Rng r, MeshParts b, Map<String, Double> p) {
        float h = put(p, "height", r.range(0.8, 1.4));
        float rad = put(p, "radius", r.range(0.3, 0.5));
        float bulge = put(p, "bulge", r.range(0.04, 0.14));
        int hoops = (int) put(p, "hoops", r.between(2, 4));
        int n = 12;
        float[] rr = new float[n + 1];
        float[] yy = new float[n + 1];
        for (int i = 0; i <= n; i++) {
            float t = (float) i / n;
            yy[i] = t * h;
            rr[i] = rad + bulge * (1 - (2 * t - 1) * (2 * t - 1));
        }
        b.lathe(Place.at(0, 0, 0), rr, yy, 24, false, 40, colour(r, 0.5f, 0.32f, 0.16f, 0.25f));
        float[] metal = colour(r, 0.35f, 0.35f, 0.38f, 0.2f);
        for (int k = 0; k < hoops; k++) {
            float t = hoops == 1 ? 0.5f : 0.1f + 0.8f * k / (hoops - 1);
            float ri = rad + bulge * (1 - (2 * t - 1) * (2 * t - 1));
            b.torus(Place.at(0, t * h, 0), ri, 0.025f, 8, 24, metal);
        }
    }

    private static void mushroom(Rng r, MeshParts b, Map<String, Double> p) {
        float stemH = put(p, "stemHeight", r.range(0.3, 0.7));
        float stemR = put(p, "stemRadius", r.range(0.07, 0.16));
        float capR = put(p, "capRadius", r.range(0.3, 0.55));
        float capH = put(p, "capHeight", r.range(0.15, 0.4));
        b.frustum(Place.at(0, 0, 0), stemR * 1.2f, stemR, 0, stemH + 0.02f, 16, colour(r, 0.9f, 0.86f, 0.75f, 0.1f));
        int n = 10;
        float[] rr = new float[n + 2];
        float[] yy = new float[n + 2];
        rr[0] = 0;
        yy[0] = stemH;
        for (int i = 0; i <= n; i++) {
            double a = Math.PI / 2 * i / n;
            rr[i + 1] = i == n ? 0 : capR * (float) Math.cos(a);
            yy[i + 1] = stemH + capH * (float) Math.sin(a);
        }
        float[] cap = r.chance(0.5) ? colour(r, 0.8f, 0.12f, 0.1f, 0.2f) : colour(r, 0.6f, 0.4f, 0.25f, 0.3f);
        b.lathe(Place.at(0, 0, 0), rr, yy, 24, false, 45, cap);
        int spots = (int) put(p, "spots", r.chance(0.6) ? r.between(3, 7) : 0);
        float[] white = colour(r, 0.95f, 0.95f, 0.92f, 0.05f);
        for (int k = 0; k < spots; k++) {
            double a = r.range(0, 2 * Math.PI);
            double e = r.range(0.2, 1.2);
            float sx = capR * (float) (Math.cos(e) * Math.cos(a));
            float sz = capR * (float) (Math.cos(e) * Math.sin(a));
            float sy = stemH + capH * (float) Math.sin(e);
            float s = capR * r.range(0.1, 0.16);
            b.ellipsoid(Place.at(sx, sy, sz), s, s * 0.6f, s, 6, 10, white);
        }
    }

    private static void potion(Rng r, MeshParts b, Map<String, Double> p) {
        float bodyR = put(p, "bodyRadius", r.range(0.25, 0.45));
        float neckR = put(p, "neckRadius", r.range(0.07, 0.13));
        float neckH = put(p, "neckHeight", r.range(0.15, 0.4));
        boolean round = r.chance(0.6);
        p.put("roundBody", round ? 1.0 : 0.0);
        float[] glass = colour(r, r.range(0.1, 0.9), r.range(0.1, 0.9), r.range(0.1, 0.9), 0.1f);
        float top;
        if (round) {
            b.ellipsoid(Place.at(0, bodyR, 0), bodyR, bodyR, bodyR, 12, 24, glass);
            top = 2 * bodyR * 0.95f;
        } else {
            float bh = bodyR * r.range(1.4, 2.2);
            b.box(Place.at(0, bh / 2, 0), bodyR * 1.6f, bh, bodyR * 1.6f, glass);
            top = bh;
        }
        b.frustum(Place.at(0, 0, 0), neckR, neckR, top - 0.05f, top + neckH, 16, glass);
        b.torus(Place.at(0, top + neckH - 0.02f, 0), neckR, 0.02f, 8, 16, glass);
        float corkH = r.range(0.06, 0.14);
        b.frustum(Place.at(0, 0, 0), neckR * 0.85f, neckR * 1.1f, top + neckH - 0.03f, top + neckH + corkH, 12,
                colour(r, 0.6f, 0.45f, 0.3f, 0.15f));
    }

    private static void lamp(Rng r, MeshParts b, Map<String, Double> p) {
        float baseR = put(p, "baseRadius", r.range(0.15, 0.3));
        float poleH = put(p, "poleHeight", r.range(0.5, 1.1));
        float shadeR = put(p, "shadeRadius", r.range(0.2, 0.4));
        float shadeH = put(p, "shadeHeight", r.range(0.15, 0.35));
        float[] metal = colour(r, 0.25f, 0.25f, 0.28f, 0.3f);
        b.frustum(Place.at(0, 0, 0), baseR, baseR * 0.8f, 0, 0.06f, 20, metal);
        b.frustum(Place.at(0, 0, 0), 0.025f, 0.025f, 0.04f, poleH, 8, metal);
        float[] shade = colour(r, 0.9f, 0.8f, 0.55f, 0.2f);
        if (r.chance(0.6)) {
            p.put("conicalShade", 1.0);
            b.frustum(Place.at(0, 0, 0), shadeR, shadeR * 0.5f, poleH - shadeH * 0.6f, poleH + shadeH * 0.4f, 24,
                    shade);
        } else {
            p.put("conicalShade", 0.0);
            b.ellipsoid(Place.at(0, poleH, 0), shadeR * 0.8f, shadeH * 0.7f, shadeR * 0.8f, 10, 20, shade);
        }
        b.ellipsoid(Place.at(0, poleH - shadeH * 0.6f, 0), 0.05f, 0.06f, 0.05f, 6, 10,
                colour(r, 1f, 0.95f, 0.7f, 0.05f));
    }

    private static void table(Rng r, MeshParts b, Map<String, Double> p) {
        float h = put(p, "height", r.range(0.5, 0.9));
        float w = put(p, "width", r.range(0.8, 1.4));
        float d = put(p, "depth", r.range(0.6, 1.2));
        float t = put(p, "thickness", r.range(0.04, 0.1));
        float[] wood = colour(r, 0.5f, 0.32f, 0.18f, 0.3f);
        boolean round = r.chance(0.4);
        p.put("round", round ? 1.0 : 0.0);
        if (round) {
            b.frustum(Place.at(0, 0, 0).scaled(w / d, 1, 1), d / 2, d / 2, h - t, h, 32, wood);
            b.frustum(Place.at(0, 0, 0), 0.06f, 0.05f, 0.02f, h - t + 0.01f, 12, wood);
            b.frustum(Place.at(0, 0, 0), d * 0.25f, d * 0.2f, 0, 0.04f, 16, wood);
        } else {
            b.box(Place.at(0, h - t / 2, 0), w, t, d, wood);
            float leg = r.range(0.05, 0.09);
            for (int sx = -1; sx <= 1; sx += 2) {
                for (int sz = -1; sz <= 1; sz += 2) {
                    b.box(Place.at(sx * (w / 2 - leg), (h - t) / 2 + 0.005f, sz * (d / 2 - leg)), leg,
                            h - t + 0.01f, leg, wood);
                }
            }
        }
    }

    private static void rock(Rng r, MeshParts b, Map<String, Double> p) {
        float rx = put(p, "radiusX", r.range(0.35, 0.6));
        float ry = put(p, "radiusY", r.range(0.2, 0.45));
        float rz = put(p, "radiusZ", r.range(0.3, 0.55));
        float rough = put(p, "roughness", r.range(0.1, 0.25));
        float[] grey = colour(r, 0.5f, 0.48f, 0.45f, 0.2f);
        double[] f = {r.range(2, 5), r.range(2, 5), r.range(2, 5), r.range(0, 6), r.range(0, 6), r.range(0, 6)};
        b.ellipsoid(Place.at(0, ry, 0), rx, ry, rz, 10, 16, grey);
        b.displaceLast(new float[] {0, ry, 0}, v -> noise(v, f), rough);
        if (r.chance(0.4)) {
            p.put("second", 1.0);
            float s = r.range(0.3, 0.5);
            b.ellipsoid(Place.at(rx * 0.9f, ry * s, rz * 0.4f), rx * s, ry * s, rz * s, 8, 12, grey);
            b.displaceLast(new float[] {rx * 0.9f, ry * s, rz * 0.4f}, v -> noise(v, f), rough);
        } else {
            p.put("second", 0.0);
        }
    }

    private static double noise(float[] v, double[] f) {
        return (Math.sin(f[0] * v[0] + f[3]) * Math.sin(f[1] * v[1] + f[4]) + Math.sin(f[2] * v[2] + f[5])) / 2;
    }

    private static void chest(Rng r, MeshParts b, Map<String, Double> p) {
        float w = put(p, "width", r.range(0.8, 1.3));
        float h = put(p, "height", r.range(0.4, 0.7));
        float d = put(p, "depth", r.range(0.5, 0.8));
        float[] wood = colour(r, 0.45f, 0.26f, 0.12f, 0.3f);
        float[] metal = r.chance(0.5) ? colour(r, 0.8f, 0.65f, 0.2f, 0.1f) : colour(r, 0.4f, 0.4f, 0.42f, 0.1f);
        b.box(Place.at(0, h / 2, 0), w, h, d, wood);
        // rounded lid: a cylinder along x whose lower half sits inside the body
        float lidR = d / 2;
        b.frustum(Place.at(0, h, 0).rotated((float) (-Math.PI / 2), 0), lidR, lidR, -w / 2, w / 2, 20, wood);
        for (int k = -1; k <= 1; k += 2) {
            float x = k * w * 0.3f;
            b.frustum(Place.at(x, h, 0).rotated((float) (-Math.PI / 2), 0), lidR + 0.015f, lidR + 0.015f, -0.03f,
                    0.03f, 20, metal);
            b.box(Place.at(x, h / 2, 0), 0.06f, h + 0.002f, d + 0.03f, metal);
        }
        b.box(Place.at(0, h, d / 2 + 0.02f), 0.1f, 0.14f, 0.05f, metal);
    }

    private static void vase(Rng r, MeshParts b, Map<String, Double> p) {
        float h = put(p, "height", r.range(0.8, 1.4));
        float r0 = put(p, "footRadius", r.range(0.12, 0.25));
        float r1 = put(p, "bellyRadius", r.range(0.25, 0.45));
        float r2 = put(p, "neckRadius", r.range(0.08, 0.2));
        float r3 = put(p, "lipRadius", r.range(0.12, 0.3));
        float belly = put(p, "bellyAt", r.range(0.25, 0.55));
        int n = 20;
        float[] rr = new float[n + 1];
        float[] yy = new float[n + 1];
        float[] kr = {r0, r1, r2, r3};
        float[] ky = {0, belly, 0.8f, 1};
        for (int i = 0; i <= n; i++) {
            float t = (float) i / n;
            yy[i] = t * h;
            int s = t < ky[1] ? 0 : t < ky[2] ? 1 : 2;
            float u = (t - ky[s]) / (ky[s + 1] - ky[s]);
            float e = u * u * (3 - 2 * u);
            rr[i] = kr[s] + (kr[s + 1] - kr[s]) * e;
        }
        float[] glaze = colour(r, r.range(0.2, 0.9), r.range(0.2, 0.8), r.range(0.2, 0.8), 0.1f);
        b.lathe(Place.at(0, 0, 0), rr, yy, 28, false, 50, glaze);
        b.torus(Place.at(0, h, 0), r3, 0.03f, 8, 28, colour(r, 0.9f, 0.85f, 0.7f, 0.1f));
    }

    private static void tree(Rng r, MeshParts b, Map<String, Double> p) {
        float trunkH = put(p, "trunkHeight", r.range(0.3, 0.6));
        float trunkR = put(p, "trunkRadius", r.range(0.05, 0.1));
        float crownR = put(p, "crownRadius", r.range(0.3, 0.5));
        b.frustum(Place.at(0, 0, 0), trunkR * 1.3f, trunkR, 0, trunkH + 0.05f, 12, colour(r, 0.4f, 0.26f, 0.14f,
                0.2f));
        float[] leaf = colour(r, 0.2f, 0.5f, 0.18f, 0.3f);
        if (r.chance(0.5)) {
            p.put("pine", 1.0);
            int tiers = (int) put(p, "tiers", r.between(2, 4));
            float y = trunkH;
            float tierH = crownR * r.range(0.9, 1.3);
            for (int k = 0; k < tiers; k++) {
                float rad = crownR * (1 - 0.2f * k);
                b.frustum(Place.at(0, 0, 0), rad, 0, y, y + tierH, 20, leaf);
                y += tierH * 0.5f;
            }
        } else {
            p.put("pine", 0.0);
            int blobs = (int) put(p, "tiers", r.between(1, 3));
            b.ellipsoid(Place.at(0, trunkH + crownR * 0.8f, 0), crownR, crownR * 0.9f, crownR, 10, 18, leaf);
            for (int k = 1; k < blobs; k++) {
                double a = r.range(0, 2 * Math.PI);
                float s = crownR * r.range(0.5, 0.75);
                b.ellipsoid(Place.at(crownR * 0.6f * (float) Math.cos(a), trunkH + crownR * r.range(0.6, 1.2),
                        crownR * 0.6f * (float) Math.sin(a)), s, s * 0.9f, s, 8, 14, leaf);
            }
        }
    }

    // ---- helpers ----

    private static float put(Map<String, Double> p, String name, float v) {
        p.put(name, (double) v);
        return v;
    }

    /** A base colour with per-channel multiplicative jitter, clamped to [0, 1], opaque. */
    private static float[] colour(Rng r, float red, float green, float blue, float jitter) {
        float k = r.range(1 - jitter, 1 + jitter);
        return new float[] {clamp(red * k * r.range(0.9, 1.1)), clamp(green * k * r.range(0.9, 1.1)),
            clamp(blue * k * r.range(0.9, 1.1)), 1f};
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }

    /**
     * Centres the union bounding box at the origin and scales uniformly so that the farthest vertex is
     * {@link #BOUNDING_RADIUS} from it.
     */
    private static List<TriangleMesh> normalise(List<TriangleMesh> parts) {
        float[] lo = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE};
        float[] hi = {-Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
        for (TriangleMesh m : parts) {
            float[] pos = m.positions();
            for (int i = 0; i < pos.length; i++) {
                lo[i % 3] = Math.min(lo[i % 3], pos[i]);
                hi[i % 3] = Math.max(hi[i % 3], pos[i]);
            }
        }
        double[] centre = new double[3];
        for (int k = 0; k < 3; k++) {
            centre[k] = ((double) lo[k] + hi[k]) / 2;
        }
        double farthest = 0;
        for (TriangleMesh m : parts) {
            float[] pos = m.positions();
            for (int i = 0; i < pos.length; i += 3) {
                double dx = pos[i] - centre[0], dy = pos[i + 1] - centre[1], dz = pos[i + 2] - centre[2];
                farthest = Math.max(farthest, dx * dx + dy * dy + dz * dz);
            }
        }
        double s = BOUNDING_RADIUS / Math.sqrt(farthest);
        List<TriangleMesh> out = new ArrayList<>(parts.size());
        for (TriangleMesh m : parts) {
            float[] pos = m.positions().clone();
            for (int i = 0; i < pos.length; i++) {
                pos[i] = (float) ((pos[i] - centre[i % 3]) * s);
            }
            out.add(new TriangleMesh(pos, m.normals(), m.colours(), m.indices()));
        }
        return out;
    }

    /** Concatenates parts into one mesh (vertices are not merged, so each part stays its own closed shell). */
    static TriangleMesh concat(List<TriangleMesh> parts) {
        int verts = 0, ints = 0;
        for (TriangleMesh m : parts) {
            verts += m.vertexCount();
            ints += m.indices().length;
        }
        float[] pos = new float[3 * verts];
        float[] nrm = new float[3 * verts];
        float[] col = new float[4 * verts];
        int[] idx = new int[ints];
        int v = 0, k = 0;
        for (TriangleMesh m : parts) {
            System.arraycopy(m.positions(), 0, pos, 3 * v, 3 * m.vertexCount());
            System.arraycopy(m.normals(), 0, nrm, 3 * v, 3 * m.vertexCount());
            System.arraycopy(m.colours(), 0, col, 4 * v, 4 * m.vertexCount());
            for (int i : m.indices()) {
                idx[k++] = i + v;
            }
            v += m.vertexCount();
        }
        return new TriangleMesh(pos, nrm, col, idx);
    }
}
