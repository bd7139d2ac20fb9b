package io.github.gen3d.splat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.jme3.math.Quaternion;
import com.jme3.math.Transform;
import com.jme3.math.Vector3f;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gaussian splats in binary glTF ({@code .glb}) with the {@code KHR_gaussian_splatting} extension.
 *
 * <h2>What is read</h2>
 * <ul>
 * <li>The GLB container: 12-byte header (magic {@code "glTF"}, version 2, total length), a JSON chunk, and an
 * optional BIN chunk that backs {@code buffers[0]}. Other buffers may be base64 {@code data:} URIs; external
 * files are refused.</li>
 * <li>Every primitive with {@code extensions.KHR_gaussian_splatting}, in every mesh instance of the default
 * scene (see {@link GltfNodes}), concatenated in scene order. Primitives without the extension (ordinary
 * meshes) are skipped. A mesh used by two nodes gives its splats twice.</li>
 * <li>Attributes, as the extension's current text (Release Candidate, July 2026) defines them: {@code POSITION}
 * (VEC3), {@code KHR_gaussian_splatting:ROTATION} (VEC4, quaternion <b>x, y, z, w</b>),
 * {@code KHR_gaussian_splatting:SCALE} (VEC3, <b>linear</b> standard deviations, never negative),
 * {@code KHR_gaussian_splatting:OPACITY} (SCALAR, <b>linear</b>, in [0, 1]; other values are an error) and
 * {@code KHR_gaussian_splatting:SH_DEGREE_ℓ_COEF_n} (VEC3 RGB, n = m + ℓ for order m = −ℓ..ℓ; the same basis,
 * signs and order as INRIA's {@code f_dc}/{@code f_rest}, so they copy straight into
 * {@link GaussianCloud#sh()}; colour = 0.5 + C0·SH_DEGREE_0_COEF_0). {@code SH_DEGREE_0_COEF_0}, {@code kernel}
 * and {@code colorSpace} are required: a primitive without them is an error naming it. Any glTF component type
 * is decoded, with {@code normalized} integers mapped per the glTF rules (so the quantised encodings the
 * extension allows, i8/i16 normalised rotations, u8/u16 scales, u8/u16 normalised opacity, work, and so do
 * {@code KHR_mesh_quantization} positions).</li>
 * <li>Older drafts, only where a file tells for certain which one it follows, with a warning naming the file:
 * <ul>
 * <li>the January 2026 draft stored the <b>natural log</b> of the scales, with signed component types allowed.
 * A file is read as that draft when one of its SCALE accessors has a signed component type or holds a negative
 * value, neither of which the current text allows; then every SCALE of the file is exponentiated. A file from
 * that draft whose log scales are all ≥ 0 (every splat at least one unit wide) cannot be told from a current one
 * and is read as linear.</li>
 * <li>the 2024 draft named the attributes {@code _ROTATION} and {@code _SCALE} (linear) and kept the diffuse
 * colour and the opacity in {@code COLOR_0}; a primitive with {@code _SCALE} and no
 * {@code KHR_gaussian_splatting:SCALE} is read that way (no {@code kernel} or {@code colorSpace} needed; sRGB).</li>
 * </ul></li>
 * <li>Node transforms (matrix or TRS, composed down the hierarchy) are applied to positions, rotations, scales
 * and SH with {@link GaussianCloud#transformInPlace}; a mirroring node is handled as a reflection. A node
 * whose world matrix has a non-uniform scale or shear is refused with an {@link IOException}: such a
 * Gaussian is no longer described by one rotation and per-axis scales in the way this reader applies them.</li>
 * </ul>
 *
 * <h2>Colour space</h2>
 * {@link GaussianCloud} colours are display-ready values, as INRIA training writes them; that is the
 * extension's {@code srgb_rec709_display}, which is copied as is. {@code lin_rec709_display} data is
 * converted: each splat's base colour {@code b = 0.5 + C0·dc} becomes {@code srgb(b)} (the sRGB transfer
 * function, continued linearly below 0 and by its power law above 1), and the higher SH bands of that channel
 * are multiplied by {@code srgb'(b)}, the first-order change of the view-dependent part. An unknown
 * {@code colorSpace} is read as sRGB with a warning (a missing one is an error, see above). The writer always writes
 * {@code srgb_rec709_display}.
 *
 * <h2>Frame</h2>
 * glTF is right-handed with +Y up and −Z forward, i.e. {@link SplatFrame#RUB}, jME's own frame: no axis change.
 *
 * <h2>Safety</h2>
 * Every index, offset, length and count is checked before use (an accessor's last element must lie inside its
 * buffer view, the view inside its buffer, the buffer inside the BIN chunk); malformed input gives an
 * {@link IOException} naming the file and the problem. Instancing cannot blow a small file up: a file of
 * {@code b} bytes may yield at most {@link #maxSplats(long) b / 4} splats. Extensions listed in
 * {@code extensionsRequired} other than {@code KHR_gaussian_splatting}, {@code KHR_mesh_quantization} and the SPZ
 * compression below (meshopt, Draco …) and sparse accessors are refused with a clear message.
 *
 * <h2>SPZ compression</h2>
 * A primitive whose {@code KHR_gaussian_splatting} object nests {@code KHR_gaussian_splatting_compression_spz_2}
 * takes its splats from the SPZ blob in that extension's buffer view ({@link SpzFormat}, any SPZ version it
 * reads). SPZ's axes are RUB while the extension packs with SPZ's "LUF" option (glTF seen as +X left, +Z front),
 * so x and z are negated (a 180° turn about Y) to reach glTF coordinates. The placeholder accessors are not
 * read; a POSITION count that disagrees with the blob is an error. A blob's own points are bounded by the SPZ
 * reader's size rules; repeated instances of it count against the limit above.
 *
 * <p>Instances are immutable and may be shared between threads.
 */
final class GltfSplatFormat implements SplatFormat {
    private static final Logger LOGGER = Logger.getLogger(GltfSplatFormat.class.getName());

    /** The extension's name, and the prefix of its attribute semantics. */
    static final String EXTENSION = "KHR_gaussian_splatting";
    static final String PREFIX = EXTENSION + ":";
    static final String ROTATION = PREFIX + "ROTATION";
    static final String SCALE = PREFIX + "SCALE";
    static final String OPACITY = PREFIX + "OPACITY";
    /** The 2024 draft's attribute names (linear scales, rotation x y z w). */
    static final String DRAFT_ROTATION = "_ROTATION";
    static final String DRAFT_SCALE = "_SCALE";
    /** "glTF" as a little-endian u32. */
    static final int MAGIC = 0x46546C67;
    static final int CHUNK_JSON = 0x4E4F534A;
    static final int CHUNK_BIN = 0x004E4942;
    static final String SRGB = "srgb_rec709_display";
    static final String LINEAR = "lin_rec709_display";
    /** The SPZ compression extension, nested in a primitive's KHR_gaussian_splatting object. */
    static final String SPZ_EXTENSION = "KHR_gaussian_splatting_compression_spz_2";
    /** The same without the version suffix, as the extension's README spells it in {@code extensionsUsed}. */
    private static final String SPZ_EXTENSION_UNVERSIONED = "KHR_gaussian_splatting_compression_spz";
    /** Extensions a file may require and still be read. */
    private static final Set<String> SUPPORTED_REQUIRED = Set.of(EXTENSION, "KHR_mesh_quantization", SPZ_EXTENSION,
            SPZ_EXTENSION_UNVERSIONED);
    /** SPZ stores RUB; glTF, in SPZ's terms, is LUF (+X left, +Z front): a 180° turn about Y. */
    private static final double[] SPZ_TO_GLTF = {-1, 0, 0, 0, 1, 0, 0, 0, -1};

    /** @return the SH attribute semantic for degree {@code l}, coefficient {@code n} (0 ≤ n ≤ 2l) */
    static String shAttribute(int l, int n) {
        return PREFIX + "SH_DEGREE_" + l + "_COEF_" + n;
    }

    /**
     * Most splats a file of {@code fileBytes} bytes may produce: one per 4 bytes. A splat's own data takes at
     * least ~25 bytes even fully quantised, so this leaves room for instancing while keeping a tiny file from
     * asking for a huge cloud.
     *
     * @param fileBytes the file's size
     * @return the limit
     */
    static long maxSplats(long fileBytes) {
        return fileBytes / 4;
    }

    @Override
    public String extension() {
        return "glb";
    }

    @Override
    public SplatFrame nativeFrame() {
        return SplatFrame.RUB;
    }

    // ------------------------------------------------------------------ reading

    @Override
    public GaussianCloud read(byte[] data, String name) throws IOException {
        GltfJson json = new GltfJson(name);
        ByteBuffer bb = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 12) {
            throw json.error("too short for a .glb (" + data.length + " bytes; the header alone is 12)");
        }
        if (bb.getInt(0) != MAGIC) {
            boolean text = data[0] == '{' || (data.length > 3 && (data[0] & 0xFF) == 0xEF && data[3] == '{');
            throw json.error(text ? "is a JSON glTF (.gltf text), not a binary .glb"
                    : "not a binary glTF file (the first 4 bytes are not 'glTF')");
        }
        long version = bb.getInt(4) & 0xFFFFFFFFL;
        if (version != 2) {
            throw json.error("GLB version " + version + " is not supported (only version 2, i.e. glTF 2.0)");
        }
        long length = bb.getInt(8) & 0xFFFFFFFFL;
        if (length > data.length) {
            throw json.error("the GLB header says " + length + " bytes but the file has only " + data.length
                    + " (truncated?)");
        }
        if (length < 20) {
            throw json.error("the GLB header's length " + length + " leaves no room for the JSON chunk");
        }
        if (length < data.length) {
            LOGGER.log(Level.WARNING, "{0}: ignoring {1} bytes after the GLB''s declared length {2}",
                    new Object[] {name, data.length - length, length});
        }
        int end = (int) length;
        long jsonLength = bb.getInt(12) & 0xFFFFFFFFL;
        if (bb.getInt(16) != CHUNK_JSON) {
            throw json.error("the first GLB chunk is not JSON (type 0x" + Integer.toHexString(bb.getInt(16)) + ")");
        }
        if (jsonLength > end - 20) {
            throw json.error("the JSON chunk claims " + jsonLength + " bytes but only " + (end - 20)
                    + " follow (truncated?)");
        }
        int jsonEnd = 20 + (int) jsonLength;
        int trimmed = jsonEnd;
        while (trimmed > 20 && (data[trimmed - 1] == 0 || data[trimmed - 1] == ' ')) {
            trimmed--; // padding: spaces by the spec, NULs by some writers
        }
        JsonObject root = json.parse(data, 20, trimmed - 20);
        int binOffset = -1;
        int binLength = 0;
        int pos = jsonEnd;
        if (end - pos >= 8) {
            long chunkLength = bb.getInt(pos) & 0xFFFFFFFFL;
            int type = bb.getInt(pos + 4);
            if (chunkLength > end - pos - 8) {
                throw json.error("the GLB chunk at byte " + pos + " claims " + chunkLength + " bytes but only "
                        + (end - pos - 8) + " follow (truncated?)");
            }
            if (type == CHUNK_BIN) {
                binOffset = pos + 8;
                binLength = (int) chunkLength;
            } else {
                LOGGER.log(Level.WARNING, "{0}: the second GLB chunk has type 0x{1}, not BIN; ignored",
                        new Object[] {name, Integer.toHexString(type)});
            }
        }
        return decode(json, root, data, binOffset, binLength);
    }

    /** Reads the splats of a parsed glTF whose BIN chunk (if any) is {@code data[binOffset .. +binLength]}. */
    static GaussianCloud decode(GltfJson json, JsonObject root, byte[] data, int binOffset, int binLength)
            throws IOException {
        JsonObject asset = json.object(root, "asset", "the glTF root");
        String assetVersion = asset == null ? null : json.string(asset, "version", "asset", null);
        if (assetVersion != null && !assetVersion.startsWith("2.")) {
            throw json.error("asset.version is '" + GltfJson.quote(assetVersion) + "'; only glTF 2.x is supported");
        }
        JsonArray required = json.array(root, "extensionsRequired", "the glTF root");
        for (int i = 0; i < required.size(); i++) {
            JsonElement e = required.get(i);
            String ext = e.isJsonPrimitive() ? e.getAsString() : e.toString();
            if (!SUPPORTED_REQUIRED.contains(ext)) {
                throw json.error("requires the glTF extension '" + GltfJson.quote(ext)
                        + "', which this reader does not support");
            }
        }
        GltfAccessor.Buffers buffers = new GltfAccessor.Buffers(json, root, data, binOffset, binLength);
        JsonArray meshes = json.array(root, "meshes", "the glTF root");
        long budget = maxSplats(data.length);
        long total = 0;
        SpzBlobs spzBlobs = new SpzBlobs();
        Set<String> notes = new LinkedHashSet<>();
        List<Primitive> read = new ArrayList<>();
        List<GaussianCloud> pieces = new ArrayList<>();
        int skipped = 0;
        for (GltfNodes.Instance inst : GltfNodes.instances(json, root)) {
            String mw = "meshes[" + inst.mesh() + "]";
            JsonObject mesh = json.element(meshes, inst.mesh(), "meshes");
            JsonArray prims = json.array(mesh, "primitives", mw);
            for (int p = 0; p < prims.size(); p++) {
                String pw = mw + ".primitives[" + p + "]";
                JsonObject prim = json.element(prims, p, mw + ".primitives");
                JsonObject exts = json.object(prim, "extensions", pw);
                JsonObject ext = exts == null ? null : json.object(exts, EXTENSION, pw + ".extensions");
                if (ext == null) {
                    skipped++;
                    continue;
                }
                JsonObject spz = spzExtension(json, ext, pw);
                Primitive piece;
                if (spz != null) {
                    String sw = pw + ".extensions." + EXTENSION + ".extensions." + SPZ_EXTENSION;
                    GltfAccessor.View view = GltfAccessor.View.resolve(json, root, buffers, spz.get("bufferView"),
                            sw + ".bufferView");
                    GaussianCloud first = spzBlobs.decoded(view);
                    if (first == null) {
                        first = readSpz(json, root, prim, ext, view, sw, pw, notes);
                        // the SPZ reader bounds a blob's points by the blob's size, so bytes no other blob used
                        // earn their points; repeats and overlapping views count against the budget
                        budget += spzBlobs.add(view, first);
                    }
                    if (total + first.size() > budget) {
                        throw json.error(pw + " would bring the splat count past " + budget
                                + "; a file of this size cannot hold that many (instancing limit)");
                    }
                    piece = new Primitive(first.copy(), false, null, inst);
                } else {
                    piece = readPrimitive(json, root, buffers, prim, ext, pw, budget - total, notes, inst);
                }
                total += piece.cloud().size();
                read.add(piece);
            }
        }
        if (read.isEmpty()) {
            throw json.error("has no " + EXTENSION + " primitives (a mesh glTF?)");
        }
        String logEvidence = null;
        for (Primitive piece : read) {
            logEvidence = logEvidence != null ? logEvidence : piece.logEvidence();
        }
        if (logEvidence != null) {
            notes.add("read as the January 2026 draft of " + EXTENSION + ", whose SCALE holds natural logs: "
                    + logEvidence + ", which the current text (linear scales, never negative) forbids");
        }
        for (Primitive piece : read) {
            GaussianCloud cloud = piece.cloud();
            if (piece.rawScales() && logEvidence != null) {
                float[] sc = cloud.scales();
                for (int i = 0; i < sc.length; i++) {
                    sc[i] = (float) Math.exp(sc[i]);
                }
            }
            if (piece.instance().world() != null) {
                applyWorld(json, cloud, piece.instance().world(), piece.instance().describe());
            }
            pieces.add(cloud);
        }
        if (skipped > 0) {
            LOGGER.log(Level.INFO, "{0}: skipped {1} primitive(s) without {2} (ordinary meshes)",
                    new Object[] {json.name(), skipped, EXTENSION});
        }
        int logged = 0;
        for (String note : notes) {
            if (logged++ == 10) {
                LOGGER.log(Level.WARNING, "{0}: ... and {1} more notes like these",
                        new Object[] {json.name(), notes.size() - 10});
                break;
            }
            LOGGER.log(Level.WARNING, "{0}: {1}", new Object[] {json.name(), note});
        }
        return concat(pieces, total);
    }

    /** @return the primitive's SPZ compression object, or null when its data is in plain accessors */
    private static JsonObject spzExtension(GltfJson json, JsonObject ext, String pw) throws IOException {
        String ew = pw + ".extensions." + EXTENSION;
        JsonObject nested = json.object(ext, "extensions", ew);
        if (nested == null) {
            return null;
        }
        JsonObject spz = json.object(nested, SPZ_EXTENSION, ew + ".extensions");
        return spz != null ? spz : json.object(nested, SPZ_EXTENSION_UNVERSIONED, ew + ".extensions");
    }

    /**
     * Decodes an SPZ-compressed primitive ({@value #SPZ_EXTENSION}): the SPZ blob in the extension's buffer view
     * is read with {@link SpzFormat} and turned from SPZ's RUB into glTF's axes (x and z negated, as the
     * extension's "LUF" unpack option does); the placeholder accessors are not read, but their count must match.
     */
    private static GaussianCloud readSpz(GltfJson json, JsonObject root, JsonObject prim, JsonObject ext,
            GltfAccessor.View view, String sw, String pw, Set<String> notes) throws IOException {
        byte[] blob = Arrays.copyOfRange(view.data(), view.offset(), view.offset() + view.length());
        GaussianCloud cloud = new SpzFormat().read(blob, json.name() + ": " + sw);
        cloud.applyOrthogonal(SPZ_TO_GLTF);
        JsonObject attrs = json.object(prim, "attributes", pw);
        JsonArray accessors = json.array(root, "accessors", "the glTF root");
        if (attrs != null && attrs.has("POSITION")) {
            int ai = json.index(attrs.get("POSITION"), pw + ".attributes.POSITION", accessors.size(), "accessors");
            long count = json.integer(json.element(accessors, ai, "accessors"), "count", "accessors[" + ai + "]",
                    -1, 0, Integer.MAX_VALUE);
            if (count >= 0 && count != cloud.size()) {
                throw json.error(pw + ": the SPZ data holds " + cloud.size() + " points but accessors[" + ai
                        + "].count is " + count);
            }
        }
        if (LINEAR.equals(colorSpace(json, ext, pw, notes))) {
            linearToSrgb(cloud);
        }
        return cloud;
    }

    /** Decoded SPZ blobs by the bytes they came from, and the byte ranges already credited to the budget. */
    private static final class SpzBlobs {
        private record Key(byte[] data, int offset, int length) {
        }

        private final Map<Key, GaussianCloud> decoded = new HashMap<>();
        private final Map<byte[], TreeMap<Integer, Integer>> credited = new IdentityHashMap<>();

        /** @return the cloud already decoded from exactly these bytes, or null */
        GaussianCloud decoded(GltfAccessor.View v) {
            return decoded.get(new Key(v.data(), v.offset(), v.length()));
        }

        /**
         * Remembers a decoded blob.
         *
         * @return the points to add to the budget: the cloud's size if its bytes overlap no credited blob, else 0
         */
        long add(GltfAccessor.View v, GaussianCloud cloud) {
            decoded.put(new Key(v.data(), v.offset(), v.length()), cloud);
            TreeMap<Integer, Integer> ranges = credited.computeIfAbsent(v.data(), d -> new TreeMap<>());
            int start = v.offset();
            int end = start + v.length();
            Map.Entry<Integer, Integer> below = ranges.floorEntry(start);
            Map.Entry<Integer, Integer> above = ranges.ceilingEntry(start);
            if ((below != null && below.getValue() > start) || (above != null && above.getKey() < end)) {
                return 0;
            }
            ranges.put(start, end);
            return cloud.size();
        }
    }

    /** The primitive's colour space; unknown or missing ones are noted and read as sRGB. */
    private static String colorSpace(GltfJson json, JsonObject ext, String pw, Set<String> notes)
            throws IOException {
        String colorSpace = json.string(ext, "colorSpace", pw + ".extensions." + EXTENSION, null);
        if (colorSpace == null || !(SRGB.equals(colorSpace) || LINEAR.equals(colorSpace))) {
            notes.add(pw + " has " + (colorSpace == null ? "no colorSpace" : "colorSpace '"
                    + GltfJson.quote(colorSpace) + "'") + "; read as " + SRGB);
        }
        return colorSpace;
    }

    /**
     * One decoded splat primitive, before its node transform.
     *
     * @param cloud its splats in the file's frame
     * @param rawScales whether {@code cloud}'s scales are the SCALE attribute's values as stored (linear by the
     *     current text, natural logs by the January 2026 draft: the file as a whole decides)
     * @param logEvidence why this primitive can only be the log-scale draft (a signed component type or a negative
     *     value), or null
     * @param instance the mesh instance it came from
     */
    private record Primitive(GaussianCloud cloud, boolean rawScales, String logEvidence, GltfNodes.Instance instance) {
    }

    /** Decodes one splat primitive into a new cloud (file frame, no node transform, scales as stored). */
    private static Primitive readPrimitive(GltfJson json, JsonObject root, GltfAccessor.Buffers buffers,
            JsonObject prim, JsonObject ext, String pw, long budget, Set<String> notes, GltfNodes.Instance inst)
            throws IOException {
        String aw = pw + ".attributes";
        String ew = pw + ".extensions." + EXTENSION;
        JsonObject attrs = json.object(prim, "attributes", pw);
        if (attrs == null) {
            throw json.error(pw + " has no attributes");
        }
        long mode = json.integer(prim, "mode", pw, 4, 0, 6);
        if (mode != 0) {
            notes.add(pw + " has mode " + mode + ", not POINTS (0); read as splats anyway");
        }
        // the 2024 draft: _ROTATION, _SCALE (linear), COLOR_0 (diffuse colour and opacity), no kernel/colorSpace
        boolean draft2024 = !attrs.has(SCALE) && attrs.has(DRAFT_SCALE);
        String kernel = json.string(ext, "kernel", ew, null);
        String colorSpace = json.string(ext, "colorSpace", ew, null);
        if (draft2024) {
            notes.add(pw + " uses the 2024 draft's " + DRAFT_ROTATION + ", " + DRAFT_SCALE
                    + " and COLOR_0 attributes; read with that draft's rules (linear scales, colour and opacity from "
                    + "COLOR_0)");
        } else {
            if (kernel == null) {
                throw json.error(ew + " has no kernel, which " + EXTENSION + " requires (\"ellipse\")");
            }
            if (colorSpace == null) {
                throw json.error(ew + " has no colorSpace, which " + EXTENSION + " requires (\"" + SRGB
                        + "\" or \"" + LINEAR + "\")");
            }
        }
        if (kernel != null && !"ellipse".equals(kernel)) {
            notes.add(pw + " uses kernel '" + GltfJson.quote(kernel) + "'; rendered as 'ellipse'");
        }
        colorSpace = colorSpace == null ? SRGB : colorSpace(json, ext, pw, notes);
        JsonObject nested = json.object(ext, "extensions", ew);
        String nestedNames = nested == null || nested.size() == 0 ? "" : " (it uses " + GltfJson.quote(
                String.join(", ", nested.keySet())) + ", which this reader does not support)";

        GltfAccessor pos = required(json, root, buffers, attrs, "POSITION", aw, nestedNames, 3);
        GltfAccessor rot = required(json, root, buffers, attrs, draft2024 ? DRAFT_ROTATION : ROTATION, aw,
                nestedNames, 4);
        GltfAccessor scale = required(json, root, buffers, attrs, draft2024 ? DRAFT_SCALE : SCALE, aw, nestedNames,
                3);
        GltfAccessor dc = draft2024 ? null : required(json, root, buffers, attrs, shAttribute(0, 0), aw,
                nestedNames, 3);
        GltfAccessor colour = draft2024 ? required(json, root, buffers, attrs, "COLOR_0", aw, "", 3, 4) : null;
        GltfAccessor opacity = optional(json, root, buffers, attrs, OPACITY, aw, 1);
        if (opacity == null && (colour == null || colour.components() != 4)) {
            throw json.error(aw + " has no " + OPACITY + nestedNames);
        }
        int degree = 0;
        for (int l = 1; l <= 3; l++) {
            int present = 0;
            for (int n = 0; n <= 2 * l; n++) {
                present += attrs.has(shAttribute(l, n)) ? 1 : 0;
            }
            if (present == 0) {
                for (int h = l + 1; h <= 3; h++) {
                    if (attrs.has(shAttribute(h, 0))) {
                        throw json.error(aw + " has SH degree " + h + " coefficients but not degree " + l);
                    }
                }
                break;
            }
            if (present != 2 * l + 1) {
                throw json.error(aw + " has " + present + " of the " + (2 * l + 1) + " SH degree " + l
                        + " coefficients; a degree must be complete");
            }
            degree = l;
        }
        int k = SphericalHarmonics.coefficientCount(degree);
        GltfAccessor[] shAcc = new GltfAccessor[k];
        shAcc[0] = dc;
        for (int l = 1; l <= degree; l++) {
            for (int n = 0; n <= 2 * l; n++) {
                shAcc[l * l + n] = required(json, root, buffers, attrs, shAttribute(l, n), aw, "", 3);
            }
        }
        int count = pos.count();
        List<GltfAccessor> all = new ArrayList<>(List.of(rot, scale));
        for (GltfAccessor a : new GltfAccessor[] {dc, colour, opacity}) {
            if (a != null) {
                all.add(a);
            }
        }
        for (int i = 1; i < k; i++) {
            all.add(shAcc[i]);
        }
        for (GltfAccessor a : all) {
            if (a.count() != count) {
                throw json.error(aw + ": the attributes' accessors have different counts (" + count + " and "
                        + a.count() + ")");
            }
        }
        if (count > budget) {
            throw json.error(pw + " would bring the splat count past " + (budget < 0 ? 0 : budget)
                    + "; a file of this size cannot hold that many (instancing limit)");
        }
        GaussianCloud cloud;
        try {
            cloud = new GaussianCloud(count, degree);
        } catch (IllegalArgumentException e) {
            throw json.error(pw + ": " + count + " splats of SH degree " + degree + " do not fit in one cloud");
        }
        fill(cloud, pos, rot, scale, opacity, dc, colour, shAcc);
        float[] o = cloud.opacities();
        for (int i = 0; i < count; i++) {
            if (!(o[i] >= 0f && o[i] <= 1f)) {
                throw json.error(aw + "." + (opacity != null ? OPACITY : "COLOR_0") + " element " + i + " is " + o[i]
                        + "; opacity must lie in [0, 1]");
            }
        }
        String logEvidence = null;
        if (draft2024) {
            negativeScale(json, cloud, aw + "." + DRAFT_SCALE);
        } else if (scale.componentType() == GltfAccessor.BYTE || scale.componentType() == GltfAccessor.SHORT) {
            logEvidence = aw + "." + SCALE + " has a signed component type (" + scale.componentType() + ")";
        } else {
            float[] sc = cloud.scales();
            for (int i = 0; i < sc.length && logEvidence == null; i++) {
                if (sc[i] < 0f) {
                    logEvidence = aw + "." + SCALE + " holds negative values (element " + i / 3 + ": " + sc[i] + ")";
                }
            }
        }
        if (LINEAR.equals(colorSpace)) {
            linearToSrgb(cloud);
        }
        return new Primitive(cloud, !draft2024, logEvidence, inst);
    }

    /** Refuses negative scales in a file whose scales are linear. */
    private static void negativeScale(GltfJson json, GaussianCloud cloud, String what) throws IOException {
        float[] sc = cloud.scales();
        for (int i = 0; i < sc.length; i++) {
            if (sc[i] < 0f) {
                throw json.error(what + " element " + i / 3 + " is negative (" + sc[i] + "); scales are linear");
            }
        }
    }

    private static GltfAccessor required(GltfJson json, JsonObject root, GltfAccessor.Buffers buffers,
            JsonObject attrs, String semantic, String aw, String why, int... components) throws IOException {
        GltfAccessor a = optional(json, root, buffers, attrs, semantic, aw, components);
        if (a == null) {
            throw json.error(aw + " has no " + semantic + why);
        }
        return a;
    }

    private static GltfAccessor optional(GltfJson json, JsonObject root, GltfAccessor.Buffers buffers,
            JsonObject attrs, String semantic, String aw, int... components) throws IOException {
        JsonElement e = attrs.get(semantic);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        return GltfAccessor.resolve(json, root, buffers, e, aw + "." + semantic, components);
    }

    /** Plain per-element decode of the attributes into the cloud's arrays (scales as stored). */
    private static void fill(GaussianCloud cloud, GltfAccessor pos, GltfAccessor rot, GltfAccessor scale,
            GltfAccessor opacity, GltfAccessor dc, GltfAccessor colour, GltfAccessor[] shAcc) {
        int n = cloud.size();
        int k = cloud.shCoefficients();
        float[] p = cloud.positions();
        float[] s = cloud.scales();
        float[] r = cloud.rotations();
        float[] o = cloud.opacities();
        float[] sh = cloud.sh();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                p[i * 3 + c] = pos.get(i, c);
                s[i * 3 + c] = scale.get(i, c);
            }
            float x = rot.get(i, 0), y = rot.get(i, 1), z = rot.get(i, 2), w = rot.get(i, 3);
            double len = Math.sqrt((double) x * x + (double) y * y + (double) z * z + (double) w * w);
            if (len > 0 && Double.isFinite(len)) {
                x /= len;
                y /= len;
                z /= len;
                w /= len;
            }
            r[i * 4] = w;
            r[i * 4 + 1] = x;
            r[i * 4 + 2] = y;
            r[i * 4 + 3] = z;
            o[i] = opacity != null ? opacity.get(i, 0) : colour.get(i, 3);
            int base = i * k * 3;
            for (int c = 0; c < 3; c++) {
                sh[base + c] = dc != null ? dc.get(i, c) : (colour.get(i, c) - 0.5f) / SphericalHarmonics.C0;
            }
            for (int j = 1; j < k; j++) {
                for (int c = 0; c < 3; c++) {
                    sh[base + j * 3 + c] = shAcc[j].get(i, c);
                }
            }
        }
    }

    /**
     * Converts colours stored as {@code lin_rec709_display} to the display-ready values a cloud holds, in place:
     * base colour {@code b → srgb(b)}, higher bands × {@code srgb'(b)} per channel (see the class comment).
     *
     * @param cloud the cloud (not null, modified)
     */
    static void linearToSrgb(GaussianCloud cloud) {
        int n = cloud.size();
        int k = cloud.shCoefficients();
        float[] sh = cloud.sh();
        for (int i = 0; i < n; i++) {
            int base = i * k * 3;
            for (int c = 0; c < 3; c++) {
                double b = 0.5 + SphericalHarmonics.C0 * sh[base + c];
                sh[base + c] = (float) ((srgbEncode(b) - 0.5) / SphericalHarmonics.C0);
                double slope = srgbSlope(b);
                for (int j = 1; j < k; j++) {
                    sh[base + j * 3 + c] = (float) (sh[base + j * 3 + c] * slope);
                }
            }
        }
    }

    /** @return the sRGB encoding of a linear value (linear segment continued below 0) */
    static double srgbEncode(double v) {
        return v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
    }

    /** @return the derivative of {@link #srgbEncode} at {@code v} */
    static double srgbSlope(double v) {
        return v <= 0.0031308 ? 12.92 : 1.055 / 2.4 * Math.pow(v, 1 / 2.4 - 1);
    }

    /**
     * Applies a node's world matrix: {@code A = s·Q} with {@code Q} orthogonal (a rotation, or a reflection),
     * then the translation.
     */
    private static void applyWorld(GltfJson json, GaussianCloud cloud, double[] w, String what)
            throws IOException {
        double[] a = {w[0], w[4], w[8], w[1], w[5], w[9], w[2], w[6], w[10]};
        double det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6])
                + a[2] * (a[3] * a[7] - a[4] * a[6]);
        double s = Math.cbrt(Math.abs(det));
        float sf = (float) s;
        if (!Double.isFinite(det) || !(sf > 0) || !Float.isFinite(sf)) {
            throw json.error(what + " has a degenerate or non-finite transform (determinant " + det + ")");
        }
        double s2 = s * s;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double dot = a[i] * a[j] + a[3 + i] * a[3 + j] + a[6 + i] * a[6 + j];
                if (Math.abs(dot - (i == j ? s2 : 0)) > 1e-4 * s2) {
                    throw json.error(what + " has a non-uniform scale or shear; splats under such a node are "
                            + "not supported (only rotation, uniform scale, mirroring and translation)");
                }
            }
        }
        boolean rotates = false;
        double[] q = new double[9];
        for (int i = 0; i < 9; i++) {
            q[i] = a[i] / s;
            rotates |= q[i] != (i % 4 == 0 ? 1 : 0);
        }
        if (rotates) {
            cloud.applyOrthogonal(q);
        }
        if (sf != 1f || w[12] != 0 || w[13] != 0 || w[14] != 0) {
            cloud.transformInPlace(new Transform(new Vector3f((float) w[12], (float) w[13], (float) w[14]),
                    new Quaternion(), new Vector3f(sf, sf, sf)));
        }
    }

    /** Joins pieces into one cloud with the highest SH degree among them (missing bands are zero). */
    private static GaussianCloud concat(List<GaussianCloud> pieces, long total) {
        if (pieces.size() == 1) {
            return pieces.get(0);
        }
        int degree = 0;
        for (GaussianCloud c : pieces) {
            degree = Math.max(degree, c.shDegree());
        }
        GaussianCloud out = new GaussianCloud((int) total, degree);
        int k = out.shCoefficients();
        int at = 0;
        for (GaussianCloud c : pieces) {
            int n = c.size();
            System.arraycopy(c.positions(), 0, out.positions(), at * 3, n * 3);
            System.arraycopy(c.scales(), 0, out.scales(), at * 3, n * 3);
            System.arraycopy(c.rotations(), 0, out.rotations(), at * 4, n * 4);
            System.arraycopy(c.opacities(), 0, out.opacities(), at, n);
            int kc = c.shCoefficients();
            for (int i = 0; i < n; i++) {
                System.arraycopy(c.sh(), i * kc * 3, out.sh(), (at + i) * k * 3, kc * 3);
            }
            at += n;
        }
        return out;
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes one node, one mesh, one POINTS primitive with float attributes (position, rotation xyzw, linear
     * scale, linear opacity, SH coefficients of the cloud's degree), colour space {@code srgb_rec709_display}.
     * Empty clouds cannot be written (glTF accessors hold at least one element).
     */
    @Override
    public void write(GaussianCloud cloud, OutputStream out) throws IOException {
        int n = cloud.size();
        if (n == 0) {
            throw new IOException("an empty cloud cannot be written as glTF (accessors need at least one element)");
        }
        int k = cloud.shCoefficients();
        List<String> semantics = new ArrayList<>(List.of("POSITION", ROTATION, SCALE, OPACITY));
        List<Integer> sizes = new ArrayList<>(List.of(12, 16, 12, 4));
        for (int l = 0; l <= cloud.shDegree(); l++) {
            for (int m = 0; m <= 2 * l; m++) {
                semantics.add(shAttribute(l, m));
                sizes.add(12);
            }
        }
        JsonObject root = new JsonObject();
        JsonObject asset = new JsonObject();
        asset.addProperty("version", "2.0");
        asset.addProperty("generator", "Gen3D for jMonkeyEngine");
        root.add("asset", asset);
        JsonArray used = new JsonArray();
        used.add(EXTENSION);
        root.add("extensionsUsed", used);
        root.addProperty("scene", 0);
        JsonObject scene = new JsonObject();
        scene.add("nodes", array(0));
        root.add("scenes", array(scene));
        JsonObject node = new JsonObject();
        node.addProperty("mesh", 0);
        root.add("nodes", array(node));
        JsonObject attrs = new JsonObject();
        JsonArray views = new JsonArray();
        JsonArray accessors = new JsonArray();
        long offset = 0;
        for (int a = 0; a < semantics.size(); a++) {
            int size = sizes.get(a);
            JsonObject view = new JsonObject();
            view.addProperty("buffer", 0);
            view.addProperty("byteOffset", offset);
            view.addProperty("byteLength", (long) size * n);
            views.add(view);
            JsonObject acc = new JsonObject();
            acc.addProperty("bufferView", a);
            acc.addProperty("componentType", GltfAccessor.FLOAT);
            acc.addProperty("count", n);
            acc.addProperty("type", size == 4 ? "SCALAR" : size == 12 ? "VEC3" : "VEC4");
            if (a == 0) {
                float[][] mm = positionBounds(cloud);
                acc.add("min", floats(mm[0]));
                acc.add("max", floats(mm[1]));
            }
            accessors.add(acc);
            attrs.addProperty(semantics.get(a), a);
            offset += (long) size * n;
        }
        JsonObject ext = new JsonObject();
        ext.addProperty("kernel", "ellipse");
        ext.addProperty("colorSpace", SRGB);
        ext.addProperty("projection", "perspective");
        ext.addProperty("sortingMethod", "cameraDistance");
        JsonObject exts = new JsonObject();
        exts.add(EXTENSION, ext);
        JsonObject prim = new JsonObject();
        prim.add("attributes", attrs);
        prim.addProperty("mode", 0);
        prim.add("extensions", exts);
        JsonObject mesh = new JsonObject();
        mesh.add("primitives", array(prim));
        root.add("meshes", array(mesh));
        root.add("bufferViews", views);
        root.add("accessors", accessors);
        JsonObject buffer = new JsonObject();
        buffer.addProperty("byteLength", offset);
        root.add("buffers", array(buffer));

        byte[] text = root.toString().getBytes(StandardCharsets.UTF_8);
        int jsonPadded = (text.length + 3) & ~3;
        long total = 12 + 8 + jsonPadded + 8 + offset;
        if (total > 0xFFFFFFFFL || offset > Integer.MAX_VALUE) {
            throw new IOException(n + " splats of SH degree " + cloud.shDegree() + " need " + total
                    + " bytes, more than a .glb can hold");
        }
        FloatSink sink = new FloatSink(out);
        sink.putInt(MAGIC).putInt(2).putInt((int) total);
        sink.putInt(jsonPadded).putInt(CHUNK_JSON);
        sink.flush();
        out.write(text);
        for (int i = text.length; i < jsonPadded; i++) {
            out.write(' ');
        }
        sink.putInt((int) offset).putInt(CHUNK_BIN);
        float[] p = cloud.positions();
        float[] r = cloud.rotations();
        float[] s = cloud.scales();
        float[] o = cloud.opacities();
        float[] sh = cloud.sh();
        for (int i = 0; i < n * 3; i++) {
            sink.putFloat(p[i]);
        }
        for (int i = 0; i < n; i++) {
            sink.putFloat(r[i * 4 + 1]).putFloat(r[i * 4 + 2]).putFloat(r[i * 4 + 3]).putFloat(r[i * 4]);
        }
        for (int i = 0; i < n * 3; i++) {
            sink.putFloat(s[i]);
        }
        for (int i = 0; i < n; i++) {
            sink.putFloat(o[i]);
        }
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < n; i++) {
                int at = (i * k + j) * 3;
                sink.putFloat(sh[at]).putFloat(sh[at + 1]).putFloat(sh[at + 2]);
            }
        }
        sink.flush();
    }

    /** @return {min[3], max[3]} of the finite positions (zeros if none is finite) */
    private static float[][] positionBounds(GaussianCloud cloud) {
        float[] min = {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY};
        float[] max = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float[] p = cloud.positions();
        for (int i = 0; i < cloud.size(); i++) {
            for (int c = 0; c < 3; c++) {
                float v = p[i * 3 + c];
                if (Float.isFinite(v)) {
                    min[c] = Math.min(min[c], v);
                    max[c] = Math.max(max[c], v);
                }
            }
        }
        for (int c = 0; c < 3; c++) {
            if (min[c] > max[c]) {
                min[c] = 0;
                max[c] = 0;
            }
        }
        return new float[][] {min, max};
    }

    private static JsonArray floats(float[] v) {
        JsonArray a = new JsonArray();
        for (float f : v) {
            a.add(new JsonPrimitive(f));
        }
        return a;
    }

    private static JsonArray array(int v) {
        JsonArray a = new JsonArray();
        a.add(v);
        return a;
    }

    private static JsonArray array(JsonElement v) {
        JsonArray a = new JsonArray();
        a.add(v);
        return a;
    }

    /** A little-endian buffer in front of a stream. */
    private static final class FloatSink {
        private final OutputStream out;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        FloatSink(OutputStream out) {
            this.out = out;
        }

        FloatSink putFloat(float v) throws IOException {
            if (buf.remaining() < 4) {
                flush();
            }
            buf.putFloat(v);
            return this;
        }

        FloatSink putInt(int v) throws IOException {
            if (buf.remaining() < 4) {
                flush();
            }
            buf.putInt(v);
            return this;
        }

        void flush() throws IOException {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }
    }
}
