package io.github.gen3d.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.trainer.dataset.DatasetSplit;
import io.github.gen3d.diffusion.SamplerSettings;
import io.github.gen3d.mesh.TriangleMesh;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.trainer.art.ArtAsset;
import io.github.gen3d.trainer.art.GameArt;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code EvaluateTool --art} on a tiny synthetic art folder (a few textured boxes as 0 A.D. actors): the assets of the
 * split are evaluated with the dataset's rendering and condition, without a category.
 */
class EvaluateArtTest {
    private static final Path TINY = Path.of("..", "jme-plugin", "src", "test", "resources", "bundles",
            "tiny-pipeline");

    @Test
    void evaluatesTheGameArtTestSplit(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("art");
        List<String> test = new ArrayList<>();
        List<String> train = new ArrayList<>();
        for (int n = 0; test.size() < 2 || train.isEmpty(); n++) {
            String group = "props/box" + n;
            long bucket = Long.remainderUnsigned(sha64(group), 100);
            if (bucket >= 90 && test.size() < 2) {
                test.add(group);
            } else if (bucket < 80 && train.isEmpty()) {
                train.add(group);
            } else {
                continue;
            }
            writeBox(root, group, 0.5f, 0.35f, 0.25f);
        }
        writeTexture(root.resolve("textures/skins/props/t.png"));
        GameArt art = GameArt.open(root, 4);
        assertEquals(2, art.count(DatasetSplit.TEST), "the boxes whose group hashes to the test split");
        assertEquals(1, art.count(DatasetSplit.TRAIN));

        Path out = tmp.resolve("eval");
        List<EvalRow> rows = EvaluateTool.evaluate(new EvaluateTool.Settings(TINY, DatasetSplit.TEST, 5, 2, 3f,
                List.of(SamplerSettings.Mode.SYNERGY), 4, 16, out, 0, 1, true, null, 0, root, 4));
        assertEquals(2 * 3, rows.size(), "--props 5 takes the split's 2 assets; synergy and the two baselines");
        for (int i = 0; i < rows.size(); i++) {
            EvalRow r = rows.get(i);
            int asset = i / 3;
            assertTrue(r.ok(), () -> "failed: " + r);
            assertNull(r.category(), "game art has no category");
            assertEquals(art.describe(DatasetSplit.TEST, asset).get("actor"), r.name());
            assertTrue(r.name().startsWith("art/actors/props/box"), r.name());
            assertEquals(art.seed(DatasetSplit.TEST, asset), r.seed());
            assertEquals(List.of("synergy", "input-repeated", "all-white").get(i % 3), r.mode());
            assertTrue(Double.isFinite(r.psnr()) && Double.isFinite(r.level().maskedPsnr())
                    && Double.isFinite(r.elevated().ssim()), r::toString);
            assertEquals(!r.baseline(), Double.isFinite(r.chamfer()), r::toString);
        }
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(1 + 6, csv.size());
        assertTrue(csv.get(1).startsWith(rows.get(0).seed() + ",,synergy,ok,"), csv.get(1));
        assertTrue(csv.get(1).endsWith(",\"" + rows.get(0).name() + "\","), csv.get(1));
        String table = Files.readString(out.resolve("table.md"));
        assertTrue(table.contains("over the test game-art assets (" + root + ", at most 4 per group)"), table);
        assertTrue(table.contains("| synergy | 2 | 0 |") && table.contains("| input-repeated | 2 | 0 |"), table);
        assertTrue(!table.contains("Per category"), table);
        assertTrue(Files.exists(out.resolve("grid.png")));
        String box = rows.get(0).name().substring(rows.get(0).name().lastIndexOf('/') + 1).replace(".xml", "");
        assertTrue(Files.exists(out.resolve("assets").resolve(rows.get(0).seed() + "-" + box + "-synergy.spz")));
    }

