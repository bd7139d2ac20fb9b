package io.github.gen3d.trainer.art;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.trainer.dataset.DatasetSplit;
import io.github.gen3d.render.MeshRasterizer;
import io.github.gen3d.mesh.TriangleMesh;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.ViewRig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The game-art reader: PMD meshes, textures, actors, the catalog and textured rendering, on synthetic files. */
class GameArtTest {
    @TempDir
    Path dir;

    @Test
    void pmdRoundTripsEveryField() {
        float[][] b = ArtFixtures.box(1, 2, 3, 0.5f);
        byte[] bytes = ArtFixtures.pmd(b[0], b[1], b[2], ArtFixtures.boxFaces(), new float[] {1, 2, 3, 0, 0, 0, 1},
                List.of(new ArtFixtures.Point("prop-head", new float[] {0, 1, 0}, new float[] {0, 0, 0, 1}, 0)));
        PmdMesh m = PmdMesh.parse(bytes);
        assertEquals(24, m.vertexCount());
        assertEquals(12, m.triangleCount());
        assertArrayEquals(b[0], m.positions());
        assertArrayEquals(b[1], m.normals());
        assertArrayEquals(b[2], m.uvs());
        assertArrayEquals(ArtFixtures.boxFaces(), m.indices());
        assertEquals(List.of("prop-head"), m.propPointNames());
        // bone at (1, 2, 3), identity rotation: the point at bone + (0, 1, 0)
        float[] t = m.propTransform(m.propPoints().get("prop-head"));
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 3, 3}, t, 1e-6f);
    }

    @Test
    void propPointRotationIsApplied() {
        // a quarter turn about +Y (x, y, z, w) = (0, sin 45°, 0, cos 45°): +X goes to −Z
        float s = (float) Math.sqrt(0.5);
        PmdMesh.PropPoint p = new PmdMesh.PropPoint("p", new float[] {0, 0, 0}, new float[] {0, s, 0, s}, -1);
        PmdMesh m = new PmdMesh(new float[0], new float[0], new float[0], new int[0], new float[0], java.util.Map.of());
        float[] r = m.propTransform(p);
        assertEquals(0f, r[0], 1e-6f);
        assertEquals(-1f, r[6], 1e-6f); // row 2, column 0: z' = −x
    }

    @Test
    void badPmdFilesFailWithTheReasonAndNoHugeAllocation() throws IOException {
        float[][] b = ArtFixtures.box(1, 1, 1, 0);
        byte[] good = ArtFixtures.pmd(b[0], b[1], b[2], ArtFixtures.boxFaces(), new float[0], List.of());
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertTrue(message(magic).contains("PSMD"));
        byte[] version = good.clone();
        ByteBuffer.wrap(version).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 2);
        assertTrue(message(version).contains("version 2"));
        assertTrue(message(Arrays.copyOf(good, good.length - 5)).contains("data size"));
        byte[] lying = good.clone(); // vertex count 2^31 - 1: refused before allocating
        ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putInt(12, Integer.MAX_VALUE);
        assertTrue(message(lying).contains("vertex count"));
        byte[] index = good.clone(); // first face index past the vertices
        int faceStart = 12 + 8 + 24 * (24 + 8 + 4 + 16) + 4;
        ByteBuffer.wrap(index).order(ByteOrder.LITTLE_ENDIAN).putShort(faceStart, (short) 999);
        assertTrue(message(index).contains("vertex 999"));
        Path file = dir.resolve("bad.pmd");
        Files.write(file, magic);
        IOException e = assertThrows(IOException.class, () -> PmdMesh.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    private static String message(byte[] bytes) {
        return assertThrows(IllegalArgumentException.class, () -> PmdMesh.parse(bytes)).getMessage();
    }

    @Test
    void textureIsLinearMippedAndHasItsTopRowAtVOne() throws IOException {
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                img.setRGB(x, y, y < 2 ? 0xFFFF0000 : 0x800000FF);
            }
        }
        ArtTexture t = ArtTexture.of(img, "t");
        assertEquals(3, t.levelCount());
        double[] s = new double[4];
        t.sample(0.5, 0.875, 0, s); // a texel centre in the top half
        assertArrayEquals(new double[] {1, 0, 0, 1}, s, 1e-6);
        t.sample(0.5, 0.125, 0, s); // bottom half: blue, alpha 128/255
        assertArrayEquals(new double[] {0, 0, 1, 128 / 255.0}, s, 1e-6);
        t.sample(0.3, 0.7, 2, s); // the 1x1 level: the mean in linear light
        assertEquals(0.5, s[0], 1e-6);
        assertEquals(0.5, s[2], 1e-6);
        t.sample(1.5, 1.875, 0, s); // repeat addressing
        assertArrayEquals(new double[] {1, 0, 0, 1}, s, 1e-6);
        assertEquals(0.5, ArtTexture.srgbToLinear(0.735356983), 1e-6);
        assertEquals(0, t.lod(1.0 / 16, 1), 1e-9); // one texel per pixel
        assertEquals(1, t.lod(1.0 / 4, 1), 1e-9); // four texels per pixel
    }

    @Test
    void brokenTexturesFailNamingTheFile() throws IOException {
        Path dds = dir.resolve("broken.png.cached.dds");
        Files.write(dds, new byte[] {'D', 'D', 'S', ' ', 124, 0, 0, 0, 1, 2, 3}); // a DDS header cut short
        IOException e = assertThrows(IOException.class, () -> ArtTexture.read(dds));
        assertTrue(e.getMessage().contains(dds.toString()), e.getMessage());
        Path missing = dir.resolve("missing.dds");
        IOException m = assertThrows(IOException.class, () -> ArtTexture.read(missing));
        assertTrue(m.getMessage().contains(missing.toString()), m.getMessage());
        BufferedImage huge = new BufferedImage(ArtTexture.MAX_SIDE + 1, 1, BufferedImage.TYPE_INT_ARGB);
        assertThrows(IOException.class, () -> ArtTexture.of(huge, "huge"));
    }

    @Test
    void actorsResolveVariantsQualityPropsAndMaterials() throws IOException {
        ArtFixtures.folder(dir);
        ActorLibrary lib = new ActorLibrary(dir);
        List<ActorLibrary.Part> parts = lib.resolve("units/soldier.xml", 7);
        assertEquals(2, parts.size());
        assertEquals("props/body.dae", parts.get(0).mesh());
        assertEquals("props/red_blue.png", parts.get(0).texture()); // the frequency-0 variant is never chosen
        assertEquals("props/head.dae", parts.get(1).mesh()); // high quality: not the low mesh
        assertEquals("props/green.png", parts.get(1).texture());
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1.2f, 0}, parts.get(1).transform(), 1e-6f);
        assertFalse(parts.get(0).material().alphaTest());
        List<ActorLibrary.Part> low = lib.resolve("units/soldier_low.xml", 1);
        assertTrue(low.get(0).material().colourMask());
        assertEquals(3, low.get(0).tint().length); // a player colour was drawn
        IOException e = assertThrows(IOException.class, () -> lib.resolve("units/missing.xml", 1));
        assertTrue(e.getMessage().contains("missing.xml"));
    }

    @Test
    void catalogGroupsLodsSkipsFlatAndParticlesAndSplitsByGroup() throws IOException {
        ArtFixtures.folder(dir);
        List<ArtCatalog.Entry> all = ArtCatalog.scan(new ActorLibrary(dir), 4);
        List<String> actors = all.stream().map(ArtCatalog.Entry::actor).sorted().toList();
        assertEquals(List.of("props/head.xml", "units/soldier.xml", "units/soldier_low.xml"), actors);
        ArtCatalog.Entry a = all.stream().filter(x -> x.actor().equals("units/soldier.xml")).findFirst().get();
        ArtCatalog.Entry b = all.stream().filter(x -> x.actor().equals("units/soldier_low.xml")).findFirst().get();
        assertEquals("props/body", a.group());
        assertEquals(a.group(), b.group()); // the LOD joins its model's group, hence its split
        assertEquals(a.split(), b.split());
        assertEquals(1, ArtCatalog.scan(new ActorLibrary(dir), 1).stream()
                .filter(x -> x.group().equals("props/body")).count());
        assertEquals("structures/wall", ArtCatalog.groupOf("structures/wall_damaged_lod2.dae"));
        assertFalse(ArtCatalog.wanted("particle/smoke.xml"));
        assertTrue(ArtCatalog.wanted("units/soldier.xml"));
        // the split rule: the first 8 bytes of SHA-256 mod 100, fixed forever
        int[] counts = new int[3];
        for (int i = 0; i < 3000; i++) {
            counts[ArtCatalog.splitOf("group" + i).ordinal()]++;
        }
        assertTrue(Math.abs(counts[DatasetSplit.TRAIN.ordinal()] - 2400) < 120, Arrays.toString(counts));
        assertTrue(Math.abs(counts[DatasetSplit.TEST.ordinal()] - 300) < 70, Arrays.toString(counts));
        assertEquals(ArtCatalog.splitOf("props/body"), ArtCatalog.splitOf("props/body"));
    }

    @Test
    void assetsAreNormalisedAndRenderWithTheirTexturesTheRightWayUp() throws IOException {
        ArtFixtures.folder(dir);
        GameArt art = GameArt.open(dir, 4);
        DatasetSplit split = null;
        int index = -1;
        for (DatasetSplit s : DatasetSplit.values()) {
            for (int i = 0; i < art.count(s); i++) {
                if (art.describe(s, i).get("actor").equals("art/actors/units/soldier_low.xml")) {
                    split = s;
                    index = i;
                }
            }
        }
        ArtAsset a = art.load(split, index);
        TriangleMesh m = a.mesh();
        double r = 0;
        for (int i = 0; i < m.positions().length; i += 3) {
            r = Math.max(r, Math.hypot(m.positions()[i], Math.hypot(m.positions()[i + 1], m.positions()[i + 2])));
        }
        assertEquals(ArtAsset.BOUNDING_RADIUS, r, 1e-5);
        assertEquals("CC-BY-SA-3.0 (Wildfire Games, 0 A.D.)", art.describe(split, index).get("licence"));
        // the +Z face, head-on: its UV v runs bottom (0) to top (1) of the picture, the texture's top half is red
        PinholeCamera cam = ViewRig.views(new float[] {0}, new float[] {0}, ViewRig.RADIUS, ViewRig.FOV_Y_DEGREES,
                32, 32).get(0);
        MeshRasterizer.View v = MeshRasterizer.render(m, cam, 2, a.surface());
        int upper = 9 * 32 + 16, lower = 23 * 32 + 16;
        assertEquals(1f, v.alpha()[upper], 1e-6f);
        assertEquals(1f, v.alpha()[lower], 1e-6f);
        // player-colour material: colour × mix(tint, 1, alpha) with alpha 1 → the texture's own colour
        assertTrue(v.rgb()[3 * upper] > 0.5f && v.rgb()[3 * upper + 2] < 0.1f, "upper half red");
        assertTrue(v.rgb()[3 * lower + 2] > 0.5f && v.rgb()[3 * lower] < 0.1f, "lower half blue");
    }

    @Test
    void alphaTestedTexelsAreNotDrawn() throws IOException {
        // one quad facing the camera, its texture transparent in the top half, basic_trans: the top is not covered
        float[] pos = {-0.4f, -0.4f, 0, 0.4f, -0.4f, 0, 0.4f, 0.4f, 0, -0.4f, 0.4f, 0};
        float[] nrm = {0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1};
        float[] uv = {0, 0, 1, 0, 1, 1, 0, 1};
        ArtFixtures.write(dir.resolve("meshes/q.dae.cached.pmd"), ArtFixtures.pmd(pos, nrm, uv,
                new int[] {0, 1, 2, 0, 2, 3}, new float[0], List.of()));
        ArtFixtures.texture(dir.resolve("textures/skins/q.png"), 8, 0x00FFFFFF, 0xFFFFFFFF);
        ArtFixtures.write(dir.resolve("materials/basic_trans.xml"),
                "<material><define name=\"USE_TRANSPARENT\" value=\"1\"/></material>");
        ArtFixtures.write(dir.resolve("actors/q.xml"), "<actor><group><variant><mesh>q.dae</mesh><textures>"
                + "<texture file=\"q.png\" name=\"baseTex\"/></textures></variant></group>"
                + "<material>basic_trans.xml</material></actor>");
        ActorLibrary lib = new ActorLibrary(dir);
        ArtAsset a = ArtAsset.assemble(lib, lib.resolve("q.xml", 0), n -> ArtTexture.read(lib.textureFile(n)));
        PinholeCamera cam = ViewRig.views(new float[] {0}, new float[] {0}, ViewRig.RADIUS, ViewRig.FOV_Y_DEGREES,
                32, 32).get(0);
        MeshRasterizer.View v = MeshRasterizer.render(a.mesh(), cam, 2, a.surface());
        assertEquals(0f, v.alpha()[10 * 32 + 16]);
        assertEquals(1f, v.alpha()[22 * 32 + 16]);
    }
}
