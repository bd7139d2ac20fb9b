package io.github.gen3d.splat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * PlayCanvas SOG ("Spatially Ordered Gaussians", {@code .sog}), version 2, bundled form: a ZIP holding
 * {@code meta.json} and lossless WebP images, read only (no writer: SOG's palettes are fitted by clustering, which
 * is splat-transform's job). The images are decoded with TwelveMonkeys' {@code imageio-webp}.
 *
 * <p>Layout (the PlayCanvas specification, as splat-transform 3.10 writes it): pixel {@code i} (row-major) of
 * every per-Gaussian image belongs to Gaussian {@code i}.
 * <ul>
 * <li>{@code means}: two RGB images, low and high bytes of a 16-bit value per axis, mapped linearly onto
 * {@code [mins, maxs]} of {@code sign(x)·ln(|x| + 1)}; the position is the inverse of that transform.</li>
 * <li>{@code scales}: RGB indices into a 256-entry codebook of natural-log scales.</li>
 * <li>{@code quats}: smallest three: R, G, B the three smaller components as {@code (v·√2·0.5 + 0.5)·255} in
 * w, x, y, z order without the largest, whose index is {@code A − 252}; the largest is rebuilt positive.</li>
 * <li>{@code sh0}: RGB indices into a 256-entry codebook of SH DC coefficients; A the opacity × 255.</li>
 * <li>{@code shN} (optional): a 16-bit palette label per Gaussian (R + 256·G) and a centroid image 64 palette
 * entries wide, each entry one texel per higher-order coefficient whose R, G, B index a 256-entry codebook.</li>
 * </ul>
 * SOG stores the same frame as INRIA PLY files ({@link SplatFrame#RDF}).
 *
 * <p>Safety: the ZIP is inflated with a bound of {@value #MAX_PLAUSIBLE_RATIO} bytes per file byte in total (WebP
 * is already compressed), {@code meta.json} at most 16 MiB; every image's size is read from its header and checked
 * against the count before it is decoded; lossy WebP images are read with a warning (the specification forbids
 * them: they corrupt the indices).
 */
final class SogFormat implements SplatFormat {
    private static final Logger LOGGER = Logger.getLogger(SogFormat.class.getName());
    /** Largest total inflated size per byte of the file. */
    static final long MAX_PLAUSIBLE_RATIO = 64;
    private static final int MAX_META_BYTES = 16 << 20;
    /** Most Gaussians in one file (as for SPZ). */
    static final int MAX_COUNT = SpzFormat.MAX_POINTS;
    private static final int[] QUAT_ORDER = {1, 2, 3, 0, 2, 3, 0, 1, 3, 0, 1, 2};
    private static final int[] SH_REST = {0, 3, 8, 15};

    @Override
    public String extension() {
        return "sog";
    }

    @Override
    public SplatFrame nativeFrame() {
        return SplatFrame.RDF;
    }

    @Override
    public void write(GaussianCloud cloud, OutputStream out) throws IOException {
        throw new IOException("writing SOG is not supported (read-only format); write .spz, .ply, .splat or .glb");
    }

    @Override
    public GaussianCloud read(byte[] data, String name) throws IOException {
        Map<String, byte[]> files = unzip(data, name);
        byte[] metaBytes = files.get("meta.json");
        if (metaBytes == null) {
            throw fail(name, "no meta.json in the archive (not a bundled SOG file)");
        }
        JsonObject meta;
        try {
            JsonElement e = JsonParser.parseString(new String(metaBytes, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw fail(name, "meta.json must hold a JSON object");
            }
            meta = e.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException | StackOverflowError e) {
            throw fail(name, "meta.json is not valid JSON: " + e.getMessage());
        }
        if (!meta.has("version")) {
            throw fail(name, "SOG version 1 (meta.json without \"version\") is not supported; convert it with"
                    + " splat-transform");
        }
        long version = integer(meta, "version", name);
        if (version != 2) {
            throw fail(name, "unsupported SOG version " + version + " (supported: 2)");
        }
        long count = integer(meta, "count", name);
        if (count < 0 || count > MAX_COUNT) {
            throw fail(name, "count " + count + " is outside 0.." + MAX_COUNT);
        }
        int n = (int) count;
        JsonObject means = object(meta, "means", name);
        double[] mins = numbers(means, "mins", 3, name);
        double[] maxs = numbers(means, "maxs", 3, name);
        int[] lo = image(files, fileName(means, 0, name), n, name);
        int[] hi = image(files, fileName(means, 1, name), n, name);
        JsonObject scalesJ = object(meta, "scales", name);
        double[] scaleBook = numbers(scalesJ, "codebook", 256, name);
        int[] scales = image(files, fileName(scalesJ, 0, name), n, name);
        int[] quats = image(files, fileName(object(meta, "quats", name), 0, name), n, name);
        JsonObject sh0J = object(meta, "sh0", name);
        double[] dcBook = numbers(sh0J, "codebook", 256, name);
        int[] sh0 = image(files, fileName(sh0J, 0, name), n, name);
        int bands = 0;
        double[] shBook = null;
        int[] labels = null;
        int[] centroids = null;
        int centroidWidth = 0;
        int palette = 0;
        if (meta.has("shN") && !meta.get("shN").isJsonNull()) {
            JsonObject shN = object(meta, "shN", name);
            long b = integer(shN, "bands", name);
            if (b < 0 || b > 3) {
                throw fail(name, "shN.bands is " + b + "; SH bands go up to 3");
            }
            bands = (int) b;
            if (bands > 0) {
                shBook = numbers(shN, "codebook", 256, name);
                long pc = integer(shN, "count", name);
                if (pc < 0 || pc > 65536) {
                    throw fail(name, "shN.count " + pc + " is outside 0..65536 (labels are 16-bit)");
                }
                palette = (int) pc;
                centroidWidth = 64 * SH_REST[bands];
                int rows = (palette + 63) / 64;
                int[] dims = new int[2];
                centroids = image(files, fileName(shN, 0, name), -1, name, dims);
                if (dims[0] != centroidWidth || dims[1] < rows) {
                    throw fail(name, "the SH centroid image is " + dims[0] + "x" + dims[1] + "; " + palette
                            + " palette entries of " + bands + " bands need " + centroidWidth + "x" + rows);
                }
                labels = image(files, fileName(shN, 1, name), n, name);
            }
        }
        GaussianCloud cloud = new GaussianCloud(n, bands);
        int k = cloud.shCoefficients();
        int rest = SH_REST[bands];
        float[] p = cloud.positions();
        float[] s = cloud.scales();
        float[] r = cloud.rotations();
        float[] o = cloud.opacities();
        float[] sh = cloud.sh();
        double sqrt2 = Math.sqrt(2);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                int v = channel(lo[i], c) | channel(hi[i], c) << 8;
                double range = maxs[c] - mins[c];
                double t = mins[c] + (range != 0 ? range : 1) * (v / 65535.0);
                p[i * 3 + c] = (float) (Math.signum(t) * Math.expm1(Math.abs(t)));
                s[i * 3 + c] = (float) Math.exp(scaleBook[channel(scales[i], c)]);
                sh[i * k * 3 + c] = (float) dcBook[channel(sh0[i], c)];
            }
            o[i] = channel(sh0[i], 3) / 255f;
            int tag = channel(quats[i], 3) - 252;
            if (tag < 0 || tag > 3) {
                r[i * 4] = 1; // not a packed quaternion: identity, as splat-transform reads it
            } else {
                double sum = 0;
                for (int c = 0; c < 3; c++) {
                    double v = (channel(quats[i], c) / 255.0 * 2 - 1) / sqrt2;
                    r[i * 4 + QUAT_ORDER[tag * 3 + c]] = (float) v;
                    sum += v * v;
                }
                r[i * 4 + tag] = (float) Math.sqrt(Math.max(0, 1 - sum));
            }
            if (rest > 0) {
                int label = channel(labels[i], 0) | channel(labels[i], 1) << 8;
                if (label < palette) {
                    int row = label / 64;
                    int col = (label % 64) * rest;
                    for (int j = 0; j < rest; j++) {
                        int texel = centroids[row * centroidWidth + col + j];
                        for (int c = 0; c < 3; c++) {
                            sh[(i * k + 1 + j) * 3 + c] = (float) shBook[channel(texel, c)];
                        }
                    }
                }
            }
        }
        return cloud;
    }

    /** Channel {@code c} (0 R, 1 G, 2 B, 3 A) of a packed RGBA value. */
    private static int channel(int rgba, int c) {
        return rgba >>> (24 - 8 * c) & 0xFF;
    }

    private static Map<String, byte[]> unzip(byte[] data, String name) throws IOException {
        long budget = Math.max(1 << 20, (long) data.length * MAX_PLAUSIBLE_RATIO);
        Map<String, byte[]> files = new HashMap<>();
        // the central directory (Commons Compress): entries may be STORED with data descriptors, as splat-transform
        // writes them
        try (org.apache.commons.compress.archivers.zip.ZipFile zip = org.apache.commons.compress.archivers.zip.ZipFile
                .builder().setSeekableByteChannel(new org.apache.commons.compress.utils.SeekableInMemoryByteChannel(
                        data)).get()) {
            int entries = 0;
            for (Iterator<org.apache.commons.compress.archivers.zip.ZipArchiveEntry> it = zip.getEntries().asIterator();
                    it.hasNext();) {
                org.apache.commons.compress.archivers.zip.ZipArchiveEntry e = it.next();
                if (++entries > 64) {
                    throw fail(name, "more than 64 entries in the archive");
                }
                if (e.isDirectory()) {
                    continue;
                }
                int cap = (int) Math.min(e.getName().equals("meta.json") ? MAX_META_BYTES : Integer.MAX_VALUE - 16,
                        budget);
                byte[] bytes;
                try (java.io.InputStream in = zip.getInputStream(e)) {
                    bytes = in.readNBytes(cap);
                    if (in.read() >= 0) {
                        throw fail(name, "archive entry " + PlyHeader.clip(e.getName()) + " inflates to more than "
                                + cap + " bytes, far more than a SOG file of " + data.length + " bytes holds (a ZIP"
                                + " bomb?)");
                    }
                }
                budget -= bytes.length;
                files.put(e.getName(), bytes);
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(name + ": ")) {
                throw e;
            }
            throw fail(name, "not a valid ZIP archive: " + e.getMessage());
        } catch (RuntimeException e) {
            throw fail(name, "not a valid ZIP archive: " + e);
        }
        if (files.isEmpty()) {
            throw fail(name, "not a SOG file (no ZIP entries)");
        }
        return files;
    }

    private static int[] image(Map<String, byte[]> files, String file, int count, String name) throws IOException {
        return image(files, file, count, name, new int[2]);
    }

    /**
     * Decodes one image of the archive to packed RGBA ints (R in the top byte); checks its size from the header
     * before decoding: at least {@code count} pixels, at most four times that plus a row of slack.
     */
    private static int[] image(Map<String, byte[]> files, String file, int count, String name, int[] dims)
            throws IOException {
        byte[] bytes = files.get(file);
        if (bytes == null) {
            throw fail(name, "meta.json names " + PlyHeader.clip(file) + ", which is not in the archive");
        }
        String what = name + ": " + PlyHeader.clip(file);
        if (bytes.length >= 16 && bytes[12] == 'V' && bytes[13] == 'P' && bytes[14] == '8' && bytes[15] == ' ') {
            LOGGER.log(Level.WARNING, "{0} is lossy WebP; SOG requires lossless images, values may be off", what);
        }
        ImageReader reader = webpReader();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            int w = reader.getWidth(0);
            int h = reader.getHeight(0);
            long pixels = (long) w * h;
            long most = count < 0 ? 64L * 16 * 1024 : 4L * count + 4096;
            if (w <= 0 || h <= 0 || pixels < Math.max(count, 0) || pixels > most) {
                throw fail(name, PlyHeader.clip(file) + " is " + w + "x" + h + ", which does not fit "
                        + (count < 0 ? "an SH palette" : count + " Gaussians"));
            }
            BufferedImage img = reader.read(0);
            dims[0] = img.getWidth();
            dims[1] = img.getHeight();
            if (img.isAlphaPremultiplied()) {
                img.coerceData(false);
            }
            Raster ras = img.getRaster();
            int bandsIn = ras.getNumBands();
            int[] px = new int[bandsIn];
            int[] out = new int[dims[0] * dims[1]];
            for (int y = 0; y < dims[1]; y++) {
                for (int x = 0; x < dims[0]; x++) {
                    ras.getPixel(x, y, px);
                    int a = bandsIn >= 4 ? px[3] : 255;
                    int g = bandsIn >= 3 ? px[1] : px[0];
                    int b = bandsIn >= 3 ? px[2] : px[0];
                    out[y * dims[0] + x] = px[0] << 24 | g << 16 | b << 8 | a;
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            if (e instanceof IOException io && io.getMessage() != null && io.getMessage().startsWith(name + ": ")) {
                throw io;
            }
            throw fail(name, PlyHeader.clip(file) + " is not a readable WebP image: " + e.getMessage());
        } finally {
            reader.dispose();
        }
    }

    private static ImageReader webpReader() throws IOException {
        Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("webp");
        if (!it.hasNext()) {
            ImageIO.scanForPlugins(); // a plugin jar added after ImageIO first looked (application servers, tests)
            it = ImageIO.getImageReadersByFormatName("webp");
        }
        if (!it.hasNext()) {
            throw new IOException("no WebP image reader (TwelveMonkeys imageio-webp) on the classpath");
        }
        return it.next();
    }

    private static String fileName(JsonObject o, int index, String name) throws IOException {
        JsonElement f = o.get("files");
        if (f == null || !f.isJsonArray() || f.getAsJsonArray().size() <= index
                || !f.getAsJsonArray().get(index).isJsonPrimitive()) {
            throw fail(name, "meta.json lacks file " + index + " of a property");
        }
        return f.getAsJsonArray().get(index).getAsString();
    }

    private static JsonObject object(JsonObject o, String key, String name) throws IOException {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonObject()) {
            throw fail(name, "meta.json has no object \"" + key + "\"");
        }
        return e.getAsJsonObject();
    }

    private static long integer(JsonObject o, String key, String name) throws IOException {
        JsonElement e = o.get(key);
        try {
            if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
                double d = e.getAsDouble();
                if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                    return (long) d;
                }
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw fail(name, "meta.json: \"" + key + "\" must be an integer");
    }

    private static double[] numbers(JsonObject o, String key, int size, String name) throws IOException {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonArray() || e.getAsJsonArray().size() != size) {
            throw fail(name, "meta.json: \"" + key + "\" must be an array of " + size + " numbers");
        }
        JsonArray a = e.getAsJsonArray();
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            try {
                v[i] = a.get(i).getAsDouble();
            } catch (RuntimeException ex) {
                throw fail(name, "meta.json: \"" + key + "\"[" + i + "] is not a number");
            }
            if (!Double.isFinite(v[i])) {
                throw fail(name, "meta.json: \"" + key + "\"[" + i + "] is not finite");
            }
        }
        return v;
    }

    private static IOException fail(String name, String problem) {
        return new IOException(name + ": " + problem);
    }
}