    @Test
    void artGroundTruthAndConditionAreTheDatasets(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("art");
        String group = null;
        for (int n = 0; group == null; n++) {
            if (Long.remainderUnsigned(sha64("props/box" + n), 100) >= 90) {
                group = "props/box" + n;
            }
        }
        writeBox(root, group, 0.5f, 0.3f, 0.2f);
        writeTexture(root.resolve("textures/skins/props/t.png"));
        GameArt art = GameArt.open(root, 4);
        int res = 16;
        List<PinholeCamera> novel = EvaluateTool.novelCameras(4, res);
        EvaluateTool.Truth truth = EvaluateTool.Truth.ofArt(art, DatasetSplit.TEST, 0, res, novel);
        long seed = art.seed(DatasetSplit.TEST, 0);
        PropPose pose = PropPose.of(seed);
        ArtAsset a = art.load(DatasetSplit.TEST, 0);
        TriangleMesh canonical = PropPose.rotateY(a.mesh(), -pose.yaw());
        ArtAsset posed = a.withMesh(canonical);
        RenderedProp stored = RenderedProp.render(seed, -1, pose, canonical, posed::surface, res,
                EvaluateTool.ART_SUPERSAMPLE);
        assertArrayEquals(EvaluateTool.planarSigned(stored.cond(), res), truth.condition.image(), 0f,
                "the condition the art dataset stores for the asset");
        assertEquals(canonical, truth.mesh);
        // the input view (the stored view 0) is the input-repeated baseline's picture, uncropped
        int plane = res * res;
        for (int p = 0; p < plane; p++) {
            float alpha = (stored.alpha()[p] & 0xFF) / 255f;
            assertEquals(alpha, truth.uncropped.alpha()[p], 1e-6f);
            for (int c = 0; c < 3; c++) {
                float col = alpha > 0 ? (stored.rgb()[3 * p + c] & 0xFF) / 255f : 0f;
                assertEquals(col * alpha + 1 - alpha, truth.uncropped.rgb()[c * plane + p], 1e-6f);
            }
        }
        double covered = 0;
        for (float[] al : truth.alpha) {
            for (float x : al) {
                covered += x;
            }
        }
        assertTrue(covered > 4 * plane * 0.05, "the box shows in the novel views: " + covered);
    }

    /** The first 8 bytes of SHA-256, as ArtCatalog splits groups. */
    private static long sha64(String s) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (d[i] & 0xFF);
        }
        return v;
    }

    /** An actor {@code actors/GROUP.xml} with one box mesh {@code meshes/GROUP.dae.cached.pmd}, textured. */
    private static void writeBox(Path root, String group, float hx, float hy, float hz) throws Exception {
        Path actor = root.resolve("actors").resolve(group + ".xml");
        Files.createDirectories(actor.getParent());
        Files.writeString(actor, "<actor version=\"1\"><group><variant><mesh>" + group + ".dae</mesh><textures>"
                + "<texture file=\"props/t.png\" name=\"baseTex\"/></textures></variant></group>"
                + "<material>default.xml</material></actor>");
        Path mesh = root.resolve("meshes").resolve(group + ".dae.cached.pmd");
        Files.createDirectories(mesh.getParent());
        Files.write(mesh, boxPmd(new float[] {hx, hy, hz}));
    }

    /** A PMD version 4 box: 24 vertices (4 per face, face normals, UVs over the face), 12 triangles, no bones. */
    static byte[] boxPmd(float[] h) {
        int nv = 24, nf = 12;
        int size = 12 + 4 + 4 + nv * (24 + 8 + 4 + 16) + 4 + nf * 6 + 4 + 4;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put("PSMD".getBytes(StandardCharsets.US_ASCII)).putInt(4).putInt(size - 12);
        b.putInt(nv).putInt(1);
        int[][] corners = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
        for (int axis = 0; axis < 3; axis++) {
            for (int sign : new int[] {1, -1}) {
                int u = (axis + 1) % 3, w = (axis + 2) % 3;
                for (int k = 0; k < 4; k++) {
                    int[] cr = corners[sign > 0 ? k : 3 - k];
                    float[] p = new float[3];
                    float[] n = new float[3];
                    p[axis] = sign * h[axis];
                    p[u] = cr[0] * h[u];
                    p[w] = cr[1] * h[w];
                    n[axis] = sign;
                    b.putFloat(p[0]).putFloat(p[1]).putFloat(p[2]);
                    b.putFloat(n[0]).putFloat(n[1]).putFloat(n[2]);
                    b.putFloat((cr[0] + 1) / 2f).putFloat((cr[1] + 1) / 2f);
                    b.put((byte) 0xFF).put((byte) 0xFF).put((byte) 0xFF).put((byte) 0xFF);
                    b.putFloat(0f).putFloat(0f).putFloat(0f).putFloat(0f);
                }
            }
        }
        b.putInt(nf);
        for (int f = 0; f < 6; f++) {
            int o = 4 * f;
            b.putShort((short) o).putShort((short) (o + 1)).putShort((short) (o + 2));
            b.putShort((short) o).putShort((short) (o + 2)).putShort((short) (o + 3));
        }
        b.putInt(0).putInt(0);
        return b.array();
    }

    /** An 8×8 texture of four coloured quadrants. */
    private static void writeTexture(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        int[] colours = {0xC04020, 0x2060C0, 0x40A040, 0xD0B030};
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, colours[(y / 4) * 2 + x / 4]);
            }
        }
        ImageIO.write(img, "png", file.toFile());
    }
}
