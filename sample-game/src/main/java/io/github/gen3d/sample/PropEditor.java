package io.github.gen3d.sample;

import com.jme3.app.SimpleApplication;
import com.jme3.font.BitmapText;
import com.jme3.math.Transform;
import com.jme3.math.Vector3f;
import com.jme3.scene.Node;
import com.jme3.system.AppSettings;
import com.simsilica.lemur.GuiGlobals;
import com.simsilica.lemur.style.BaseStyles;
import io.github.gen3d.service.AssetGenerationState;
import io.github.gen3d.service.AssetGenerator;
import io.github.gen3d.service.GenerationJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The sample editor: a small level with the "Prop generator" panel (Lemur, glass style). Generated props are
 * placed where the camera looks (the view ray onto the ground). Fly with W/A/S/D/Q/Z, drag with the mouse to look,
 * F1 toggles the help. {@code --screenshot DIR} runs a scripted session off screen — the panel, a generation in
 * progress, a scene with placed props — writes {@code DIR/panel.png}, {@code DIR/progress.png},
 * {@code DIR/placed.png} and exits. Exit codes: 0 done, 1 the scripted session failed, 2 bad command line, 3 no
 * window with an OpenGL 3.3 context could be opened (no usable display).
 */
@Command(name = "prop-editor", mixinStandardHelpOptions = true,
        description = "Gen3D sample editor: generate props from pictures or categories and place them in a level.",
        footer = "Exit codes: 0 done, 1 the scripted session failed, 2 bad command line, 3 no window with an OpenGL "
                + "3.3 context could be opened.")
