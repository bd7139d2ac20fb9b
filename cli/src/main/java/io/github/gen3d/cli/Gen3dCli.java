package io.github.gen3d.cli;

import com.jme3.asset.AssetManager;
import com.jme3.system.JmeSystem;
import io.github.gen3d.diffusion.SamplerSettings;
import io.github.gen3d.model.DevicePolicy;
import io.github.gen3d.service.AssetFormat;
import io.github.gen3d.service.AssetGenerator;
import io.github.gen3d.service.GenerationJob;
import io.github.gen3d.service.GenerationProgress;
import io.github.gen3d.service.GenerationRequest;
import io.github.gen3d.service.GenerationResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gen3d}: generates 3D props with the asset-generation service, headless. Inputs are picture files, folders
 * of pictures, or {@code --category} names (or {@code --random}); every asset is written to {@code --out} as
 * {@code NAME.<format>} for each {@code --format}, with {@code NAME.json} (metadata that regenerates it),
 * {@code NAME-input.*} and {@code NAME-turntable.png}. A console progress bar with ETA runs on stderr.
 *
 * <p>Exit codes: 0 every asset written; 1 some inputs failed (the others are written, the failures listed);
 * 2 bad command line; 3 the model bundle could not be loaded.
 */
@Command(name = "gen3d", mixinStandardHelpOptions = true, version = "gen3d 0.1.0",
        description = "Generates 3D props (Gaussian splats and/or meshes) from pictures or categories.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every asset was written", "1:some inputs failed (the others were written)",
            "2:bad command line", "3:the model bundle could not be loaded"})
public final class Gen3dCli implements Callable<Integer> {
    /** Exit code: some inputs failed. */
    public static final int SOME_FAILED = 1;
    /** Exit code: the model could not be loaded. */
    public static final int NO_MODEL = 3;
    private static final List<String> PICTURES = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    @Parameters(paramLabel = "PICTURE|FOLDER", arity = "0..*",
            description = "Pictures of objects, or folders of pictures (png, jpg, bmp, gif).")
    List<Path> inputs = new ArrayList<>();

    @Option(names = {"-c", "--category"}, split = ",", paramLabel = "NAME",
            description = "Generate props of these categories (the model's front end draws the input).")
    List<String> categories = new ArrayList<>();

    @Option(names = "--random", description = "Generate random props (a category picked from the seed).")
    boolean random;

    @Option(names = {"-n", "--count"}, defaultValue = "1",
            description = "Variants per input, with seeds seed, seed+1, … (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = {"-s", "--seed"}, defaultValue = "0", description = "First seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = {"-g", "--guidance"}, description = "Classifier-free guidance scale, 0-50 (default: the model"
            + " bundle's recommendation, 3 for the default bundle; 5 for a bundle that names none).")
    Float guidance;

    @Option(names = "--mode", defaultValue = "synergy",
            description = "synergy (Gen-3Diffusion), 2d-only or no-2d-prior (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = {"-k", "--kind"}, defaultValue = "splats",
            description = "What to make: splats, mesh or both (default: ${DEFAULT-VALUE}).")
    String kind;

    @Option(names = {"-f", "--format"}, split = ",", paramLabel = "FMT",
            description = "Asset formats: spz, ply, glb, j3o (default: spz for splats, glb for a mesh, both for both).")
    List<String> formats = new ArrayList<>();

