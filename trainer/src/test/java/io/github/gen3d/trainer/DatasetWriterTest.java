package io.github.gen3d.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.jme3.math.Vector3f;
import io.github.gen3d.trainer.dataset.DatasetSplit;
import io.github.gen3d.trainer.dataset.PropCategory;
import io.github.gen3d.trainer.dataset.PropGenerator;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.ViewRig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DatasetWriterTest {
    private static final int RES = 24;
    @TempDir
    static Path tmp;
    private static Path one;
    private static Path two;

    /** 3 props (2 train, 1 validation) written with 1 and with 2 threads, through the command line. */
    @BeforeAll
    static void writeTwice() {
        one = tmp.resolve("one");
        two = tmp.resolve("two");
        for (Object[] run : new Object[][] {{one, "1"}, {two, "2"}}) {
            int code = new CommandLine(new DatasetTool()).execute("--out", run[0].toString(), "--train", "2",
                    "--val", "1", "--res", "" + RES, "--shard", "1", "--threads", (String) run[1], "--preview",
                    ((Path) run[0]).resolve("preview.png").toString());
            assertEquals(0, code);
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
        }
    }

    @Test
    void bytesDoNotDependOnTheThreadCount() throws IOException {
        List<Path> a = files(one);
        assertEquals(a, files(two));
        // 2 train shards + 1 val shard, 10 arrays each, manifest, preview; no temporary files left
        assertEquals(3 * 10 + 2, a.size(), a.toString());
        for (Path p : a) {
            assertArrayEquals(Files.readAllBytes(one.resolve(p)), Files.readAllBytes(two.resolve(p)), p.toString());
            assertTrue(!p.getFileName().toString().startsWith("."), p.toString());
        }
    }

    @Test
    void headersShapesAndTypesAreRight() throws IOException {
        Map<String, Object[]> expected = Map.of("rgb", new Object[] {"|u1", new long[] {1, 9, RES, RES, 3}},
                "alpha", new Object[] {"|u1", new long[] {1, 9, RES, RES}},
                "depth", new Object[] {"<f4", new long[] {1, 9, RES, RES}},
                "normal", new Object[] {"|i1", new long[] {1, 9, RES, RES, 3}},
                "cam", new Object[] {"<f4", new long[] {1, 9, 16}},
                "label", new Object[] {"<i8", new long[] {1}},
                "seed", new Object[] {"<i8", new long[] {1}},
                "yaw", new Object[] {"<f4", new long[] {1}},
                "view", new Object[] {"<f4", new long[] {1, 9, 2}},
                "cond", new Object[] {"|u1", new long[] {1, RES, RES, 3}});
        for (String split : new String[] {"train/shard-00000", "train/shard-00001", "val/shard-00000"}) {
            for (Map.Entry<String, Object[]> e : expected.entrySet()) {
                NpyReader.Array a = NpyReader.read(one.resolve(split + "." + e.getKey() + ".npy"));
                assertEquals(e.getValue()[0], a.descr(), split + " " + e.getKey());
                assertArrayEquals((long[]) e.getValue()[1], a.shape(), split + " " + e.getKey());
                assertEquals(0, a.headerBytes() % 64);
            }
        }
    }

    @Test
    void seedsLabelsAndSplitsFollowTheSelectionRule() throws IOException {
        List<Long> train = new ArrayList<>();
        List<Long> val = new ArrayList<>();
        for (long i = 0; train.size() < 2 || val.size() < 1; i++) {
            if (DatasetSplit.of(i) == DatasetSplit.TRAIN && train.size() < 2) {
                train.add(i);
            } else if (DatasetSplit.of(i) == DatasetSplit.VALIDATION && val.size() < 1) {
                val.add(i);
            }
        }
        String[] shards = {"train/shard-00000", "train/shard-00001", "val/shard-00000"};
        long[] seeds = {train.get(0), train.get(1), val.get(0)};
        for (int s = 0; s < 3; s++) {
            long seed = NpyReader.read(one.resolve(shards[s] + ".seed.npy")).data().getLong(0);
            long label = NpyReader.read(one.resolve(shards[s] + ".label.npy")).data().getLong(0);
            assertEquals(seeds[s], seed);
            assertEquals(seed % PropCategory.values().length, label);
        }
        JsonObject m = JsonParser.parseString(Files.readString(one.resolve("manifest.json"), StandardCharsets.UTF_8))
                .getAsJsonObject();
        assertEquals(2, m.getAsJsonObject("splits").getAsJsonObject("train").get("count").getAsInt());
        assertEquals(1, m.getAsJsonObject("splits").getAsJsonObject("val").get("count").getAsInt());
        assertEquals(RES, m.get("resolution").getAsInt());
        assertEquals(10, m.getAsJsonArray("categories").size());
    }

    @Test
    void targetViewCamerasEqualTheRig() throws IOException {
        List<PinholeCamera> rig = ViewRig.targetViews(RES, RES);
        for (String shard : new String[] {"train/shard-00000", "val/shard-00000"}) {
            ByteBuffer cam = NpyReader.read(one.resolve(shard + ".cam.npy")).data();
            ByteBuffer view = NpyReader.read(one.resolve(shard + ".view.npy")).data();
            for (int t = 0; t < 4; t++) {
                float[] want = RenderedProp.cameraRow(rig.get(t));
                for (int k = 0; k < 16; k++) {
                    assertEquals(want[k], cam.getFloat(4 * (16 * (t + 1) + k)), "view " + (t + 1) + " entry " + k);
                }
                assertEquals(ViewRig.targetAzimuths()[t], view.getFloat(4 * 2 * (t + 1)));
                assertEquals(0f, view.getFloat(4 * (2 * (t + 1) + 1)));
            }
            // the input view is at azimuth 0, elevation in [0, 30]
            assertEquals(0f, view.getFloat(0));
            float el = view.getFloat(4);
            assertTrue(el >= 0 && el <= 30, "input elevation " + el);
            for (int v = 5; v < 9; v++) {
                float az = view.getFloat(4 * 2 * v), e = view.getFloat(4 * (2 * v + 1));
                assertTrue(az >= 0 && az < 360 && e >= -15 && e <= 50, "novel view " + az + ", " + e);
            }
        }
    }

    /**
     * Every pixel with alpha &gt; 0, unprojected through its stored camera at its stored depth, projects back to the
     * pixel with {@link PinholeCamera#project} of the rig camera at the stored angles, and lies inside the prop's
     * bounding sphere; normals are unit and colour/normal/depth are 0 where alpha is 0.
     */
    @Test
    void depthReprojectsThroughTheStoredCameras() throws IOException {
        for (String shard : new String[] {"train/shard-00000", "train/shard-00001", "val/shard-00000"}) {
            ByteBuffer cam = NpyReader.read(one.resolve(shard + ".cam.npy")).data();
            ByteBuffer view = NpyReader.read(one.resolve(shard + ".view.npy")).data();
            ByteBuffer alpha = NpyReader.read(one.resolve(shard + ".alpha.npy")).data();
            ByteBuffer depth = NpyReader.read(one.resolve(shard + ".depth.npy")).data();
            ByteBuffer rgb = NpyReader.read(one.resolve(shard + ".rgb.npy")).data();
            ByteBuffer normal = NpyReader.read(one.resolve(shard + ".normal.npy")).data();
            for (int v = 0; v < 9; v++) {
                float[] c = new float[16];
                for (int k = 0; k < 16; k++) {
                    c[k] = cam.getFloat(4 * (16 * v + k));
                }
                PinholeCamera pc = ViewRig.views(new float[] {view.getFloat(8 * v)},
                        new float[] {view.getFloat(8 * v + 4)}, ViewRig.RADIUS, ViewRig.FOV_Y_DEGREES, RES, RES)
                        .get(0);
                int covered = 0;
                for (int j = 0; j < RES; j++) {
                    for (int i = 0; i < RES; i++) {
                        int p = v * RES * RES + j * RES + i;
                        int a = Byte.toUnsignedInt(alpha.get(p));
                        float d = depth.getFloat(4 * p);
                        if (a == 0) {
                            assertEquals(0f, d);
                            for (int k = 0; k < 3; k++) {
                                assertEquals(0, rgb.get(3 * p + k));
                                assertEquals(0, normal.get(3 * p + k));
                            }
                            continue;
                        }
                        covered++;
                        double n2 = 0;
                        for (int k = 0; k < 3; k++) {
                            n2 += normal.get(3 * p + k) * normal.get(3 * p + k);
                        }
                        assertEquals(127, Math.sqrt(n2), 2.5, "normal length at " + i + "," + j);
                        double cx = (i + 0.5 - c[14]) / c[12] * d, cy = (j + 0.5 - c[15]) / c[13] * d;
                        // x = p + Rᵀ (cx, cy, d)
                        Vector3f x = new Vector3f();
                        for (int k = 0; k < 3; k++) {
                            x.set(k, (float) (c[9 + k] + c[k] * cx + c[3 + k] * cy + c[6 + k] * d));
                        }
                        Vector3f uvz = pc.project(x, null);
                        assertEquals(i + 0.5f, uvz.x, 1e-3, "u at view " + v);
                        assertEquals(j + 0.5f, uvz.y, 1e-3, "v at view " + v);
                        assertEquals(d, uvz.z, 1e-5);
                        if (a == 255) {
                            assertTrue(x.length() <= PropGenerator.BOUNDING_RADIUS + 0.02f, "point " + x
                                    + " outside the bounding sphere at view " + v);
                        }
                    }
                }
                assertTrue(covered > 20, shard + " view " + v + " covers " + covered);
            }
        }
    }

    @Test
    void npyHeaderIsPaddedAndWellFormed() {
        byte[] h = NpyFile.header("<f4", new long[] {3});
        assertEquals(0, h.length % 64);
        String dict = new String(h, 10, h.length - 10, StandardCharsets.US_ASCII);
        assertTrue(dict.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), dict);
        assertTrue(dict.endsWith(" \n"), dict);
        assertEquals(h.length - 10, Short.toUnsignedInt((short) ((h[8] & 0xFF) | (h[9] & 0xFF) << 8)));
        byte[] h2 = NpyFile.header("|u1", new long[] {2, 9, 64, 64, 3});
        assertEquals(0, h2.length % 64);
        String dict2 = new String(h2, 10, h2.length - 10, StandardCharsets.US_ASCII);
        assertTrue(dict2.contains("'shape': (2, 9, 64, 64, 3), }"), dict2);
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new DatasetWriter.Settings(tmp, Map.of(DatasetSplit.TRAIN,
                -1), 64, 2, 500, 1, null));
        assertThrows(IllegalArgumentException.class, () -> new DatasetWriter.Settings(tmp, Map.of(), 64, 0, 500, 1,
                null));
        assertThrows(IllegalArgumentException.class, () -> new DatasetWriter.Settings(tmp, Map.of(), 64, 2, 0, 1,
                null));
        assertThrows(IllegalArgumentException.class, () -> new DatasetWriter.Settings(tmp, Map.of(), 64, 2, 1, 0,
                null));
        assertEquals(2, new CommandLine(new DatasetTool()).execute("--train", "1"));
    }
}
