package io.github.gen3d.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.github.gen3d.diffusion.SamplerSettings;
import io.github.gen3d.diffusion.SchedulerConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The parsed and validated contents of a {@code bundle.json} (schema in {@code docs/model-bundles.md}). Everything
 * that can be checked without loading a network is checked here, so a bad bundle fails before any weights are read.
 */
final class BundleManifest {
    /** The {@code format} value every bundle.json carries. */
    static final String FORMAT = "gen3d-model-bundle";
    /** The only {@code formatVersion} this code reads. */
    static final int FORMAT_VERSION = 1;
    /** bundle.json larger than this is refused (it is a small description, not data). */
    static final int MAX_JSON_BYTES = 1 << 20;
    static final int MAX_RANK = 8;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern SYMBOL = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Set<String> TOP_KEYS = Set.of("format", "formatVersion", "name", "version", "licence",
            "description", "devices", "files", "components", "metadata", "sampler");
    private static final Set<String> SAMPLER_KEYS = Set.of("refinement", "guidance", "description");
    /** The largest guidance scale a bundle may recommend (as {@code GenerationRequest} accepts). */
    static final double MAX_GUIDANCE = 50;
    private static final Set<String> REFINEMENT_KEYS = Set.of("atNoise", "atClean");
    private static final Set<String> COMPONENT_KEYS = Set.of("role", "backend", "file", "prediction", "resolution",
            "views", "inputs", "outputs", "block", "options", "description", "metadata", "scheduler");
    private static final Set<String> TENSOR_KEYS = Set.of("name", "shape", "dtype", "range", "description");

    /** What a component is for; the sampler relies on the role's extra rules. */
    enum Role {
        DENOISER, RECONSTRUCTOR, OTHER
    }

    /** How a component's weights are stored and run. */
    enum Backend {
        /** A TorchScript {@code .pt}, loaded through DJL's {@code Criteria}. */
        TORCHSCRIPT,
        /** DJL {@code .params} written by {@code Model.save}, with a Java block from a {@link BlockFactory}. */
        DJL
    }

    /** One component's declared contract. */
    static final class ComponentSpec {
        final String name;
        final Role role;
        final Backend backend;
        final String file;
        final String prediction;
        final int resolution;
        final int views;
        final List<TensorSpec> inputs;
        final List<TensorSpec> outputs;
        final String block;
        final Map<String, String> options;
        /** a denoiser's training noise schedule from its {@code "scheduler"} object, or null */
        final SchedulerConfig scheduler;
        /** the component's {@code "metadata"} object, empty when absent (never modify it) */
        final JsonObject metadata;

        ComponentSpec(String name, Role role, Backend backend, String file, String prediction, int resolution,
                int views, List<TensorSpec> inputs, List<TensorSpec> outputs, String block,
                Map<String, String> options, SchedulerConfig scheduler, JsonObject metadata) {
            this.name = name;
            this.role = role;
            this.backend = backend;
            this.file = file;
            this.prediction = prediction;
            this.resolution = resolution;
            this.views = views;
            this.inputs = Collections.unmodifiableList(inputs);
            this.outputs = Collections.unmodifiableList(outputs);
            this.block = block;
            this.options = Collections.unmodifiableMap(options);
            this.scheduler = scheduler;
            this.metadata = metadata;
        }
    }

    final String name;
    final String version;
    final String licence;
    final String description;
    final boolean allowGpu;
    final boolean allowCpu;
    /** file name (relative, '/'-separated) → lower-case hex sha256, in declaration order */
    final Map<String, String> files;
    final Map<String, ComponentSpec> components;
    /** the top-level {@code "metadata"} object, empty when absent (never modify it) */
    final JsonObject metadata;
    /** the {@code "sampler"} object's recommended refinement, or null when it declares none */
    final SamplerSettings.Refinement refinement;
    /** the {@code "sampler"} object's recommended guidance scale, or NaN when it declares none */
    final float guidance;

