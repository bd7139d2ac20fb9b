package io.github.gen3d.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;
import ai.djl.util.Pair;
import com.google.gson.JsonObject;
import io.github.gen3d.diffusion.SchedulerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One network of a {@link ModelBundle} with its declared contract: call {@link #run(Map)} with named float tensors
 * and get the named outputs back. Every call checks the inputs against the contract (names, ranks, fixed sizes,
 * symbolic sizes such as {@code batch} agreeing across tensors, value ranges, whole numbers for integer types, no
 * NaN or infinity), runs the network inside its own DJL sub-manager that is closed before the call returns (no
 * native memory outlives a call), and checks the outputs the same way.
 *
 * <pre>{@code
 * try (ModelBundle bundle = ModelBundle.load(Path.of("models/my-bundle"))) {
 *     ModelComponent denoiser = bundle.component("denoiser");
 *     Map<String, Tensor> out = denoiser.run(Map.of(
 *             "x", new Tensor(noisy, 1, 4, 3, 64, 64),
 *             "t", Tensor.ofInts(981),
 *             "cond", new Tensor(image, 1, 3, 64, 64)));
 *     float[] eps = out.get("eps").data();
 * }
 * }</pre>
 *
 * <p>Calls on one component are serialised (the methods are synchronized); different components run in parallel.
 * After the bundle is closed every call fails with a {@link ModelBundleException}.
 */
public final class ModelComponent {
    private static final Logger LOG = Logger.getLogger(ModelComponent.class.getName());

    static {
        ModelRuntime.init();
    }

    private final String bundle;
    private final BundleManifest.ComponentSpec spec;
    private final Device device;
    private final Block block;
    private final NDManager manager;
    private final AutoCloseable owner;
    private final ParameterStore store;
    private boolean closed;
    private long calls;

    private ModelComponent(String bundle, BundleManifest.ComponentSpec spec, Device device, Block block,
            NDManager manager, AutoCloseable owner) {
        this.bundle = bundle;
        this.spec = spec;
        this.device = device;
        this.block = block;
        this.manager = manager;
        this.owner = owner;
        this.store = new ParameterStore(manager, false);
    }

    /** A component's file: on disk, or its bytes in memory (a bundle inside a jar). */
    record Source(String fileName, Path path, byte[] bytes) {
        static Source of(Path file) {
            return new Source(file.getFileName().toString(), file, null);
        }

        static Source of(String fileName, byte[] bytes) {
            return new Source(Path.of(fileName).getFileName().toString(), null, bytes);
        }
    }

    /**
     * Loads a TorchScript component: from a file through DJL's {@code Criteria} with a {@code NoopTranslator}, from
     * memory through {@code Model.load(InputStream, options)}, both with {@code mapLocation}.
     *
     * @param bundle bundle name
     * @param spec the component's contract
     * @param file the verified .pt file
     * @param device where to run
     * @return the component (not null)
     * @throws ModelBundleException if DJL cannot load the file
     */
    static ModelComponent loadTorchScript(String bundle, BundleManifest.ComponentSpec spec, Source file,
            Device device) throws ModelBundleException {
        String fileName = file.fileName();
        if (!fileName.endsWith(".pt")) {
            throw new ModelBundleException(bundle, spec.name, "a torchscript file must end in .pt, got " + fileName);
        }
        if (file.path() == null) {
            ai.djl.Model model = ai.djl.Model.newInstance(fileName.substring(0, fileName.length() - 3), device,
                    ModelRuntime.ENGINE);
            try {
                model.load(new java.io.ByteArrayInputStream(file.bytes()), Map.of("mapLocation", "true"));
            } catch (MalformedModelException | IOException | RuntimeException e) {
                model.close();
                throw new ModelBundleException(bundle, spec.name, "DJL could not load TorchScript file " + fileName
                        + ": " + e.getMessage(), e);
            }
            return new ModelComponent(bundle, spec, device, model.getBlock(), model.getNDManager(), model);
        }
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(file.path())
                .optModelName(fileName.substring(0, fileName.length() - 3))
                .optEngine(ModelRuntime.ENGINE)
                .optDevice(device)
                .optOption("mapLocation", "true")
                .optTranslator(new NoopTranslator())
                .build();
        ZooModel<NDList, NDList> model;
        try {
            model = criteria.loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new ModelBundleException(bundle, spec.name, "DJL could not load TorchScript file " + fileName
                    + ": " + e.getMessage(), e);
        }
        return new ModelComponent(bundle, spec, device, model.getBlock(), model.getNDManager(), model);
    }

    /**
     * Loads a DJL-native component: builds the block from its factory, initialises it with the contract's input
     * shapes (symbolic dimensions as 1) and reads the verified {@code .params} file into it.
     *
     * @param bundle bundle name
     * @param spec the component's contract
     * @param file the verified .params file
     * @param device where to run
     * @return the component (not null)
     * @throws ModelBundleException if the block is unknown or the file does not fit it
     */
    static ModelComponent loadDjl(String bundle, BundleManifest.ComponentSpec spec, Source file, Device device)
            throws ModelBundleException {
        String fileName = file.fileName();
        if (!fileName.endsWith(".params")) {
            throw new ModelBundleException(bundle, spec.name, "a djl parameter file must end in .params, got "
                    + fileName);
        }
        BlockFactory factory = BlockRegistry.find(spec.block);
        if (factory == null) {
            throw new ModelBundleException(bundle, spec.name, "no BlockFactory named \"" + spec.block
                    + "\" (built in: mlp; register others with BlockFactory.register or META-INF/services)");
        }
        Block block;
        try {
            block = factory.create(spec.options);
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(bundle, spec.name, "block \"" + spec.block + "\": " + e.getMessage(), e);
        }
        NDManager manager = NDManager.newBaseManager(device, ModelRuntime.ENGINE);
        try {
            Shape[] shapes = new Shape[spec.inputs.size()];
            for (int i = 0; i < shapes.length; i++) {
                TensorSpec t = spec.inputs.get(i);
                long[] dims = new long[t.rank()];
                for (int a = 0; a < dims.length; a++) {
                    dims[a] = Math.max(1, t.fixedDim(a));
                }
                shapes[i] = new Shape(dims);
            }
            try {
                block.initialize(manager, DataType.FLOAT32, shapes);
            } catch (RuntimeException e) {
                throw new ModelBundleException(bundle, spec.name, "block \"" + spec.block
                        + "\" does not accept the contract's input shapes " + Arrays.toString(shapes) + ": "
                        + e.getMessage(), e);
            }
            Map<String, Shape> expected = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                expected.put(p.getKey(), p.getValue().getArray().getShape());
            }
            if (file.path() != null) {
                DjlParams.load(file.path(), block, manager, bundle, spec.name);
            } else {
                DjlParams.load(new java.io.ByteArrayInputStream(file.bytes()), fileName, block, manager, bundle,
                        spec.name);
            }
            for (Pair<String, Parameter> p : block.getParameters()) {
                Shape want = expected.get(p.getKey());
                Shape got = p.getValue().getArray().getShape();
                if (!got.equals(want)) {
                    throw new ModelBundleException(bundle, spec.name, fileName + ": parameter " + p.getKey()
                            + " has shape " + got + " but block \"" + spec.block + "\" with these options needs "
                            + want);
                }
            }
            block.freezeParameters(true);
        } catch (ModelBundleException | RuntimeException e) {
            manager.close();
            if (e instanceof ModelBundleException) {
                throw (ModelBundleException) e;
            }
            throw new ModelBundleException(bundle, spec.name, "loading " + fileName + " failed: " + e, e);
        }
        return new ModelComponent(bundle, spec, device, block, manager, manager);
    }

    /** @return the component's name in bundle.json (not null) */
    public String name() {
        return spec.name;
    }

    /** @return {@code denoiser}, {@code reconstructor} or {@code other} (not null) */
    public String role() {
        return spec.role.name().toLowerCase(Locale.ROOT);
    }

    /** @return {@code torchscript} or {@code djl} (not null) */
    public String backend() {
        return spec.backend.name().toLowerCase(Locale.ROOT);
    }

    /** @return a denoiser's prediction type ({@code epsilon}, {@code v_prediction} or {@code sample}), else null */
    public String prediction() {
        return spec.prediction;
    }

    /** @return the declared image resolution in pixels, or 0 when not declared */
    public int resolution() {
        return spec.resolution;
    }

    /** @return the declared number of views, or 0 when not declared */
    public int views() {
        return spec.views;
    }

    /**
     * The noise schedule a denoiser was trained with, from its {@code "scheduler"} object in bundle.json (diffusers'
     * {@code DDIMScheduler} keys and defaults; see {@code docs/model-bundles.md}).
     *
     * @return the configuration with this component's prediction type, or null when none is declared
     */
    public SchedulerConfig scheduler() {
        return spec.scheduler;
    }

    /**
     * The component's free-form {@code "metadata"} object from bundle.json (for instance a front end's
     * {@code "labels"}).
     *
     * @return a copy, empty when the component declares none (not null)
     */
    JsonObject metadata() {
        return spec.metadata.deepCopy();
    }

    /** @return the name of the bundle this component belongs to, for messages (not null) */
    String bundleName() {
        return bundle;
    }

    /** @return the input contract in call order (not null, unmodifiable) */
    public List<TensorSpec> inputs() {
        return spec.inputs;
    }

    /** @return the output contract in the order the network returns them (not null, unmodifiable) */
    public List<TensorSpec> outputs() {
        return spec.outputs;
    }

    /** @return the DJL device this component runs on, e.g. {@code cpu()} or {@code gpu(0)} (not null) */
    public String device() {
        return device.toString();
    }

    /**
     * Runs the network on positional inputs, in the contract's input order.
     *
     * @param inputs one tensor per declared input (not null, unaffected)
     * @return the outputs by name, in declared order (not null, new tensors)
     * @throws ModelBundleException if an input breaks the contract, the network fails, its outputs break the
     *     contract, or the bundle is closed
     */
    public Map<String, Tensor> run(Tensor... inputs) throws ModelBundleException {
        return run(named(inputs), false);
    }

    /**
     * Like {@link #run(Tensor...)}, but output 0 may hold NaN or infinity (its range is still checked for finite
     * values): a reconstructor's Gaussians, whose broken rows the caller drops.
     *
     * @param inputs one tensor per declared input (not null, unaffected)
     * @return the outputs by name (not null, new tensors)
     * @throws ModelBundleException as {@link #run(Tensor...)}, except for non-finite values in output 0
     */
    Map<String, Tensor> runAllowingNonFiniteOutput(Tensor... inputs) throws ModelBundleException {
        return run(named(inputs), true);
    }

    private Map<String, Tensor> named(Tensor... inputs) throws ModelBundleException {
        if (inputs.length != spec.inputs.size()) {
            throw error("takes " + spec.inputs.size() + " inputs " + spec.inputs + ", got " + inputs.length);
        }
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            named.put(spec.inputs.get(i).name(), inputs[i]);
        }
        return named;
    }

    /**
     * Runs the network on named inputs.
     *
     * @param inputs one tensor per declared input name (not null, unaffected)
     * @return the outputs by name, in declared order (not null, new tensors)
     * @throws ModelBundleException if an input breaks the contract, the network fails, its outputs break the
     *     contract, or the bundle is closed
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) throws ModelBundleException {
        return run(inputs, false);
    }

    private synchronized Map<String, Tensor> run(Map<String, Tensor> inputs, boolean nonFiniteOutput0)
            throws ModelBundleException {
        checkOpen();
        for (String key : inputs.keySet()) {
            if (spec.inputs.stream().noneMatch(s -> s.name().equals(key))) {
                throw error("has no input named \"" + key + "\"; inputs: " + spec.inputs);
            }
        }
        Map<String, Long> bindings = new HashMap<>();
        Tensor[] ordered = new Tensor[spec.inputs.size()];
        for (int i = 0; i < ordered.length; i++) {
            TensorSpec s = spec.inputs.get(i);
            Tensor t = inputs.get(s.name());
            if (t == null) {
                throw error("input \"" + s.name() + "\" is missing; inputs: " + spec.inputs);
            }
            checkShape(s, t.shape(), bindings, "input");
            checkValues(s, t.data(), "input", false);
            ordered[i] = t;
        }
        calls++;
        try (NDManager scope = manager.newSubManager()) {
            NDList in = new NDList(ordered.length);
            for (int i = 0; i < ordered.length; i++) {
                in.add(toArray(scope, spec.inputs.get(i), ordered[i]));
            }
            NDList out = forward(scope, in);
            if (out.size() != spec.outputs.size()) {
                throw error("the network returned " + out.size() + " outputs but the contract declares "
                        + spec.outputs.size() + ": " + spec.outputs);
            }
            Map<String, Tensor> result = new LinkedHashMap<>();
            for (int i = 0; i < out.size(); i++) {
                TensorSpec s = spec.outputs.get(i);
                NDArray a = out.get(i);
                long[] shape = a.getShape().getShape();
                checkShape(s, shape, bindings, "output");
                float[] data = fromArray(s, a);
                checkValues(s, data, "output", nonFiniteOutput0 && i == 0);
                result.put(s.name(), new Tensor(data, shape));
            }
            return result;
        } catch (RuntimeException e) {
            throw new ModelBundleException(bundle, spec.name, "inference failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs the network on arrays without any contract check. Every array the call creates, outputs included, ends
     * up owned by {@code scope}; closing it frees them.
     *
     * @param scope the caller's short-lived sub-manager on this component's device (not null)
     * @param in the inputs, already on the device (not null)
     * @return the outputs, attached to {@code scope} (not null)
     * @throws ModelBundleException if the bundle is closed
     */
    synchronized NDList forward(NDManager scope, NDList in) throws ModelBundleException {
        checkOpen();
        NDList out = block.forward(store, in, false);
        out.attach(scope);
        return out;
    }

    /** @return how many calls passed the input checks and reached the network (for tests and statistics) */
    synchronized long callCount() {
        return calls;
    }

    /** @return the manager that owns the parameters; make per-call sub-managers from it */
    NDManager manager() {
        return manager;
    }

    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            owner.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "closing component " + spec.name + " of bundle " + bundle + " failed", e);
        }
    }

    private void checkOpen() throws ModelBundleException {
        if (closed) {
            throw error("the bundle is closed");
        }
    }

    private ModelBundleException error(String problem) {
        return new ModelBundleException(bundle, spec.name, problem);
    }

    private void checkShape(TensorSpec s, long[] shape, Map<String, Long> bindings, String kind)
            throws ModelBundleException {
        String what = kind + " \"" + s.name() + "\" has shape " + Arrays.toString(shape) + " but the contract says "
                + s;
        if (shape.length != s.rank()) {
            throw error(what + ": rank " + shape.length + ", expected " + s.rank());
        }
        for (int a = 0; a < shape.length; a++) {
            if (shape[a] < 1) {
                throw error(what + ": dimension " + a + " is empty");
            }
            long fixed = s.fixedDim(a);
            if (fixed > 0) {
                if (shape[a] != fixed) {
                    throw error(what + ": dimension " + a + " is " + shape[a] + ", expected " + fixed);
                }
            } else {
                String sym = s.symbol(a);
                Long bound = bindings.putIfAbsent(sym, shape[a]);
                if (bound != null && bound != shape[a]) {
                    throw error(what + ": dimension " + a + " (" + sym + ") is " + shape[a] + " but " + sym
                            + " is " + bound + " in an earlier tensor");
                }
            }
        }
    }

    private void checkValues(TensorSpec s, float[] data, String kind, boolean allowNonFinite)
            throws ModelBundleException {
        double lo = s.min();
        double hi = s.max();
        boolean integral = s.type() != TensorSpec.DType.FLOAT32;
        if (s.type() == TensorSpec.DType.INT32) {
            lo = Math.max(lo, Integer.MIN_VALUE);
            hi = Math.min(hi, Integer.MAX_VALUE);
        }
        for (int i = 0; i < data.length; i++) {
            float v = data[i];
            if (!Float.isFinite(v)) {
                if (allowNonFinite) {
                    continue;
                }
                throw error(kind + " \"" + s.name() + "\" holds " + v + " at index " + i + ("output".equals(kind)
                        ? " (the inputs were finite; a network that does this only now and then may have a convolution"
                        + " whose input channels are not a multiple of 16: docs/model-bundles.md, \"Convolution"
                        + " channels\")" : ""));
            }
            if (v < lo || v > hi) {
                throw error(kind + " \"" + s.name() + "\" holds " + v + " at index " + i + ", outside its range ["
                        + s.min() + ", " + s.max() + "]");
            }
            if (integral && v != Math.rint(v)) {
                throw error(kind + " \"" + s.name() + "\" is " + s.dtype() + " but holds " + v + " at index " + i);
            }
        }
    }

    private static NDArray toArray(NDManager scope, TensorSpec s, Tensor t) {
        Shape shape = new Shape(t.shape());
        float[] d = t.data();
        switch (s.type()) {
            case INT64: {
                long[] v = new long[d.length];
                for (int i = 0; i < d.length; i++) {
                    v[i] = (long) d[i];
                }
                return scope.create(v, shape);
            }
            case INT32: {
                int[] v = new int[d.length];
                for (int i = 0; i < d.length; i++) {
                    v[i] = (int) d[i];
                }
                return scope.create(v, shape);
            }
            default:
                return scope.create(d, shape);
        }
    }

    private float[] fromArray(TensorSpec s, NDArray a) throws ModelBundleException {
        DataType want = s.type() == TensorSpec.DType.INT64 ? DataType.INT64
                : s.type() == TensorSpec.DType.INT32 ? DataType.INT32 : DataType.FLOAT32;
        if (a.getDataType() != want) {
            throw error("output \"" + s.name() + "\" is " + a.getDataType() + " but the contract says " + s.dtype());
        }
        if (a.size() > Integer.MAX_VALUE - 8) {
            throw error("output \"" + s.name() + "\" has " + a.size() + " values, too many for one array");
        }
        switch (s.type()) {
            case INT64: {
                long[] v = a.toLongArray();
                float[] f = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    f[i] = v[i];
                }
                return f;
            }
            case INT32: {
                int[] v = a.toIntArray();
                float[] f = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    f[i] = v[i];
                }
                return f;
            }
            default:
                return a.toFloatArray();
        }
    }
}