    @Option(names = {"-o", "--out"}, defaultValue = "out", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--name", description = "Asset name (one input and one variant only; default from the input"
            + " and the seed).")
    String name;

    @Option(names = "--mesh-res", defaultValue = "128",
            description = "Mesh TSDF resolution (default: ${DEFAULT-VALUE}).")
    int meshRes;

    @Option(names = "--faces", defaultValue = "20000", description = "Mesh face budget (default: ${DEFAULT-VALUE}).")
    int faces;

    @Option(names = "--turntable-frames", defaultValue = "8",
            description = "Views in the turntable preview, 0 for none (default: ${DEFAULT-VALUE}).")
    int turntableFrames;

    @Option(names = "--turntable-size", defaultValue = "192",
            description = "Pixels per turntable view (default: ${DEFAULT-VALUE}).")
    int turntableSize;

    @Option(names = "--bundle", description = "A model bundle folder (default: the shipped gen3d-default).")
    Path bundle;

    @Option(names = "--model", paramLabel = "NAME", description = "A shipped model: default (trained on game art and"
            + " procedural props; weights CC-BY-SA 3.0) or procedural (procedural props only; BSD-3-Clause)"
            + " (default: default).")
    String model;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", description = "CPU threads for the models, the rasterizer and meshing (default: "
            + "all cores).")
    Integer threads;

    @Option(names = "--cache", description = "Cache folder: repeated requests are answered from it.")
    Path cache;

    @Option(names = "--cache-mb", defaultValue = "1024", description = "Cache size limit in MiB (default: "
            + "${DEFAULT-VALUE}).")
    long cacheMb;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar; only the summary lines.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Log the library's INFO messages (model loading, devices).")
    boolean verbose;

    @Option(names = "--regenerate", paramLabel = "NAME.json",
            description = "Generate again the assets these metadata files describe (their input pictures beside"
                    + " them), under the same names.")
    List<Path> regenerate = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream stdout;
    private final PrintStream stderr;

    /** A command writing to the standard streams. */
    public Gen3dCli() {
        this(System.out, System.err);
    }

    Gen3dCli(PrintStream stdout, PrintStream stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Runs the command and exits with its code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command.
     *
     * @param args the command line (not null)
     * @param stdout receives the summary
     * @param stderr receives the progress bar and errors
     * @return the exit code
     */
    static int run(String[] args, PrintStream stdout, PrintStream stderr) {
        Gen3dCli cmd = new Gen3dCli(stdout, stderr);
        CommandLine cl = new CommandLine(cmd);
        cl.setOut(new java.io.PrintWriter(stdout, true));
        cl.setErr(new java.io.PrintWriter(stderr, true));
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            // anything unexpected: one line (the stack trace only with --verbose), never a raw trace
            stderr.println("gen3d: " + printable(e.getMessage() != null ? e.getMessage() : e.toString()));
            if (cmd.verbose) {
                e.printStackTrace(stderr);
            }
            return SOME_FAILED;
        });
        return cl.execute(args);
    }

    /** DJL's loggers (through slf4j-jdk14); held so that the level set on them stays. */
    private static final java.util.logging.Logger DJL_LOG = java.util.logging.Logger.getLogger("ai.djl");

    /** Exit code: a setup problem (an output or cache folder that cannot be made, a bad value). */
    static final int SETUP = 2;

    /** A problem with the command's setup, reported as one line with exit code {@link #SETUP}. */
    private static final class SetupException extends Exception {
        SetupException(String message) {
            super(message);
        }
    }