    private BundleManifest(String name, String version, String licence, String description, boolean allowGpu,
            boolean allowCpu, Map<String, String> files, Map<String, ComponentSpec> components,
            JsonObject metadata, Sampler sampler) {
        this.name = name;
        this.version = version;
        this.licence = licence;
        this.description = description;
        this.allowGpu = allowGpu;
        this.allowCpu = allowCpu;
        this.files = Collections.unmodifiableMap(files);
        this.components = Collections.unmodifiableMap(components);
        this.metadata = metadata;
        this.refinement = sampler.refinement;
        this.guidance = sampler.guidance;
    }

    /** What the {@code "sampler"} object recommends: a refinement (or null) and a guidance scale (or NaN). */
    private record Sampler(SamplerSettings.Refinement refinement, float guidance) {
        static final Sampler NONE = new Sampler(null, Float.NaN);
    }

    /**
     * Parses and validates bundle.json.
     *
     * @param json the file's bytes (not null, unaffected)
     * @param where the bundle's location, used in messages until its name is known
     * @return the manifest (not null)
     * @throws ModelBundleException naming the bundle (and component) for any problem
     */
    static BundleManifest parse(byte[] json, String where) throws ModelBundleException {
        if (json.length > MAX_JSON_BYTES) {
            throw new ModelBundleException(where, null, "bundle.json is " + json.length + " bytes; more than "
                    + MAX_JSON_BYTES + " is not a bundle description");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(json)).toString();
        } catch (CharacterCodingException e) {
            throw new ModelBundleException(where, null, "bundle.json is not UTF-8", e);
        }
        JsonElement root;
        try {
            root = JsonParser.parseString(text);
        } catch (JsonParseException | IllegalStateException | StackOverflowError e) {
            throw new ModelBundleException(where, null, "bundle.json is not valid JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonObject()) {
            throw new ModelBundleException(where, null, "bundle.json must hold a JSON object");
        }
        String duplicate = duplicateKey(text);
        if (duplicate != null) {
            throw new ModelBundleException(where, null, "bundle.json is ambiguous: " + duplicate);
        }
        JsonObject top = root.getAsJsonObject();
        Reader r = new Reader(where, null);
        r.knownKeys(top, TOP_KEYS, "bundle.json");
        String format = r.string(top, "format", true);
        if (!FORMAT.equals(format)) {
            throw r.error("\"format\" must be \"" + FORMAT + "\", got \"" + format + "\"");
        }
        long formatVersion = r.integer(top, "formatVersion", 1, Integer.MAX_VALUE);
        if (formatVersion != FORMAT_VERSION) {
            throw r.error("formatVersion " + formatVersion + " is not supported (this runtime reads "
                    + FORMAT_VERSION + ")");
        }
        String name = r.string(top, "name", true);
        if (!NAME.matcher(name).matches()) {
            throw r.error("\"name\" must be 1-128 letters, digits, '_', '.' or '-', got \"" + name + "\"");
        }
        r = new Reader(name, null);
        String version = r.string(top, "version", true);
        String licence = r.string(top, "licence", true);
        String description = top.has("description") ? r.string(top, "description", true) : "";
        boolean allowGpu = true;
        boolean allowCpu = true;
        if (top.has("devices")) {
            JsonArray devices = r.array(top, "devices");
            allowGpu = false;
            allowCpu = false;
            for (int i = 0; i < devices.size(); i++) {
                String d = r.stringValue(devices.get(i), "devices[" + i + "]");
                if ("gpu".equals(d)) {
                    allowGpu = true;
                } else if ("cpu".equals(d)) {
                    allowCpu = true;
                } else {
                    throw r.error("devices[" + i + "] must be \"gpu\" or \"cpu\", got \"" + d + "\"");
                }
            }
            if (!allowGpu && !allowCpu) {
                throw r.error("\"devices\" is empty");
            }
        }
        Map<String, String> files = new LinkedHashMap<>();
        JsonObject fileObj = r.object(top, "files");
        for (Map.Entry<String, JsonElement> e : fileObj.entrySet()) {
            String file = e.getKey();
            checkRelativePath(r, file);
            String sha = r.stringValue(e.getValue(), "files." + file);
            if (!SHA256.matcher(sha).matches()) {
                throw r.error("files." + file + " must be a sha256 of 64 lower-case hex digits, got \"" + sha + "\"");
            }
            files.put(file, sha);
        }
        JsonObject compObj = r.object(top, "components");
        if (compObj.size() == 0) {
            throw r.error("\"components\" is empty");
        }
        Map<String, ComponentSpec> components = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : compObj.entrySet()) {
            String cname = e.getKey();
            if (!NAME.matcher(cname).matches()) {
                throw r.error("component name \"" + cname + "\" must be 1-128 letters, digits, '_', '.' or '-'");
            }
            if (!e.getValue().isJsonObject()) {
                throw new Reader(name, cname).error("the component must be a JSON object");
            }
            components.put(cname, parseComponent(name, cname, e.getValue().getAsJsonObject(), files));
        }
        JsonObject metadata = top.has("metadata") ? r.object(top, "metadata").deepCopy() : new JsonObject();
        Sampler sampler = top.has("sampler") ? parseSampler(r, r.object(top, "sampler")) : Sampler.NONE;
        return new BundleManifest(name, version, licence, description, allowGpu, allowCpu, files, components,
                metadata, sampler);
    }

    /**
     * The {@code "sampler"} object: {@code {"refinement": {"atNoise": w1, "atClean": w0}, "guidance": s}}, weights
     * in [0, 1], the guidance scale in [0, {@value #MAX_GUIDANCE}]; both optional.
     */
    /**
     * Finds a key given twice in one JSON object (Gson keeps the last silently, so an edited bundle.json could mean
     * two things to two readers).
     *
     * @param text well-formed JSON
     * @return "key \"K\" appears twice in one object", or null when every object's keys are distinct
     */
    static String duplicateKey(String text) {
        try (com.google.gson.stream.JsonReader in = new com.google.gson.stream.JsonReader(
                new java.io.StringReader(text))) {
            java.util.ArrayDeque<java.util.Set<String>> open = new java.util.ArrayDeque<>();
            while (true) {
                switch (in.peek()) {
                    case BEGIN_OBJECT -> {
                        in.beginObject();
                        open.push(new java.util.HashSet<>());
                    }
                    case END_OBJECT -> {
                        in.endObject();
                        open.pop();
                    }
                    case BEGIN_ARRAY -> in.beginArray();
                    case END_ARRAY -> in.endArray();
                    case NAME -> {
                        String k = in.nextName();
                        if (!open.peek().add(k)) {
                            return "key \"" + k + "\" appears twice in one object";
                        }
                    }
                    case END_DOCUMENT -> {
                        return null;
                    }
                    default -> in.skipValue();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null; // not reached for text the parser accepted; the parser's own error stands
        }
    }

    private static Sampler parseSampler(Reader r, JsonObject sampler) throws ModelBundleException {
        r.knownKeys(sampler, SAMPLER_KEYS, "\"sampler\"");
        if (sampler.has("description")) {
            r.string(sampler, "description", true);
        }
        float guidance = Float.NaN;
        if (sampler.has("guidance")) {
            JsonElement g = sampler.get("guidance");
            double v = r.number(g, "sampler.guidance");
            if (v < 0 || v > MAX_GUIDANCE) {
                throw r.error("sampler.guidance must be in [0, " + (int) MAX_GUIDANCE + "], got " + Reader.show(g));
            }
            guidance = (float) v;
        }
        if (!sampler.has("refinement")) {
            return new Sampler(null, guidance);
        }
        JsonObject ref = r.object(sampler, "refinement");
        r.knownKeys(ref, REFINEMENT_KEYS, "sampler.refinement");
        double[] w = new double[2];
        String[] keys = {"atNoise", "atClean"};
        for (int i = 0; i < 2; i++) {
            JsonElement e = ref.get(keys[i]);
            if (e == null) {
                throw r.error("sampler.refinement." + keys[i] + " is missing");
            }
            w[i] = r.number(e, "sampler.refinement." + keys[i]);
            if (w[i] < 0 || w[i] > 1) {
                throw r.error("sampler.refinement." + keys[i] + " must be in [0, 1], got " + Reader.show(e));
            }
        }
        return new Sampler(new SamplerSettings.Refinement(w[0], w[1]), guidance);
    }

    private static ComponentSpec parseComponent(String bundle, String cname, JsonObject c, Map<String, String> files)
            throws ModelBundleException {
        Reader r = new Reader(bundle, cname);
        r.knownKeys(c, COMPONENT_KEYS, "the component");
        String backendName = r.string(c, "backend", true);
        Backend backend;
        if ("torchscript".equals(backendName)) {
            backend = Backend.TORCHSCRIPT;
        } else if ("djl".equals(backendName)) {
            backend = Backend.DJL;
        } else {
            throw r.error("unknown backend \"" + backendName + "\" (supported: torchscript, djl)");
        }
        String file = r.string(c, "file", true);
        if (!files.containsKey(file)) {
            throw r.error("file \"" + file + "\" is not listed with its sha256 under \"files\"");
        }
        String roleName = c.has("role") ? r.string(c, "role", true) : "other";
        Role role;
        switch (roleName) {
            case "denoiser":
                role = Role.DENOISER;
                break;
            case "reconstructor":
                role = Role.RECONSTRUCTOR;
                break;
            case "other":
                role = Role.OTHER;
                break;
            default:
                throw r.error("unknown role \"" + roleName + "\" (supported: denoiser, reconstructor, other)");
        }
        int resolution = c.has("resolution") ? (int) r.integer(c, "resolution", 1, 1 << 16) : 0;
        int views = c.has("views") ? (int) r.integer(c, "views", 1, 1024) : 0;
        String prediction = null;
        if (c.has("prediction")) {
            if (role != Role.DENOISER) {
                throw r.error("\"prediction\" only applies to role denoiser");
            }
            prediction = r.string(c, "prediction", true);
            if (!prediction.equals("epsilon") && !prediction.equals("v_prediction") && !prediction.equals("sample")) {
                throw r.error("unsupported prediction \"" + prediction + "\" (supported: epsilon, v_prediction,"
                        + " sample)");
            }
        }
        List<TensorSpec> inputs = tensors(r, c, "inputs");
        List<TensorSpec> outputs = tensors(r, c, "outputs");
        String block = null;
        Map<String, String> options = new LinkedHashMap<>();
        if (backend == Backend.DJL) {
            block = r.string(c, "block", true);
            if (c.has("options")) {
                JsonObject o = r.object(c, "options");
                for (Map.Entry<String, JsonElement> e : o.entrySet()) {
                    JsonElement v = e.getValue();
                    if (!v.isJsonPrimitive()) {
                        throw r.error("options." + e.getKey() + " must be a string, number or boolean");
                    }
                    options.put(e.getKey(), v.getAsString());
                }
            }
        } else if (c.has("block") || c.has("options")) {
            throw r.error("\"block\" and \"options\" only apply to backend djl");
        }
        if (role == Role.DENOISER) {
            checkDenoiser(r, prediction, resolution, views, inputs, outputs);
        } else if (role == Role.RECONSTRUCTOR) {
            checkReconstructor(r, outputs);
        }
        SchedulerConfig scheduler = null;
        if (c.has("scheduler")) {
            if (role != Role.DENOISER) {
                throw r.error("\"scheduler\" only applies to role denoiser");
            }
            scheduler = SchedulerJson.parse(r.object(c, "scheduler"), prediction, bundle, cname);
        }
        JsonObject metadata = c.has("metadata") ? r.object(c, "metadata").deepCopy() : new JsonObject();
        return new ComponentSpec(cname, role, backend, file, prediction, resolution, views, inputs, outputs, block,
                options, scheduler, metadata);
    }

    private static void checkDenoiser(Reader r, String prediction, int resolution, int views, List<TensorSpec> in,
            List<TensorSpec> out) throws ModelBundleException {
        if (prediction == null) {
            throw r.error("a denoiser must declare \"prediction\" (epsilon, v_prediction or sample)");
        }
        if (in.size() < 2) {
            throw r.error("a denoiser takes at least two inputs: noisy views [batch, views, channels, height,"
                    + " width] and timestep [batch]");
        }
        TensorSpec x = in.get(0);
        if (x.rank() != 5 || x.type() != TensorSpec.DType.FLOAT32) {
            throw r.error("a denoiser's first input must be float32 [batch, views, channels, height, width], got "
                    + x);
        }
        if (views > 0 && x.fixedDim(1) > 0 && x.fixedDim(1) != views) {
            throw r.error("input " + x.name() + " has " + x.fixedDim(1) + " views but \"views\" is " + views);
        }
        for (int axis = 3; axis <= 4; axis++) {
            if (resolution > 0 && x.fixedDim(axis) > 0 && x.fixedDim(axis) != resolution) {
                throw r.error("input " + x.name() + " is " + x.fixedDim(axis) + " pixels along axis " + axis
                        + " but \"resolution\" is " + resolution);
            }
        }
        TensorSpec t = in.get(1);
        if (t.rank() != 1) {
            throw r.error("a denoiser's second input is the timestep, rank 1 [batch], got " + t);
        }
        TensorSpec y = out.get(0);
        boolean same = y.rank() == x.rank() && y.type() == TensorSpec.DType.FLOAT32;
        for (int axis = 0; same && axis < x.rank(); axis++) {
            same = x.fixedDim(axis) == y.fixedDim(axis) && Objects.equals(x.symbol(axis), y.symbol(axis));
        }
        if (!same) {
            throw r.error("a denoiser's first output must have the first input's shape and be float32: " + x
                    + " vs " + y);
        }
    }

    private static void checkReconstructor(Reader r, List<TensorSpec> out) throws ModelBundleException {
        TensorSpec g = out.get(0);
        if (g.rank() != 3 || g.fixedDim(2) != 14 || g.type() != TensorSpec.DType.FLOAT32) {
            throw r.error("a reconstructor's first output must be float32 Gaussians [batch, count, 14]"
                    + " (xyz, opacity, scale xyz, rotation wxyz, rgb), got " + g);
        }
    }

    private static List<TensorSpec> tensors(Reader r, JsonObject c, String key) throws ModelBundleException {
        JsonArray arr = r.array(c, key);
        if (arr.size() == 0 || arr.size() > 64) {
            throw r.error("\"" + key + "\" must list 1 to 64 tensors, got " + arr.size());
        }
        List<TensorSpec> list = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < arr.size(); i++) {
            String where = key + "[" + i + "]";
            if (!arr.get(i).isJsonObject()) {
                throw r.error(where + " must be a JSON object");
            }
            JsonObject t = arr.get(i).getAsJsonObject();
            r.knownKeys(t, TENSOR_KEYS, where);
            String tname = r.string(t, "name", true);
            if (!SYMBOL.matcher(tname).matches()) {
                throw r.error(where + ".name must be an identifier, got \"" + tname + "\"");
            }
            if (!names.add(tname)) {
                throw r.error("two " + key + " are named \"" + tname + "\"");
            }
            JsonArray shape = r.array(t, "shape");
            if (shape.size() > MAX_RANK) {
                throw r.error(where + " has rank " + shape.size() + "; at most " + MAX_RANK + " is supported");
            }
            List<Object> dims = new ArrayList<>();
            for (int a = 0; a < shape.size(); a++) {
                JsonElement d = shape.get(a);
                String dw = where + ".shape[" + a + "]";
                if (d.isJsonPrimitive() && d.getAsJsonPrimitive().isString()) {
                    String s = d.getAsString();
                    if (!SYMBOL.matcher(s).matches()) {
                        throw r.error(dw + " must be a positive integer or an identifier, got \"" + s + "\"");
                    }
                    dims.add(s);
                } else {
                    dims.add(r.integerValue(d, dw, 1, Integer.MAX_VALUE));
                }
            }
            String dtypeName = r.string(t, "dtype", true);
            TensorSpec.DType dtype = TensorSpec.DType.parse(dtypeName);
            if (dtype == null) {
                throw r.error(where + " has unsupported dtype \"" + dtypeName + "\" (supported: float32, int32,"
                        + " int64)");
            }
            double min = Double.NEGATIVE_INFINITY;
            double max = Double.POSITIVE_INFINITY;
            if (t.has("range")) {
                JsonArray range = r.array(t, "range");
                if (range.size() != 2) {
                    throw r.error(where + ".range must be [min, max]");
                }
                min = r.number(range.get(0), where + ".range[0]");
                max = r.number(range.get(1), where + ".range[1]");
                if (!(min <= max)) {
                    throw r.error(where + ".range has min " + min + " > max " + max);
                }
            }
            list.add(new TensorSpec(tname, dims, dtype, min, max));
        }
        return list;
    }

    private static void checkRelativePath(Reader r, String file) throws ModelBundleException {
        boolean ok = !file.isEmpty() && file.length() <= 255 && !file.startsWith("/") && !file.contains("\\")
                && !file.contains(":") && !file.equals("bundle.json");
        if (ok) {
            for (String seg : file.split("/", -1)) {
                if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                    ok = false;
                    break;
                }
            }
        }
        if (!ok) {
            throw r.error("file name \"" + file + "\" must be a relative path inside the bundle folder"
                    + " ('/'-separated, no '..', not bundle.json)");
        }
    }

    /** Typed field access that turns every JSON type mismatch into a ModelBundleException. */
    private static final class Reader {
        private final String bundle;
        private final String component;

        Reader(String bundle, String component) {
            this.bundle = bundle;
            this.component = component;
        }

        ModelBundleException error(String problem) {
            return new ModelBundleException(bundle, component, "bundle.json: " + problem);
        }

        void knownKeys(JsonObject o, Set<String> known, String where) throws ModelBundleException {
            for (String k : o.keySet()) {
                if (!known.contains(k)) {
                    throw error(where + " has an unknown key \"" + k + "\" (known: " + new TreeSet<>(known)
                            + ")");
                }
            }
        }

        String string(JsonObject o, String key, boolean required) throws ModelBundleException {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) {
                if (required) {
                    throw error("\"" + key + "\" is missing");
                }
                return null;
            }
            return stringValue(e, "\"" + key + "\"");
        }

        String stringValue(JsonElement e, String where) throws ModelBundleException {
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw error(where + " must be a string, got " + show(e));
            }
            return e.getAsString();
        }

        long integer(JsonObject o, String key, long min, long max) throws ModelBundleException {
            JsonElement e = o.get(key);
            if (e == null) {
                throw error("\"" + key + "\" is missing");
            }
            return integerValue(e, "\"" + key + "\"", min, max);
        }

        long integerValue(JsonElement e, String where, long min, long max) throws ModelBundleException {
            double v = number(e, where);
            if (v != Math.rint(v) || v < min || v > max) {
                throw error(where + " must be an integer in [" + min + ", " + max + "], got " + show(e));
            }
            return (long) v;
        }

        double number(JsonElement e, String where) throws ModelBundleException {
            if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isNumber()) {
                throw error(where + " must be a number, got " + show(e));
            }
            double v;
            try {
                v = e.getAsDouble();
            } catch (NumberFormatException ex) {
                throw error(where + " is not a number: " + show(e));
            }
            if (!Double.isFinite(v)) {
                throw error(where + " must be finite, got " + show(e));
            }
            return v;
        }

        static String show(JsonElement e) {
            String s = e.toString();
            return s.length() <= 60 ? s : s.substring(0, 57) + "...";
        }

        JsonArray array(JsonObject o, String key) throws ModelBundleException {
            JsonElement e = o.get(key);
            if (e == null || !e.isJsonArray()) {
                throw error("\"" + key + "\" must be a JSON array" + (e == null ? " (missing)" : ", got " + show(e)));
            }
            return e.getAsJsonArray();
        }

        JsonObject object(JsonObject o, String key) throws ModelBundleException {
            JsonElement e = o.get(key);
            if (e == null || !e.isJsonObject()) {
                throw error("\"" + key + "\" must be a JSON object" + (e == null ? " (missing)" : ", got " + show(e)));
            }
            return e.getAsJsonObject();
        }
    }
}
