package io.github.gen3d.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.Utils;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place that touches DJL's engine: makes DJL offline before the engine starts, checks that the PyTorch
 * native library comes from the classpath (never downloaded), starts the engine once, and picks devices.
 *
 * <p><b>Offline, enforced in code.</b> The static initialiser sets the system properties {@code ai.djl.offline}
 * and {@code OPT_OUT_TRACKING} to {@code true} before any DJL engine class runs. With them DJL's
 * {@code Utils.openUrl} refuses every http(s) URL (no model-zoo or native-library download) and
 * {@code Ec2Utils.callHome} returns before its telemetry/EC2-metadata requests. DJL reads the environment variable
 * {@code DJL_OFFLINE} before the property, so an environment that sets {@code DJL_OFFLINE=false} is refused with an
 * error rather than silently going online. The PyTorch native jar ({@code ai.djl.pytorch:pytorch-native-cpu},
 * classifier {@code linux-x86_64}, or the CUDA one from the {@code cuda} profile) must be on the classpath, or
 * {@code PYTORCH_LIBRARY_PATH} must point at an installed libtorch; otherwise loading fails with a clear message
 * instead of DJL trying to download one. Code that uses DJL directly before this class is loaded is outside this
 * guarantee.
 *
 * <p>Threads: set {@code -Dai.djl.pytorch.num_threads=N} (and {@code ai.djl.pytorch.num_interop_threads}) before the
 * first bundle is loaded to fix PyTorch's intra-op thread count; the default is PyTorch's own (the core count).
 * {@link ModelBundle#useCpuThreads} changes it at run time for the calling thread.
 */
final class ModelRuntime {
    private static final Logger LOG = Logger.getLogger(ModelRuntime.class.getName());
    /** The engine every bundle runs on. */
    static final String ENGINE = "PyTorch";
    /** A resource inside each PyTorch native jar. */
    static final String NATIVE_MARKER = "native/lib/pytorch.properties";

    static {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    private static Engine engine;
    private static String startFailure;

    private ModelRuntime() {
    }

    /**
     * Does nothing but makes sure the static initialiser (offline properties) has run; the public entry classes
     * call it from their own static initialisers, before any DJL engine class can be initialised (DJL's
     * {@code Engine} class calls home from its own static initialiser).
     */
    static void init() {
        // the work is in the static initialiser
    }

    /**
     * Starts DJL's PyTorch engine on first use (logging its version and GPU count once) and returns it.
     *
     * @param bundle the bundle being loaded, for messages
     * @return the engine (not null)
     * @throws ModelBundleException if the environment asks DJL to go online, the native library is missing, or the
     *     engine does not start
     */
    static synchronized Engine engine(String bundle) throws ModelBundleException {
        if (engine != null) {
            return engine;
        }
        if (startFailure != null) {
            throw new ModelBundleException(bundle, null, startFailure);
        }
        if (!Utils.isOfflineMode()) {
            throw new ModelBundleException(bundle, null, "the environment variable DJL_OFFLINE is set to '"
                    + System.getenv("DJL_OFFLINE") + "'; the model runtime never downloads anything and refuses"
                    + " to start DJL online (unset it or set it to true)");
        }
        if (!nativeLibraryAvailable()) {
            startFailure = "the PyTorch native library is not on the classpath (" + NATIVE_MARKER + " not found):"
                    + " add ai.djl.pytorch:pytorch-native-cpu (classifier linux-x86_64, or pytorch-native-cu124"
                    + " for CUDA) or set PYTORCH_LIBRARY_PATH; the runtime does not download it";
            throw new ModelBundleException(bundle, null, startFailure);
        }
        try {
            Engine e = Engine.getEngine(ENGINE);
            LOG.log(Level.INFO, "DJL {0}, {1} {2}, GPUs: {3}, offline",
                    new Object[] {Engine.getDjlVersion(), e.getEngineName(), e.getVersion(), e.getGpuCount()});
            engine = e;
            return e;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            startFailure = "DJL's PyTorch engine did not start: " + e;
            throw new ModelBundleException(bundle, null, startFailure, e);
        }
    }

    /**
     * PyTorch's intra-op thread count for the calling thread (its OpenMP setting) and the process default; the
     * engine must be running (a bundle loaded).
     *
     * @param threads 1 or more
     */
    static void setCpuThreads(int threads) {
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
    }

    /** @return true when a PyTorch native jar is on the classpath or PYTORCH_LIBRARY_PATH is set */
    static boolean nativeLibraryAvailable() {
        ClassLoader cl = ModelRuntime.class.getClassLoader();
        if (cl != null && cl.getResource(NATIVE_MARKER) != null) {
            return true;
        }
        ClassLoader ctx = Thread.currentThread().getContextClassLoader();
        if (ctx != null && ctx.getResource(NATIVE_MARKER) != null) {
            return true;
        }
        String path = Utils.getEnvOrSystemProperty("PYTORCH_LIBRARY_PATH");
        return path != null && !path.isBlank();
    }

    /**
     * Picks the device for a bundle.
     *
     * @param policy the caller's choice (not null)
     * @param gpuCount GPUs the engine sees
     * @param bundleAllowsGpu whether the bundle lists {@code gpu} among its devices
     * @param bundleAllowsCpu whether the bundle lists {@code cpu} among its devices
     * @param bundle the bundle's name, for messages
     * @return the device (not null)
     * @throws ModelBundleException if the policy asks for what the bundle or the machine cannot give
     */
    static Device chooseDevice(DevicePolicy policy, int gpuCount, boolean bundleAllowsGpu, boolean bundleAllowsCpu,
            String bundle) throws ModelBundleException {
        DevicePolicy p;
        try {
            p = policy.resolveProperty();
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(bundle, null, e.getMessage(), e);
        }
        String why;
        Device device;
        switch (p) {
            case CPU:
                if (!bundleAllowsCpu) {
                    throw new ModelBundleException(bundle, null, "the CPU was requested but the bundle only runs on"
                            + " a GPU (devices: [gpu])");
                }
                device = Device.cpu();
                why = "requested";
                break;
            case GPU:
                if (!bundleAllowsGpu) {
                    throw new ModelBundleException(bundle, null, "a GPU was requested but the bundle only allows"
                            + " the CPU (devices: [cpu])");
                }
                if (gpuCount <= 0) {
                    throw new ModelBundleException(bundle, null, "a GPU was requested but DJL's PyTorch engine sees"
                            + " none (CUDA natives need mvn -Pcuda and a CUDA 12.4 driver)");
                }
                device = Device.gpu(0);
                why = "requested";
                break;
            default:
                if (gpuCount > 0 && bundleAllowsGpu) {
                    device = Device.gpu(0);
                    why = "auto: " + gpuCount + " GPU(s) visible";
                } else if (bundleAllowsCpu) {
                    device = Device.cpu();
                    why = gpuCount > 0 ? "auto: the bundle does not allow GPUs" : "auto: no GPU visible";
                } else {
                    throw new ModelBundleException(bundle, null, "the bundle only runs on a GPU and DJL's PyTorch"
                            + " engine sees none");
                }
                break;
        }
        LOG.log(Level.INFO, "model bundle ''{0}'' runs on {1} ({2})", new Object[] {bundle, device, why});
        return device;
    }
}
