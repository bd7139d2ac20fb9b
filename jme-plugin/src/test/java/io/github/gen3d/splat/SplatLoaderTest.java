package io.github.gen3d.splat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.asset.AssetLoadException;
import com.jme3.asset.AssetManager;
import com.jme3.asset.DesktopAssetManager;
import com.jme3.asset.plugins.FileLocator;
import com.jme3.export.binary.BinaryExporter;
import com.jme3.export.binary.BinaryImporter;
import com.jme3.scene.Spatial;
import io.github.gen3d.testing.TestData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loading splat files through a headless jME asset manager. */
class SplatLoaderTest {
    @TempDir
    Path tmp;
    private AssetManager assets;

    @BeforeEach
    void setUp() {
        assets = new DesktopAssetManager(true); // the platform config: the material loaders SplatNode needs
        SplatLoader.register(assets);
        assets.registerLocator(TestData.sharedRoot().resolve("testdata").toString(), FileLocator.class);
        assets.registerLocator(tmp.toString(), FileLocator.class);
    }

    private static GaussianCloud cloudOf(Spatial s) {
        return assertInstanceOf(SplatNode.class, s).getCloud();
    }

    @ParameterizedTest
    @CsvSource({"inria_sh3_train3pts.ply, 3, 3", "inria_sh3_pc_short_100.ply, 100, 3",
        "inria_sh0_luigi.ply, 14526, 0", "playcanvas_compressed_sh3_64.ply, 64, 3",
        "antimatter15_train3pts.splat, 3, 0", "real_lastchance_14007.splat, 14007, 0",
        "spz_v2_fourth_st.spz, 131199, 3", "spz_v3_train3pts.spz, 3, 3", "spz_v4_minimal4.spz, 4, 0"})
    void everyRealFileLoadsAsASpatialInJmeFrame(String file, int count, int degree) throws IOException {
        Spatial s = assets.loadModel("splats/" + file);
        assertEquals("splats/" + file, s.getName());
        GaussianCloud c = cloudOf(s);
        assertEquals(count, c.size());
        assertEquals(degree, c.shDegree());
        assertEquals(SplatIO.read(TestData.splat(file)), c);
    }

    @Test
    void keyOptionsChooseFramesAndAreSeparateCacheEntries() throws IOException {
        Path file = TestData.splat("inria_sh3_train3pts.ply");
        GaussianCloud rdf = SplatIO.read(file, null, null);
        String path = "splats/inria_sh3_train3pts.ply";
        assertEquals(rdf, cloudOf(assets.loadModel(new SplatKey(path).setConvertToJme(false))));
        // telling the loader the file is already RUB: converting to jME's RUB changes nothing
        assertEquals(rdf, cloudOf(assets.loadModel(new SplatKey(path).setSourceFrame(SplatFrame.RUB))));
        assertEquals(SplatIO.read(file), cloudOf(assets.loadModel(new SplatKey(path))));
        assertNotEquals(new SplatKey(path), new SplatKey(path).setConvertToJme(false));
        assertEquals(new SplatKey(path).setSourceFrame(SplatFrame.RDF),
                new SplatKey(path).setSourceFrame(SplatFrame.RDF));
        assertEquals(new SplatKey(path).hashCode(), new SplatKey(path).hashCode());
    }

    @Test
    void cachedModelsAreClonesSharingTheCloud() {
        Spatial a = assets.loadModel("splats/antimatter15_train3pts.splat");
        Spatial b = assets.loadModel("splats/antimatter15_train3pts.splat");
        assertNotSame(a, b);
        assertSame(cloudOf(a), cloudOf(b));
    }

    @Test
    void meshPlyFailsWithAClearMessage() throws IOException {
        String mesh = "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n"
                + "property uchar red\nproperty uchar green\nproperty uchar blue\n"
                + "element face 1\nproperty list uchar int vertex_indices\nend_header\n"
                + "0 0 0 255 0 0\n1 0 0 0 255 0\n0 1 0 0 0 255\n3 0 1 2\n";
        Files.write(tmp.resolve("bunny.ply"), mesh.getBytes(StandardCharsets.US_ASCII));
        AssetLoadException e = assertThrows(AssetLoadException.class, () -> assets.loadModel("bunny.ply"));
        Throwable cause = e;
        while (cause != null && !(cause instanceof IOException)) {
            cause = cause.getCause();
        }
        assertInstanceOf(IOException.class, cause, "cause chain: " + e);
        assertEquals("bunny.ply is a mesh/point-cloud PLY, not a Gaussian splat PLY (missing f_dc_*, opacity,"
                + " scale_*, rot_*)", cause.getMessage());
    }

    @Test
    void truncatedSplatFailsNamingTheAsset() throws IOException {
        Files.write(tmp.resolve("cut.splat"), new byte[40]);
        AssetLoadException e = assertThrows(AssetLoadException.class, () -> assets.loadModel("cut.splat"));
        Throwable cause = e.getCause();
        assertInstanceOf(IOException.class, cause);
        assertTrue(cause.getMessage().startsWith("cut.splat: .splat length 40 bytes"), cause.getMessage());
    }

    @Test
    void splatKeySurvivesSerialisation() throws IOException {
        SplatKey k = new SplatKey("a/b.ply").setSourceFrame(SplatFrame.RUB).setConvertToJme(false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryExporter.getInstance().save(k, out);
        Object back = BinaryImporter.getInstance().load(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(k, back);
        assertEquals("ply", ((SplatKey) back).getExtension());
    }
}
