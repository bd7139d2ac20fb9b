package io.github.gen3d.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.google.gson.JsonObject;
import io.github.gen3d.diffusion.SamplerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A set of networks with their contracts, loaded from a folder (or a classpath resource folder) holding
 * {@code bundle.json} and the weight files it lists. The schema, the backends and how to export a model from
 * Python are in {@code docs/model-bundles.md}.
 *
 * <p>Loading reads and validates bundle.json, starts DJL's PyTorch engine offline (never downloading anything),
 * picks the device ({@link DevicePolicy}), verifies every listed file's SHA-256 and loads every component. Any
 * problem is a {@link ModelBundleException} naming the bundle and the component.
 *
 * <pre>{@code
 * try (ModelBundle bundle = ModelBundle.load(Path.of("models/imagedream-lgm"))) {
 *     ModelComponent denoiser = bundle.component("denoiser");
 *     Map<String, Tensor> out = denoiser.run(noisyViews, Tensor.ofInts(981), condition);
 * }
 * }</pre>
 *
 * <p>Thread-safe. Closing releases all native memory of all components; later calls fail.
 */
public final class ModelBundle implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelBundle.class.getName());
    static final String JSON = "bundle.json";

    static {
        ModelRuntime.init();
    }

    private final BundleManifest manifest;
    private final Path folder;
    private final Device device;
    private final Map<String, ModelComponent> components;
    private final String fingerprint;
    private boolean closed;

    private ModelBundle(BundleManifest manifest, Path folder, Device device, Map<String, ModelComponent> components,
            String fingerprint) {
        this.manifest = manifest;
        this.fingerprint = fingerprint;
        this.folder = folder;
        this.device = device;
        this.components = Collections.unmodifiableMap(components);
    }

    /**
     * Loads a bundle from a folder, choosing the device automatically ({@link DevicePolicy#AUTO}).
     *
     * @param folder the bundle folder, or its bundle.json (not null)
     * @return the loaded bundle; close it when done (not null)
     * @throws ModelBundleException if anything about the bundle is wrong
     */
    public static ModelBundle load(Path folder) throws ModelBundleException {
        return load(folder, DevicePolicy.AUTO);
    }

    /**
     * Loads a bundle from a folder on the given device.
     *
     * @param folder the bundle folder, or its bundle.json (not null)
     * @param policy where to run (not null)
     * @return the loaded bundle; close it when done (not null)
     * @throws ModelBundleException if anything about the bundle is wrong or the device is unavailable
     */
    public static ModelBundle load(Path folder, DevicePolicy policy) throws ModelBundleException {
        Path dir = folder;
        if (!Files.isDirectory(dir) && dir.getFileName() != null && JSON.equals(dir.getFileName().toString())) {
            dir = dir.toAbsolutePath().getParent();
        }
        String where = folder.toString();
        if (!Files.isDirectory(dir)) {
            throw new ModelBundleException(where, null, "not a bundle folder (it does not exist or is not a"
                    + " folder)");
        }
        byte[] json = readJson(dir.resolve(JSON), where);
        return open(BundleManifest.parse(json, where), json, dir, policy, null);
    }

    /**
     * Loads a bundle from a classpath resource folder, choosing the device automatically.
     *
     * @param resource the resource folder, e.g. {@code "gen3d/bundles/default"} (not null)
     * @return the loaded bundle; close it when done (not null)
     * @throws ModelBundleException if the resource is missing or anything about the bundle is wrong
     * @see #loadResource(String, DevicePolicy)
     */
    public static ModelBundle loadResource(String resource) throws ModelBundleException {
        return loadResource(resource, DevicePolicy.AUTO);
    }

    /**
     * Loads a bundle from a classpath resource folder (looked up through the thread's context class loader, then
     * this library's). A folder on disk (an IDE or test classpath) is used in place; one inside a jar is read into
     * memory, checked against its checksums and loaded from there (no temporary copy on disk).
     *
     * @param resource the resource folder, with or without a leading '/' (not null)
     * @param policy where to run (not null)
     * @return the loaded bundle; close it when done (not null)
     * @throws ModelBundleException if the resource is missing or anything about the bundle is wrong
     */
    public static ModelBundle loadResource(String resource, DevicePolicy policy) throws ModelBundleException {
        String base = resource;
        while (base.startsWith("/")) {
            base = base.substring(1);
        }
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String where = "classpath:" + base;
        String jsonName = base.isEmpty() ? JSON : base + "/" + JSON;
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        URL url = cl == null ? null : cl.getResource(jsonName);
        if (url == null) {
            cl = ModelBundle.class.getClassLoader();
            url = cl.getResource(jsonName);
        }
        if (url == null) {
            throw new ModelBundleException(where, null, "no " + jsonName + " on the classpath"
                    + (base.startsWith(SHIPPED_PREFIX) ? "; the shipped models are in the artifact " + ASSETS_ARTIFACT
                            + ": add it to your dependencies (README, \"Add it to your game\")" : ""));
        }
        if ("file".equals(url.getProtocol())) {
            try {
                return load(Paths.get(url.toURI()).getParent(), policy);
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new ModelBundleException(where, null, "cannot turn " + url + " into a path", e);
            }
        }
        byte[] json;
        try (InputStream in = url.openStream()) {
            json = in.readNBytes(BundleManifest.MAX_JSON_BYTES + 1);
        } catch (IOException e) {
            throw new ModelBundleException(where, null, "cannot read " + url + ": " + e, e);
        }
        BundleManifest manifest = BundleManifest.parse(json, where);
        // read into memory and loaded from there: no temporary copy on disk that a killed process would leave
        Map<String, byte[]> contents = new LinkedHashMap<>();
        for (String file : manifest.files.keySet()) {
            String component = componentOf(manifest, file);
            try (InputStream in = cl.getResourceAsStream(base.isEmpty() ? file : base + "/" + file)) {
                if (in == null) {
                    throw new ModelBundleException(manifest.name, component, "file " + file
                            + " listed in bundle.json is missing from classpath resource " + base);
                }
                contents.put(file, in.readNBytes(MAX_RESOURCE_FILE_BYTES + 1));
            } catch (IOException e) {
                throw new ModelBundleException(manifest.name, component, "cannot read " + file + " from classpath"
                        + " resource " + base + ": " + e, e);
            }
            if (contents.get(file).length > MAX_RESOURCE_FILE_BYTES) {
                throw new ModelBundleException(manifest.name, component, "file " + file + " is larger than "
                        + MAX_RESOURCE_FILE_BYTES + " bytes");
            }
        }
        return open(manifest, json, null, policy, contents);
    }

    /** Resource folders of the shipped bundles start with this. */
    static final String SHIPPED_PREFIX = "Models/gen3d-";
    /** The Maven artifact holding the shipped bundles. */
    static final String ASSETS_ARTIFACT = "io.github.gen3d:gen3d-assets";

    /** Largest component file of a bundle read from inside a jar (it is held in memory while it loads). */
    static final int MAX_RESOURCE_FILE_BYTES = Integer.MAX_VALUE - 64;

    /**
     * Opens a parsed bundle; {@code json} is the bundle.json it was parsed from (fingerprinted as read once). The
     * component files are in {@code folder}, or, with {@code folder} null, in {@code contents} by file name.
     */
    private static ModelBundle open(BundleManifest manifest, byte[] json, Path folder, DevicePolicy policy,
            Map<String, byte[]> contents) throws ModelBundleException {
        if (policy == null) {
            throw new ModelBundleException(manifest.name, null, "the device policy must not be null");
        }
        Engine engine = ModelRuntime.engine(manifest.name);
        Device device = ModelRuntime.chooseDevice(policy, engine.getGpuCount(), manifest.allowGpu, manifest.allowCpu,
                manifest.name);
        if (folder != null) {
            verifyFiles(manifest, folder);
        } else {
            verifyContents(manifest, contents);
        }
        String fingerprint = Checksums.sha256(json);
        Map<String, ModelComponent> loaded = new LinkedHashMap<>();
        try {
            for (BundleManifest.ComponentSpec spec : manifest.components.values()) {
                ModelComponent.Source file = folder != null ? ModelComponent.Source.of(folder.resolve(spec.file))
                        : ModelComponent.Source.of(spec.file, contents.get(spec.file));
                ModelComponent c = spec.backend == BundleManifest.Backend.TORCHSCRIPT
                        ? ModelComponent.loadTorchScript(manifest.name, spec, file, device)
                        : ModelComponent.loadDjl(manifest.name, spec, file, device);
                loaded.put(spec.name, c);
            }
        } catch (ModelBundleException e) {
            loaded.values().forEach(ModelComponent::close);
            throw e;
        }
        LOG.log(Level.INFO, "loaded model bundle ''{0}'' {1} ({2}) from {3}: components {4}",
                new Object[] {manifest.name, manifest.version, manifest.licence, folder != null ? folder
                        : "the classpath", loaded.keySet()});
        return new ModelBundle(manifest, folder, device, loaded, fingerprint);
    }

    /** Checks every listed file's SHA-256; files that belong to a component are reported with its name. */
    private static void verifyFiles(BundleManifest manifest, Path folder) throws ModelBundleException {
        for (Map.Entry<String, String> e : manifest.files.entrySet()) {
            String file = e.getKey();
            String component = componentOf(manifest, file);
            Path p = folder.resolve(file);
            String actual;
            try {
                if (!Files.exists(p)) {
                    throw new ModelBundleException(manifest.name, component, "file " + file
                            + " listed in bundle.json is missing (expected at " + p.toAbsolutePath() + ")");
                }
                if (!Files.isRegularFile(p)) {
                    throw new ModelBundleException(manifest.name, component, "file " + file
                            + " listed in bundle.json is not a regular file (a folder, FIFO or device); refused");
                }
                actual = Checksums.sha256(p);
            } catch (ModelBundleException ex) {
                throw ex;
            } catch (IOException ex) {
                throw new ModelBundleException(manifest.name, component, "cannot read " + p + ": " + ex, ex);
            }
            if (!actual.equals(e.getValue())) {
                throw new ModelBundleException(manifest.name, component, "file " + file + " has sha256 " + actual
                        + " but bundle.json says " + e.getValue() + " (corrupt, truncated or replaced)");
            }
        }
    }

    private static void verifyContents(BundleManifest manifest, Map<String, byte[]> contents)
            throws ModelBundleException {
        for (Map.Entry<String, String> e : manifest.files.entrySet()) {
            String actual = Checksums.sha256(contents.get(e.getKey()));
            if (!actual.equals(e.getValue())) {
                throw new ModelBundleException(manifest.name, componentOf(manifest, e.getKey()), "file " + e.getKey()
                        + " has sha256 " + actual + " but bundle.json says " + e.getValue()
                        + " (corrupt, truncated or replaced)");
            }
        }
    }

    private static String componentOf(BundleManifest manifest, String file) {
        for (BundleManifest.ComponentSpec c : manifest.components.values()) {
            if (c.file.equals(file)) {
                return c.name;
            }
        }
        return null;
    }

    private static byte[] readJson(Path json, String where) throws ModelBundleException {
        try {
            if (Files.exists(json) && io.github.gen3d.internal.SafeFiles.requireRegular(json)
                    > BundleManifest.MAX_JSON_BYTES) {
                throw new ModelBundleException(where, null, JSON + " is larger than "
                        + BundleManifest.MAX_JSON_BYTES + " bytes; it is not a bundle description");
            }
            return io.github.gen3d.internal.SafeFiles.readRegular(json, BundleManifest.MAX_JSON_BYTES);
        } catch (NoSuchFileException e) {
            throw new ModelBundleException(where, null, "no " + JSON + " in the folder", e);
        } catch (IOException e) {
            throw new ModelBundleException(where, null, "cannot read " + json + ": " + e, e);
        }
    }

    /** @return the bundle's name from bundle.json (not null) */
    public String name() {
        return manifest.name;
    }

    /** @return the bundle's version string (not null) */
    public String version() {
        return manifest.version;
    }

    /**
     * @return SHA-256 (hex) of this bundle's bundle.json, which lists the SHA-256 of every weight file (checked at
     *     load) and the sampling settings: it changes whenever the models or their settings do, also when the
     *     version string does not (not null)
     */
    public String fingerprint() {
        return fingerprint;
    }

    /** @return the licence of the weights, as declared (not null) */
    public String licence() {
        return manifest.licence;
    }

    /** @return the description, or "" (not null) */
    public String description() {
        return manifest.description;
    }

    /** @return the folder the weights were loaded from, or null for a bundle read from inside a jar */
    public Path folder() {
        return folder;
    }

    /** @return the DJL device all components run on, e.g. {@code cpu()} or {@code gpu(0)} (not null) */
    public String device() {
        return device.toString();
    }

    /** @return true when the components run on a CUDA GPU */
    public boolean onGpu() {
        return device.isGpu();
    }

    /**
     * Sets how many CPU threads PyTorch uses inside one operation ("intra-op" threads) for the calling thread's
     * later calls, and as the default for threads that have not used PyTorch yet. A game calls it from the thread
     * that runs the models, with fewer threads than cores, so that the render thread keeps a core.
     *
     * @param threads 1 or more
     * @throws IllegalArgumentException for fewer than 1 thread
     * @throws IllegalStateException if the bundle was closed
     */
    public void useCpuThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (closed) {
            throw new IllegalStateException("model bundle '" + manifest.name + "' is closed");
        }
        ModelRuntime.setCpuThreads(threads);
    }

    /**
     * The bundle's free-form top-level {@code "metadata"} object from bundle.json.
     *
     * @return a copy, empty when the bundle declares none (not null)
     */
    JsonObject metadata() {
        return manifest.metadata.deepCopy();
    }

    /** @return the refinement the bundle's {@code "sampler"} object recommends, or null when it declares none */
    SamplerSettings.Refinement refinement() {
        return manifest.refinement;
    }

    /**
     * The classifier-free guidance scale to sample this bundle's models with: what bundle.json's {@code "sampler"}
     * object recommends ({@code "guidance"}, chosen by whoever trained the models), or Gen-3Diffusion's 5
     * ({@link SamplerSettings#defaults()}) when it names none. The service, the CLI and the editor use it when a
     * request leaves the guidance open.
     *
     * @return the guidance scale, finite, in [0, 50]
     */
    public float recommendedGuidance() {
        return Float.isNaN(manifest.guidance) ? SamplerSettings.defaults().guidanceScale() : manifest.guidance;
    }

    /** @return the component names in bundle.json order (not null, unmodifiable) */
    public Set<String> componentNames() {
        return components.keySet();
    }

    /**
     * Looks a component up by name.
     *
     * @param name the component's name in bundle.json (not null)
     * @return the component (not null)
     * @throws ModelBundleException if there is no such component or the bundle is closed
     */
    public synchronized ModelComponent component(String name) throws ModelBundleException {
        if (closed) {
            throw new ModelBundleException(manifest.name, name, "the bundle is closed");
        }
        ModelComponent c = components.get(name);
        if (c == null) {
            throw new ModelBundleException(manifest.name, name, "no such component; the bundle has "
                    + components.keySet());
        }
        return c;
    }

    /** Releases every component's native memory; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        components.values().forEach(ModelComponent::close);
    }

    /** @return name, version and device (not null) */
    @Override
    public String toString() {
        return "ModelBundle[" + manifest.name + " " + manifest.version + " on " + device + ", components "
                + components.keySet() + "]";
    }
}
