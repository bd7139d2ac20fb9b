package io.github.gen3d.splat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.gen3d.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The SOG reader on a file splat-transform 3.10.2 wrote ({@code sog_v2_sh1_200.sog}: 200 splats of SH degree 1, made
 * from a cloud of our own with {@code splat-transform -g cpu}); agreement with splat-transform's own decoding is
 * {@code PeerToolsTest}'s. Here: structure, and bad input.
 */
class SogFormatTest {
    static byte[] sample() throws IOException {
        try (InputStream in = SogFormatTest.class.getResourceAsStream("/splat/sog_v2_sh1_200.sog")) {
            return in.readAllBytes();
        }
    }

    /** The archive's entries, in order. */
    static Map<String, byte[]> entries(byte[] zip) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (org.apache.commons.compress.archivers.zip.ZipFile z = org.apache.commons.compress.archivers.zip.ZipFile
                .builder().setSeekableByteChannel(new org.apache.commons.compress.utils.SeekableInMemoryByteChannel(
                        zip)).get()) {
            for (var e : java.util.Collections.list(z.getEntries())) {
                try (InputStream in = z.getInputStream(e)) {
                    m.put(e.getName(), in.readAllBytes());
                }
            }
        }
        return m;
    }

    static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bos.toByteArray();
    }

    static byte[] withMeta(Consumer<JsonObject> edit) throws IOException {
        Map<String, byte[]> e = entries(sample());
        JsonObject meta = JsonParser.parseString(new String(e.get("meta.json"), StandardCharsets.UTF_8))
                .getAsJsonObject();
        edit.accept(meta);
        e.put("meta.json", meta.toString().getBytes(StandardCharsets.UTF_8));
        return zip(e);
    }

    static String fails(byte[] data) {
        IOException e = assertThrows(IOException.class, () -> new SogFormat().read(data, "bad.sog"));
        assertTrue(e.getMessage().startsWith("bad.sog: "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void readsTheSampleInPlyFrameWithPlausibleValues() throws IOException {
        GaussianCloud c = new SogFormat().read(sample(), "sample.sog");
        assertEquals(200, c.size());
        assertEquals(1, c.shDegree());
        SplatTestSupport.assertPlausible(c, "sample.sog");
        // re-zipped with java.util.zip (DEFLATED entries, no data descriptors): the same cloud
        assertEquals(c, new SogFormat().read(zip(entries(sample())), "rezipped.sog"));
        // through SplatIO by extension, converted from SOG's PLY frame (RDF) to jME's: y and z negated
        Path f = TestData.out("sog").resolve("sample.sog");
        Files.write(f, sample());
        GaussianCloud rub = SplatIO.read(f);
        assertEquals(-c.positions()[1], rub.positions()[1], 1e-7);
        assertEquals(-c.positions()[2], rub.positions()[2], 1e-7);
        IOException w = assertThrows(IOException.class, () -> SplatIO.write(c, f.resolveSibling("out.sog")));
        assertTrue(w.getMessage().contains("writing SOG is not supported"), w.getMessage());
    }

    @Test
    void badArchivesAndMetadataAreErrorsNamingTheFile() throws IOException {
        assertTrue(fails("not a zip".getBytes(StandardCharsets.UTF_8)).contains("ZIP"));
        Map<String, byte[]> noMeta = entries(sample());
        noMeta.remove("meta.json");
        assertTrue(fails(zip(noMeta)).contains("no meta.json"));
        Map<String, byte[]> noImage = entries(sample());
        noImage.remove("quats.webp");
        assertTrue(fails(zip(noImage)).contains("quats.webp, which is not in the archive"));
        assertTrue(fails(withMeta(m -> m.remove("version"))).contains("version 1"));
        assertTrue(fails(withMeta(m -> m.addProperty("version", 3))).contains("unsupported SOG version 3"));
        assertTrue(fails(withMeta(m -> m.addProperty("count", 1 << 30))).contains("outside"));
        // more Gaussians than the images hold: found from the image headers, before decoding
        assertTrue(fails(withMeta(m -> m.addProperty("count", 100_000))).contains("does not fit 100000 Gaussians"));
        assertTrue(fails(withMeta(m -> m.getAsJsonObject("scales").remove("codebook"))).contains("codebook"));
        assertTrue(fails(withMeta(m -> m.getAsJsonObject("shN").addProperty("bands", 2)))
                .contains("centroid image"));
        Map<String, byte[]> junk = entries(sample());
        junk.put("means_l.webp", "RIFF....WEBPjunk".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(fails(zip(junk)).contains("means_l.webp is not a readable WebP image"));
    }

    @Test
    void aZipBombEntryIsRefusedWithoutInflatingIt() throws IOException {
        Map<String, byte[]> e = entries(sample());
        e.put("sh0.webp", new byte[64 << 20]); // 64 MiB of zeros deflate to ~64 KB
        byte[] bomb = zip(e);
        assertTrue(bomb.length < 200_000, "bomb of " + bomb.length + " bytes");
        assertTrue(fails(bomb).contains("a ZIP bomb?"));
        // sanity: the normal file is under every bound
        try (ZipInputStream z = new ZipInputStream(new java.io.ByteArrayInputStream(zip(entries(sample()))))) {
            assertTrue(z.getNextEntry() != null);
        }
    }
}
