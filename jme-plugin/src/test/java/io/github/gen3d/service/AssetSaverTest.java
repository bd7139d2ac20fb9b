package io.github.gen3d.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.asset.AssetManager;
import com.jme3.asset.DesktopAssetManager;
import io.github.gen3d.splat.GaussianCloud;
import io.github.gen3d.splat.SplatIO;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Saving results into an assets folder, with the stand-in models. */
@Timeout(120)
class AssetSaverTest {
    @TempDir
    Path tmp;

    GenerationResult generate(GenerationRequest r) throws Exception {
        try (AssetGenerator gen = AssetGeneratorTest.start(new StandInEngine(), AssetGeneratorTest.options())) {
            return gen.submit(r).future().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void savesEveryFormatWithMetadataAndInputAndNoTempFiles() throws Exception {
        GenerationResult r = generate(AssetGeneratorTest.quick().category("crate").seed(2)
                .output(GenerationRequest.Output.BOTH).mesh(48, 400).build());
        AssetManager assets = new DesktopAssetManager(true);
        Path dir = tmp.resolve("assets/Models/Generated");
        for (AssetFormat f : AssetFormat.values()) {
            Path p = r.save(dir, "crate-2", f, assets);
            assertEquals(dir.resolve("crate-2" + f.extension()).toAbsolutePath().normalize(), p);
            assertTrue(Files.size(p) > 100, f + " written");
        }
        GaussianCloud back = SplatIO.read(dir.resolve("crate-2.ply"));
        assertEquals(r.gaussians().size(), back.size());
        assertArrayEquals(r.gaussians().positions(), back.positions(), 1e-6f);
        GenerationMetadata m = GenerationMetadata.fromJson(Files.readString(dir.resolve("crate-2.json")), "json");
        assertEquals("crate-2-input.png", m.inputFile());
        assertEquals(r.metadata().seed(), m.seed());
        assertTrue(ImageIO.read(dir.resolve("crate-2-input.png").toFile()) != null);
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void metadataRegeneratesTheSameAssetFromTheSavedPicture() throws Exception {
        Path pic = tmp.resolve("ball.png");
        ImageIO.write(AssetGeneratorTest.picture(Color.ORANGE), "png", pic.toFile());
        GenerationResult r = generate(AssetGeneratorTest.quick().image(pic).seed(8).build());
        Path dir = tmp.resolve("saved");
        r.save(dir, "ball", AssetFormat.SPZ, null);
        GenerationMetadata m = GenerationMetadata.fromJson(Files.readString(dir.resolve("ball.json")), "ball.json");
        assertEquals("ball-input.png", m.inputFile());
        assertArrayEquals(Files.readAllBytes(pic), Files.readAllBytes(dir.resolve("ball-input.png")),
                "the original picture is kept");
        GenerationResult again = generate(m.toRequest(dir.resolve(m.inputFile())).build());
        assertEquals(r.metadata().inputSha256(), again.metadata().inputSha256());
        assertArrayEquals(r.gaussians().sh(), again.gaussians().sh());
        assertThrows(IllegalArgumentException.class, () -> m.toRequest(null));
    }

    @Test
    void namesCannotLeaveTheFolderAndJ3oNeedsAMesh() throws Exception {
        GenerationResult r = generate(AssetGeneratorTest.quick().seed(1).build());
        Path dir = tmp.resolve("a");
        for (String bad : List.of("../x", "a/b", "/abs", "..", ".hidden", "", "a b", "x".repeat(101))) {
            assertThrows(IllegalArgumentException.class, () -> r.save(dir, bad, AssetFormat.SPZ, null), bad);
        }
        assertFalse(Files.exists(tmp.resolve("x.spz")));
        IOException e = assertThrows(IOException.class, () -> r.save(dir, "nomesh", AssetFormat.J3O,
                new DesktopAssetManager(true)));
        assertTrue(e.getMessage().contains("nomesh.j3o") && e.getMessage().contains("MESH"), e.getMessage());
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTempFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("d"));
        Path target = dir.resolve("x.json");
        Files.writeString(target, "good");
        Path blocked = Files.createDirectories(dir.resolve("y.json")); // a folder where the file should go
        Files.writeString(blocked.resolve("keep"), "k");
        assertThrows(IOException.class, () -> AssetSaver.writeBytes(blocked, new byte[] {1, 2, 3}));
        assertTrue(Files.isDirectory(blocked));
        AssetSaver.writeBytes(target, "new".getBytes());
        assertEquals("new", Files.readString(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("x.json", "y.json"), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void badMetadataIsRejectedWithTheSourceName() {
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
                () -> GenerationMetadata.fromJson("{not json", "broken.json"));
        assertTrue(a.getMessage().contains("broken.json"));
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
                () -> GenerationMetadata.fromJson("{\"format\":\"other\"}", "other.json"));
        assertTrue(b.getMessage().contains("other.json") && b.getMessage().contains("gen3d-asset"));
        assertThrows(IllegalArgumentException.class, () -> GenerationMetadata.fromJson(
                "{\"format\":\"gen3d-asset\",\"formatVersion\":99}", "v99.json"));
    }
}