public final class PropEditor extends SimpleApplication implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(PropEditor.class.getName());
    static final String HELP = String.join("\n", "W A S D  fly    Q Z  up/down    drag mouse  look",
            "Generate  places the prop where the view meets the ground",
            "click  select    arrows  move (Shift: 1 m)    , .  rotate    + -  scale    Del  delete",
            "F5  save the scene    F9  load it    E  export the selection (.glb .ply .spz)",
            "F1  this help    Esc  quit");

    @Option(names = "--screenshot", paramLabel = "DIR", description = "Scripted off-screen session: write "
            + "panel.png, progress.png and placed.png to DIR and exit.")
    Path screenshots;

    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps for the scripted session "
            + "(default ${DEFAULT-VALUE}).")
    int scriptSteps;

    @Option(names = "--game", description = "Game mode: no editor; a spawner fills the level with generated props.")
    boolean game;

    @Option(names = "--seconds", defaultValue = "60", description = "Game mode with --screenshot: how long to play "
            + "before the picture and the frame-time report (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--budget", defaultValue = "1", description = "Game mode: generation jobs in flight at once; "
            + "0 spawns nothing, a baseline for the frame rate (default ${DEFAULT-VALUE}).")
    int budget;

    @Option(names = "--width", defaultValue = "1280", description = "Window width (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--height", defaultValue = "720", description = "Window height (default ${DEFAULT-VALUE}).")
    int height;

    @Option(names = "--bundle", description = "A model bundle folder (default: the shipped gen3d-default).")
    Path bundle;

    @Option(names = "--model", paramLabel = "NAME", description = "A shipped model: default (trained on game art and"
            + " procedural props; weights CC-BY-SA 3.0) or procedural (procedural props only; BSD-3-Clause)"
            + " (default: default).")
    String model;

    @Option(names = "--cache", description = "Generation cache folder (default OUT/cache; none for the scripted "
            + "--screenshot session without --game).")
    Path cache;

    @Option(names = "--out", defaultValue = "out", description = "Folder for the saved scene (OUT/scene) and exported"
            + " props (OUT/export) (default ${DEFAULT-VALUE}).")
    Path out;

    private final Node props = new Node("props");
    private io.github.gen3d.splat.SplatGroup splatGroup;
    private AssetGenerationState generator;
    private GeneratorPanel panel;
    private volatile float shownGuidance = Float.NaN;
    private FrameGrabber grabber;
    private BitmapText help;
    private final List<Node> placed = new ArrayList<>();
    private final List<String> shownErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.Map<com.jme3.scene.Spatial, io.github.gen3d.service.GenerationResult> results =
            new java.util.HashMap<>();
    private PropSelection selection;
    private BitmapText notice;
    private volatile Throwable failure;
    /** Set once the GL context exists and initialisation starts: a failure before that means no context. */
    private volatile boolean initialising;
    private final CompletableFuture<Void> scriptDone = new CompletableFuture<>();

    /**
     * Entry point.
     *
     * @param args command line; see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new PropEditor()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (budget < 0 || budget > 16 || seconds < 1 || scriptSteps < 1 || width < 320 || height < 240) {
            System.err.println("prop-editor: --budget must be in 0..16, --seconds and --steps at least 1, the window"
                    + " at least 320x240");
            return 2;
        }
        if (bundle != null && model != null) {
            System.err.println("prop-editor: give --bundle or --model, not both");
            return 2;
        }
        if (model != null) {
            try {
                AssetGenerator.Options.defaults().withShippedModel(model);
            } catch (IllegalArgumentException e) {
                System.err.println("prop-editor: " + e.getMessage());
                return 2;
            }
        }
        AppSettings s = new AppSettings(true);
        s.setResolution(width, height);
        s.setTitle("Gen3D prop editor");
        s.setRenderer(AppSettings.LWJGL_OPENGL33);
        s.setAudioRenderer(null);
        s.setVSync(screenshots == null);
        s.setSamples(0);
        setSettings(s);
        setShowSettings(false);
        setPauseOnLostFocus(false);
        grabber = new FrameGrabber(-1, null);
        start();
        if (screenshots != null) {
            try {
                scriptDone.get(600, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                failure = e.getCause();
            } catch (java.util.concurrent.TimeoutException e) {
                failure = new IllegalStateException("the scripted session timed out");
            }
            stop(true);
            if (failure != null && !initialising) {
                System.err.println("prop-editor: could not open a window with an OpenGL 3.3 context: "
                        + SplatViewer.describe(failure));
                return 3;
            }
            if (failure != null) {
                System.err.println("prop-editor: " + failure);
                return 1;
            }
            System.out.println("wrote " + (game ? screenshots.resolve("game.png") + ", game-frames.txt"
                    : screenshots.resolve("panel.png") + ", progress.png, placed.png, edited.png"));
        }
        return 0;
    }

    @Override
    public void simpleInitApp() {
        initialising = true;
        GuiGlobals.initialize(this);
        BaseStyles.loadGlassStyle();
        GuiGlobals.getInstance().getStyles().setDefaultStyle("glass");
        setDisplayStatView(false);
        setDisplayFps(screenshots == null);
        rootNode.attachChild(GameLevel.build(assetManager));
        GameLevel.light(rootNode);
        // one globally sorted splat draw for the props and any loaded capture, so overlapping splats composite
        splatGroup = new io.github.gen3d.splat.SplatGroup("splats", assetManager);
        rootNode.attachChild(splatGroup);
        splatGroup.attachChild(props);
        flyCam.setDragToRotate(true);
        flyCam.setMoveSpeed(6);
        cam.setLocation(new Vector3f(-1.5f, 2.6f, 6.5f));
        cam.lookAt(new Vector3f(-1.5f, 0.4f, 0), Vector3f.UNIT_Y);
        guiViewPort.addProcessor(grabber);

        AssetGenerator.Options o = AssetGenerator.Options.defaults();
        // the scripted editor session films generations step by step, and a cache hit (a re-run) has no steps to
        // show: it uses no cache unless one is asked for
        if (cache != null || screenshots == null || game) {
            o = o.withCache(cache != null ? cache : out.resolve("cache"), 512L << 20);
        }
        if (bundle != null) {
            o = o.withBundle(bundle);
        } else if (model != null) {
            o = o.withShippedModel(model);
        }
        generator = new AssetGenerationState(o);
        stateManager.attach(generator);
        help = new BitmapText(guiFont);
        help.setText(HELP);
        help.setColor(new com.jme3.math.ColorRGBA(0.1f, 0.12f, 0.18f, 1)); // dark: readable on the light sky and ground
        help.setSize(guiFont.getCharSet().getRenderedSize() * 0.85f);
        help.setLocalTranslation(Math.max(350, cam.getWidth() - 520), cam.getHeight() - 10, 0);
        guiNode.attachChild(help);
        inputManager.addMapping("help", new com.jme3.input.controls.KeyTrigger(com.jme3.input.KeyInput.KEY_F1));
        inputManager.addListener((com.jme3.input.controls.ActionListener) (n, pressed, tpf) -> {
            if (pressed) {
                help.setCullHint(help.getCullHint() == com.jme3.scene.Spatial.CullHint.Always
                        ? com.jme3.scene.Spatial.CullHint.Inherit : com.jme3.scene.Spatial.CullHint.Always);
            }
        }, "help");
        notice = new BitmapText(guiFont);
        notice.setColor(new com.jme3.math.ColorRGBA(0.1f, 0.12f, 0.18f, 1));
        notice.setLocalTranslation(360, 30, 0);
        guiNode.attachChild(notice);
        if (game) {
            startGame();
            return;
        }
        selection = new PropSelection(props);
        stateManager.attach(selection);
        panel = new GeneratorPanel(generator, props, this::aimedPlacement, (job, node) -> {
            placed.add(node);
            results.put(node, job.future().join());
            selection.select(node);
        });
        stateManager.attach(panel);
        inputManager.addMapping("save", new com.jme3.input.controls.KeyTrigger(com.jme3.input.KeyInput.KEY_F5));
        inputManager.addMapping("load", new com.jme3.input.controls.KeyTrigger(com.jme3.input.KeyInput.KEY_F9));
        inputManager.addMapping("export", new com.jme3.input.controls.KeyTrigger(com.jme3.input.KeyInput.KEY_E));
        inputManager.addListener((com.jme3.input.controls.ActionListener) (n, pressed, tpf) -> {
            if (pressed) {
                fileAction(n);
            }
        }, "save", "load", "export");

        if (screenshots != null) {
            stateManager.attach(new Script());
        }
    }

    private PropSpawner spawner;

    /** Game mode's status line: the model, its device, the queue, and what the spawner has placed. */
    @Override
    public void simpleUpdate(float tpf) {
        if (spawner != null) {
            notice.setText(generator.statusLine() + "  ·  props: " + spawner.spawned() + " placed ("
                    + spawner.fromCache() + " cached, " + spawner.meshes() + " meshes), " + spawner.standing()
                    + " standing");
        }
    }

    /** Game mode: a spawner, a captured splat scene piece and the level; fly with the mouse. */
    private void startGame() {
        flyCam.setDragToRotate(false);
        cam.setLocation(new Vector3f(0, 3.2f, 10));
        cam.lookAt(new Vector3f(0, 0.3f, 0), Vector3f.UNIT_Y);
        io.github.gen3d.splat.SplatLoader.register(assetManager);
        com.jme3.scene.Spatial capture = assetManager.loadModel("Splats/mushroom.ply");
        capture.setLocalTranslation(-3, 0.6f, -2);
        capture.setLocalScale(1.2f);
        splatGroup.attachChild(capture);
        notice.setLocalTranslation(10, 30, 0);
        spawner = new PropSpawner(generator, props, budget, 12, scriptSteps, 42);
        stateManager.attach(spawner);
        help.setText("W A S D  fly    mouse  look    F1  this help    Esc  quit\n"
                + "generated props appear around you while you play");
        if (screenshots != null) {
            stateManager.attach(new GameScript());
        }
    }

    /** Plays for {@code seconds}, then writes the picture and the frame-time report. */
    private final class GameScript extends UpdateState {
        private float played;
        private int readyFrame = -1;
        private CompletableFuture<Path> shot;

        @Override
        public void update(float tpf) {
            if (readyFrame < 0) {
                if (generator.status() == AssetGenerator.Status.READY) {
                    readyFrame = spawner.frames().count();
                }
                return;
            }
            played += tpf;
            cam.setLocation(new Vector3f(10 * com.jme3.math.FastMath.sin(played * 0.1f), 3.2f,
                    10 * com.jme3.math.FastMath.cos(played * 0.1f)));
            cam.lookAt(new Vector3f(0, 0.3f, 0), Vector3f.UNIT_Y);
            if (shot == null && played >= seconds) {
                shot = grabber.captureNext(screenshots.resolve("game.png"));
            } else if (shot != null && shot.isDone()) {
                double[] f = spawner.frames().summary(readyFrame);
                String report = String.format(java.util.Locale.ROOT, "game mode, %d s after the model loaded, "
                        + "budget %d, %d steps: %d frames, mean %.1f ms (%.1f fps), p50 %.1f, p95 %.1f, p99 %.1f, "
                        + "max %.1f ms; %d props placed (%d from the cache, %d meshes), %d standing%n", seconds,
                        budget, scriptSteps, (int) f[0], f[1], 1000 / f[1], f[2], f[3], f[4], f[5], spawner.spawned(),
                        spawner.fromCache(), spawner.meshes(), spawner.standing());
                try {
                    java.nio.file.Files.writeString(screenshots.resolve("game-frames.txt"), report);
                    System.out.print(report);
                    scriptDone.complete(null);
                } catch (java.io.IOException e) {
                    scriptDone.completeExceptionally(e);
                }
                setEnabled(false);
            }
        }
    }

    /** Saves, loads or exports, showing the outcome (or the error) in the notice line instead of a stack trace. */
    void fileAction(String action) {
        Path sceneDir = out.resolve("scene");
        try {
            switch (action) {
                case "save" -> notice.setText("saved " + SceneFiles.save(props, results, sceneDir, assetManager));
                case "load" -> {
                    Node loaded = SceneFiles.load(sceneDir, assetManager);
                    selection.select(null);
                    props.detachAllChildren();
                    results.clear();
                    for (com.jme3.scene.Spatial s : new ArrayList<>(loaded.getChildren())) {
                        props.attachChild(s);
                    }
                    notice.setText("loaded " + props.getQuantity() + " props from " + sceneDir);
                }
                case "export" -> {
                    com.jme3.scene.Spatial s = selection.selected();
                    io.github.gen3d.service.GenerationResult r = s == null ? null : results.get(s);
                    if (r == null) {
                        notice.setText("select a generated prop first");
                        return;
                    }
                    Path dir = out.resolve("export");
                    List<String> files = new ArrayList<>();
                    for (io.github.gen3d.service.AssetFormat f : List.of(io.github.gen3d.service.AssetFormat.GLB,
                            io.github.gen3d.service.AssetFormat.PLY, io.github.gen3d.service.AssetFormat.SPZ)) {
                        files.add(r.save(dir, s.getName(), f, assetManager).getFileName().toString());
                    }
                    notice.setText("exported " + String.join(", ", files) + " to " + dir);
                }
                default -> {
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            notice.setText(action + " failed: " + e.getMessage());
        }
    }

    /** @return the guidance the panel showed once the model had loaded (scripted session), NaN before */
    float shownGuidance() {
        return shownGuidance;
    }

    /** @return why the scripted session failed, null when it succeeded (for tests) */
    Throwable failure() {
        return failure;
    }

    /** @return the error lines the scripted session saw in the panel: missing file, not a picture, cancelled */
    List<String> shownErrors() {
        return List.copyOf(shownErrors);
    }

    /** @return the selection state (for scripts and tests) */
    PropSelection selection() {
        return selection;
    }

    /** Where the view ray meets the ground (y = 0), at most 12 m away; the prop stands on it. */
    Transform aimedPlacement() {
        Vector3f o = cam.getLocation();
        Vector3f d = cam.getDirection();
        float t = d.y < -1e-3f ? -o.y / d.y : 6f;
        t = Math.min(t, 12f);
        Vector3f p = o.add(d.mult(t));
        return new Transform(new Vector3f(p.x, GameLevel.PROP_LIFT, p.z));
    }

    @Override
    public void handleError(String message, Throwable t) {
        LOG.log(java.util.logging.Level.SEVERE, message, t);
        failure = t;
        scriptDone.completeExceptionally(t);
        if (screenshots == null) {
            super.handleError(message, t);
        }
    }

    /**
     * The scripted session: waits for the model, shoots the panel; generates the sample barrel and shoots half-way;
     * then places two more props (a category and a random one) elsewhere and shoots the scene.
     */
    private final class Script extends UpdateState {
        private int stage; // 0: the panel; then -4..-1: the error probes; then 1..: generating and editing
        private int wait;
        private GenerationJob job;
        private CompletableFuture<Path> shot;
        private final float[][] aims = {{-1.2f, 0}, {0.4f, 0.5f}, {-0.3f, -1.3f}};

        private void aim(int i) {
            cam.setLocation(new Vector3f(-2.6f, 2.6f, 6.5f));
            cam.lookAt(new Vector3f(aims[i][0], 0, aims[i][1]), Vector3f.UNIT_Y);
        }

        private void restore() {
            cam.setLocation(new Vector3f(-2.6f, 2.6f, 6.5f));
            cam.lookAt(new Vector3f(-2.6f, 0.4f, 0), Vector3f.UNIT_Y);
        }

        @Override
        public void update(float tpf) {
            if (shot != null && !shot.isDone()) {
                return;
            }
            if (shot != null && shot.isCompletedExceptionally()) {
                scriptDone.completeExceptionally(new IllegalStateException("screenshot failed"));
                shot = null;
                return;
            }
            wait++;
            if (stage >= 2 && stage <= 6 && jobFailed()) {
                return;
            }
            switch (stage) {
                case -4 -> { // readable errors: a missing file (refused at once), a file that is no picture
                    if (wait > 2) {
                        panel.set("no/such/picture.png", null, 1, scriptSteps, "splats");
                        if (panel.generate() != null) {
                            scriptDone.completeExceptionally(new IllegalStateException("a missing file was accepted"));
                            stage = 99;
                            return;
                        }
                        shownErrors.add(panel.errorText());
                        try {
                            Path bad = java.nio.file.Files.createTempFile("gen3d-", "-not-a-picture.png");
                            bad.toFile().deleteOnExit();
                            java.nio.file.Files.writeString(bad, "this is text, not a PNG");
                            panel.set(bad.toString(), null, 1, scriptSteps, "splats");
                        } catch (java.io.IOException e) {
                            scriptDone.completeExceptionally(e);
                        }
                        job = panel.generate();
                        stage++;
                    }
                }
                case -3 -> { // (the bad file fails on the worker; the panel shows why)
                    if (panel.job() == null) {
                        shownErrors.add(panel.errorText());
                        next(screenshots.resolve("error.png"));
                    }
                }
                case -2 -> { // a cancelled job
                    panel.set("Samples/barrel.png", null, 1, scriptSteps, "splats");
                    job = panel.generate();
                    if (job != null) {
                        job.cancel();
                    }
                    stage++;
                }
                case -1 -> {
                    if (panel.job() == null) {
                        shownErrors.add(panel.errorText());
                        panel.set("Samples/barrel.png", null, 7, scriptSteps, "both");
                        shownGuidance = panel.guidance();
                        stage = 1;
                    }
                }
                case 0 -> {
                    if (generator.status() == AssetGenerator.Status.FAILED) {
                        scriptDone.completeExceptionally(new IllegalStateException("the model did not load"));
                        stage = 99;
                    } else if (generator.status() == AssetGenerator.Status.READY && wait > 10) {
                        restore();
                        panel.set("Samples/barrel.png", null, 7, scriptSteps, "both");
                        next(screenshots.resolve("panel.png"));
                        stage = -4;
                    }
                }
                case 1 -> {
                    aim(0);
                    job = panel.generate();
                    restore();
                    if (job == null) {
                        scriptDone.completeExceptionally(new IllegalStateException(panel.errorText()));
                        stage = 99;
                    } else {
                        stage++;
                    }
                }
                case 2 -> {
                    if (job.progress().step() >= scriptSteps / 2 && wait > 3) {
                        next(screenshots.resolve("progress.png"));
                    }
                }
                case 3 -> {
                    if (panel.job() == null) {
                        panel.set(null, "mushroom", 11, scriptSteps, "splats");
                        aim(1);
                        job = panel.generate();
                        restore();
                        stage++;
                    }
                }
                case 4 -> {
                    if (panel.job() == null) {
                        panel.set(null, GeneratorPanel.ANY, 5, scriptSteps, "splats");
                        aim(2);
                        job = panel.generate();
                        restore();
                        stage++;
                    }
                }
                case 5 -> {
                    if (panel.job() == null) {
                        wait = 0;
                        stage++;
                    }
                }
                case 6 -> {
                    if (wait > 8) {
                        next(screenshots.resolve("placed.png"));
                    }
                }
                case 7 -> {
                    if (placed.size() < 3) {
                        scriptDone.completeExceptionally(new IllegalStateException("only " + placed.size()
                                + " props were placed; panel says: " + panel.errorText()));
                        stage = 99;
                        return;
                    }
                    // edit: select the barrel, move, turn and grow it, delete the random prop, save, export, load
                    selection.select(placed.get(0));
                    selection.move(0.5f, 0);
                    selection.rotate(30);
                    placed.get(0).scale(1.2f);
                    selection.select(placed.get(2));
                    fileAction("export");
                    placed.get(2).removeFromParent();
                    selection.select(null);
                    fileAction("save");
                    fileAction("load");
                    stage++;
                    wait = 0;
                }
                case 8 -> {
                    if (wait > 5) {
                        next(screenshots.resolve("edited.png"));
                    }
                }
                case 9 -> {
                    if (props.getQuantity() != 2) {
                        scriptDone.completeExceptionally(new IllegalStateException("the loaded scene has "
                                + props.getQuantity() + " props; " + notice.getText()));
                    } else {
                        scriptDone.complete(null);
                    }
                    stage++;
                }
                default -> {
                }
            }
        }

        /**
         * Ends the session at once when the job being placed failed or was cancelled: it would never reach the next
         * stage (half-way progress, a placed prop), and the caller would wait for the session's whole time limit.
         *
         * @return true when it did
         */
        private boolean jobFailed() {
            if (job == null || !job.state().isFinal() || job.state() == GenerationJob.State.SUCCEEDED) {
                return false;
            }
            Throwable cause = job.future().handle((r, e) -> e).getNow(null);
            scriptDone.completeExceptionally(new IllegalStateException("generation job " + job.id() + " "
                    + job.state().name().toLowerCase(Locale.ROOT) + " at stage " + stage
                    + (cause == null ? "" : ": " + cause.getMessage()), cause));
            stage = 99;
            return true;
        }

        private void next(Path png) {
            shot = grabber.captureNext(png);
            stage++;
            wait = 0;
        }
    }
}