    /**
     * @param text any text from outside (file names, a bundle's name, error messages)
     * @return the text with control characters (C0, DEL, C1) shown as '?', safe to print on a terminal
     */
    static String printable(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> b.appendCodePoint(Character.getType(c) == Character.CONTROL ? '?' : c));
        return b.toString();
    }

    /** Log records as one line, "gen3d: LEVEL: message", with the stack trace only when verbose. */
    private final class OneLine extends java.util.logging.Formatter {
        @Override
        public String format(java.util.logging.LogRecord r) {
            String m = printable(formatMessage(r));
            StringBuilder b = new StringBuilder("gen3d: ").append(r.getLevel().getName().toLowerCase(Locale.ROOT))
                    .append(": ").append(m);
            if (r.getThrown() != null) {
                b.append(": ").append(printable(String.valueOf(r.getThrown().getMessage())));
                if (verbose) {
                    java.io.StringWriter w = new java.io.StringWriter();
                    r.getThrown().printStackTrace(new java.io.PrintWriter(w));
                    b.append(System.lineSeparator()).append(w);
                }
            }
            return b.append(System.lineSeparator()).toString();
        }
    }

    /** One asset to make. */
    private record Task(GenerationRequest request, String label) {
    }

    @Override
    public Integer call() throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(verbose ? java.util.logging.Level.INFO
                : java.util.logging.Level.WARNING);
        for (java.util.logging.Handler h : java.util.logging.Logger.getLogger("").getHandlers()) {
            h.setLevel(verbose ? java.util.logging.Level.INFO : java.util.logging.Level.WARNING);
            h.setFormatter(new OneLine());
        }
        // DJL's own warnings (e.g. "Failed to detect GPU count" on a machine without CUDA) are for developers
        DJL_LOG.setLevel(verbose ? java.util.logging.Level.INFO : java.util.logging.Level.SEVERE);
        try {
            return generate();
        } catch (SetupException e) {
            stderr.println("gen3d: " + printable(e.getMessage()));
            return SETUP;
        }
    }

    private int generate() throws Exception {
        List<Task> tasks = unique(tasks());
        GenerationRequest.Output output = GenerationRequest.Output.valueOf(kind.toUpperCase(Locale.ROOT));
        List<AssetFormat> fmts = new ArrayList<>();
        for (String f : formats) {
            fmts.add(AssetFormat.parse(f));
        }
        if (fmts.isEmpty()) {
            if (output.splats()) {
                fmts.add(AssetFormat.SPZ);
            }
            if (output.mesh()) {
                fmts.add(AssetFormat.GLB);
            }
        }
        if (turntableFrames < 0 || turntableFrames > 36 || turntableSize < 32 || turntableSize > 1024) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--turntable-frames must be in 0..36 and --turntable-size in 32..1024");
        }
        if (threads != null && (threads < 1 || threads > 256)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be in 1..256");
        }
        AssetGenerator.Options opts = AssetGenerator.Options.defaults()
                .withDevice(DevicePolicy.valueOf(device.toUpperCase(Locale.ROOT)))
                .withQueueCapacity(Math.max(1, tasks.size()))
                .withWorkerThreads(threads != null ? threads : Runtime.getRuntime().availableProcessors());
        if (bundle != null && model != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --bundle or --model, not both");
        }
        if (bundle != null) {
            opts = opts.withBundle(bundle);
        } else if (model != null) {
            try {
                opts = opts.withShippedModel(model);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        if (cacheMb < 1 || cacheMb > MAX_CACHE_MB) {
            throw new SetupException("--cache-mb must be in 1.." + MAX_CACHE_MB + ", got " + cacheMb);
        }
        if (cache != null) {
            opts = opts.withCache(cache, cacheMb << 20);
        }
        try {
            Files.createDirectories(out);
            int swept = io.github.gen3d.internal.AtomicFiles.sweepStale(out, STALE_TEMP_AGE);
            if (swept > 0) {
                stderr.println("gen3d: removed " + swept + " unfinished file(s) an interrupted run left in " + out);
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new SetupException("cannot create the output folder " + out + ": " + reason(e));
        }
        AssetManager assets = fmts.contains(AssetFormat.J3O)
                ? JmeSystem.newAssetManager(Thread.currentThread().getContextClassLoader()
                        .getResource("com/jme3/asset/Desktop.cfg")) : null;
        int failed = 0;
        AssetGenerator started;
        try {
            started = AssetGenerator.start(opts);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new SetupException("cannot use the cache folder " + cache + ": " + reason(e));
        }
        try (AssetGenerator gen = started) {
            try {
                gen.ready().get();
            } catch (ExecutionException e) {
                stderr.println("gen3d: cannot load the model bundle: " + printable(String.valueOf(
                        e.getCause().getMessage())));
                return NO_MODEL;
            }
            stderr.println("gen3d: model " + printable(gen.bundleName()) + " on " + gen.device() + "; "
                    + tasks.size() + " asset(s) to " + printable(out.toAbsolutePath().toString()));
            for (Task t : tasks) {
                if (!generateOne(gen, t, fmts, assets)) {
                    failed++;
                }
            }
        }
        if (failed > 0) {
            stderr.println("gen3d: " + failed + " of " + tasks.size() + " failed");
            return SOME_FAILED;
        }
        return 0;
    }

    /** How old an unfinished temporary file in --out must be before a run removes it (another run may be writing). */
    static final java.time.Duration STALE_TEMP_AGE = java.time.Duration.ofMinutes(10);

    /** Most --cache-mb: 1 TiB (the limit in bytes must not overflow). */
    static final long MAX_CACHE_MB = 1L << 20;

    private static String reason(Exception e) {
        return e instanceof java.nio.file.FileAlreadyExistsException ? "a file of that name is in the way"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /**
     * Gives every task its own asset name: two inputs whose names would be the same (the same file name in two
     * folders, names that sanitise alike) would overwrite each other's files, so the later ones get "_2", "_3", …
     * appended, with a note on stderr.
     */
    private List<Task> unique(List<Task> tasks) {
        java.util.Set<String> taken = new java.util.HashSet<>();
        List<Task> out = new ArrayList<>(tasks.size());
        for (Task t : tasks) {
            String n = t.request().assetName();
            if (taken.add(n.toLowerCase(Locale.ROOT))) {
                out.add(t);
                continue;
            }
            String stem = n.length() > 90 ? n.substring(0, 90) : n;
            int k = 2;
            while (!taken.add((stem + "_" + k).toLowerCase(Locale.ROOT))) {
                k++;
            }
            String renamed = stem + "_" + k;
            stderr.println("gen3d: " + printable(t.label()) + " would be written as " + n + " like an earlier input;"
                    + " it is written as " + renamed);
            out.add(new Task(t.request().toBuilder().name(renamed).build(), t.label()));
        }
        return out;
    }

    private boolean generateOne(AssetGenerator gen, Task t, List<AssetFormat> fmts, AssetManager assets) {
        GenerationRequest r = t.request();
        String assetName = r.assetName();
        GenerationJob job;
        try {
            job = gen.submit(r);
        } catch (IllegalArgumentException e) {
            stderr.println("gen3d: " + printable(t.label() + ": " + e.getMessage()));
            return false;
        }
        GenerationResult result;
        try (ProgressBar bar = quiet ? null : bar(assetName, r.steps())) {
            if (bar != null) {
                job.addListener((j, p) -> {
                    bar.stepTo(p.step());
                    bar.setExtraMessage(p.phase() == GenerationProgress.Phase.SAMPLING ? "" : phaseName(p.phase()));
                });
            }
            result = job.future().get();
        } catch (ExecutionException e) {
            stderr.println("gen3d: " + printable(t.label() + ": " + e.getCause().getMessage()));
            return false;
        } catch (CancellationException | InterruptedException e) {
            stderr.println("gen3d: " + printable(t.label()) + ": cancelled");
            return false;
        }
        try {
            List<Path> written = new ArrayList<>();
            for (AssetFormat f : fmts) {
                written.add(result.save(out, assetName, f, assets));
            }
            if (turntableFrames > 0) {
                Path tt = out.resolve(assetName + "-turntable.png");
                java.awt.image.BufferedImage sheet = Turntable.render(result, turntableFrames, turntableSize,
                        assetName);
                io.github.gen3d.internal.AtomicFiles.write(tt, o -> ImageIO.write(sheet, "png", o));
                written.add(tt);
            }
            var m = result.metadata();
            stdout.printf(Locale.ROOT, "%s: %d Gaussians%s, %.1f s%s -> %s%n", assetName, m.gaussians(),
                    m.triangles() > 0 ? ", " + m.triangles() + " triangles" : "", m.secondsTotal(),
                    m.fromCache() ? " (cache)" : "", String.join(", ", written.stream()
                            .map(p -> p.getFileName().toString()).toList()));
            return true;
        } catch (IOException | RuntimeException e) {
            stderr.println("gen3d: " + printable(t.label() + ": cannot write the asset: " + e.getMessage()));
            return false;
        }
    }

    private static String phaseName(GenerationProgress.Phase p) {
        return p.name().toLowerCase(Locale.ROOT);
    }

    private ProgressBar bar(String task, int max) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(stderr)).setUnit(" steps", 1)
                .build();
    }

    /** The assets to make, from the inputs and options. */
    List<Task> tasks() throws IOException {
        CommandLine cl = spec.commandLine();
        if (count < 1 || count > 10_000) {
            throw new CommandLine.ParameterException(cl, "--count must be in 1..10000");
        }
        List<Path> pictures = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    List<Path> found = s.filter(f -> Files.isRegularFile(f) && PICTURES.stream()
                            .anyMatch(ext -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(ext)))
                            .sorted().toList();
                    if (found.isEmpty()) {
                        throw new CommandLine.ParameterException(cl, "folder " + p + " holds no pictures ("
                                + String.join(", ", PICTURES) + ")");
                    }
                    pictures.addAll(found);
                }
            } else if (Files.isRegularFile(p)) {
                pictures.add(p);
            } else {
                throw new CommandLine.ParameterException(cl, "no such picture or folder: " + p);
            }
        }
        int sources = pictures.size() + categories.size() + (random ? 1 : 0) + regenerate.size();
        if (sources == 0) {
            throw new CommandLine.ParameterException(cl, "give pictures, folders, --category, --random or"
                    + " --regenerate");
        }
        if (name != null && (sources > 1 || count > 1)) {
            throw new CommandLine.ParameterException(cl, "--name needs exactly one input and --count 1");
        }
        SamplerSettings.Mode m = switch (mode.toLowerCase(Locale.ROOT)) {
            case "synergy" -> SamplerSettings.Mode.SYNERGY;
            case "2d-only" -> SamplerSettings.Mode.TWO_D_ONLY;
            case "no-2d-prior" -> SamplerSettings.Mode.NO_2D_PRIOR;
            default -> throw new CommandLine.ParameterException(cl, "--mode must be synergy, 2d-only or no-2d-prior");
        };
        GenerationRequest.Output output = choice(cl, "--kind", kind, GenerationRequest.Output.class);
        choice(cl, "--device", device, DevicePolicy.class);
        for (String f : formats) {
            try {
                AssetFormat.parse(f);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "bad --format '" + printable(f) + "': use spz, ply, glb"
                        + " or j3o");
            }
        }
        List<Task> tasks = new ArrayList<>();
        for (Path json : regenerate) {
            tasks.add(regenerateTask(cl, json));
        }
        try {
            for (int v = 0; v < count; v++) {
                for (Path p : pictures) {
                    tasks.add(new Task(base(m, output, v).image(p).build(), p.toString()));
                }
                for (String c : categories) {
                    tasks.add(new Task(base(m, output, v).category(c).build(), "category " + c));
                }
                if (random) {
                    tasks.add(new Task(base(m, output, v).random().build(), "random"));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        return tasks;
    }

    /** The enum constant named by a command-line value (any case), or a one-line error listing the choices. */
    private static <E extends Enum<E>> E choice(CommandLine cl, String option, String value, Class<E> type) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        throw new CommandLine.ParameterException(cl, "bad " + option + " '" + printable(value) + "': use "
                + String.join(", ", java.util.Arrays.stream(type.getEnumConstants())
                        .map(e -> e.name().toLowerCase(Locale.ROOT)).toList()));
    }

    /** Largest metadata file --regenerate reads. */
    static final int MAX_METADATA_BYTES = 1 << 20;

    private Task regenerateTask(CommandLine cl, Path json) throws IOException {
        if (!Files.isRegularFile(json)) {
            throw new CommandLine.ParameterException(cl, "no such metadata file: " + json);
        }
        String file = json.getFileName().toString();
        if (!file.endsWith(".json")) {
            throw new CommandLine.ParameterException(cl, json + ": metadata files end in .json");
        }
        try {
            byte[] text;
            try {
                text = io.github.gen3d.internal.SafeFiles.readRegular(json, MAX_METADATA_BYTES);
            } catch (IOException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            var meta = io.github.gen3d.service.GenerationMetadata.fromJson(new String(text,
                    java.nio.charset.StandardCharsets.UTF_8), json.toString());
            Path picture = null;
            if (meta.inputKind().equals("IMAGE")) {
                picture = inputBeside(json, meta.inputFile());
            }
            GenerationRequest.Builder b = meta.toRequest(picture);
            return new Task(b.name(file.substring(0, file.length() - 5)).build(), json.toString());
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new CommandLine.ParameterException(cl, printable(m.startsWith(json.toString()) ? m
                    : json + ": " + m));
        }
    }

    /**
     * The saved input picture of a metadata file: a plain file name in the metadata's own folder, never a path out of
     * it (absolute, {@code ..}, a folder part, a link to elsewhere).
     */
    static Path inputBeside(Path json, String inputFile) {
        if (inputFile == null || inputFile.isEmpty()) {
            throw new IllegalArgumentException("the asset was made from a picture but \"inputFile\" is missing");
        }
        if (inputFile.contains("/") || inputFile.contains("\\") || inputFile.equals("..") || inputFile.equals(".")
                || inputFile.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("\"inputFile\" must be a file name beside the metadata, not a path: "
                    + inputFile);
        }
        Path picture = json.toAbsolutePath().resolveSibling(inputFile);
        if (Files.isSymbolicLink(picture)) {
            throw new IllegalArgumentException(picture + ": the input picture is a symbolic link; refused");
        }
        return picture;
    }

    private GenerationRequest.Builder base(SamplerSettings.Mode m, GenerationRequest.Output output, int variant) {
        return GenerationRequest.builder().seed(seed + variant).steps(steps)
                .guidance(guidance == null ? Float.NaN : guidance).mode(m)
                .output(output).mesh(meshRes, faces).name(name);
    }
}
