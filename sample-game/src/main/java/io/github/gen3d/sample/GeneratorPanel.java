package io.github.gen3d.sample;

import com.jme3.app.Application;
import com.jme3.app.state.BaseAppState;
import com.jme3.math.ColorRGBA;
import com.jme3.math.Vector2f;
import com.jme3.math.Vector3f;
import com.jme3.scene.Node;
import com.jme3.texture.Image;
import com.jme3.texture.Texture;
import com.jme3.texture.Texture2D;
import com.jme3.util.BufferUtils;
import com.simsilica.lemur.Axis;
import com.simsilica.lemur.Button;
import com.simsilica.lemur.Container;
import com.simsilica.lemur.DefaultRangedValueModel;
import com.simsilica.lemur.FillMode;
import com.simsilica.lemur.Insets3f;
import com.simsilica.lemur.Label;
import com.simsilica.lemur.ProgressBar;
import com.simsilica.lemur.Slider;
import com.simsilica.lemur.TextField;
import com.simsilica.lemur.component.IconComponent;
import com.simsilica.lemur.component.QuadBackgroundComponent;
import com.simsilica.lemur.component.SpringGridLayout;
import io.github.gen3d.service.AssetGenerationState;
import io.github.gen3d.service.AssetGenerator;
import io.github.gen3d.service.GenerationJob;
import io.github.gen3d.service.GenerationProgress;
import io.github.gen3d.service.GenerationRequest;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * The "Prop generator" panel (Lemur, glass style): input (a sample thumbnail, a picture path, a category or
 * random), seed with a dice button, steps, guidance, output kind, Generate; while a job runs a progress bar with
 * ETA, live previews of the four target views (the 2D estimate above the 3D rendering), Cancel; errors in a red
 * line instead of a stack trace. Uses the plugin's public API only.
 */
final class GeneratorPanel extends BaseAppState {
    /** The sample pictures shipped in the assets jar. */
    static final List<String> SAMPLES = List.of("barrel", "chest", "crate", "lamp", "mushroom", "potion", "rock",
            "table", "tree", "vase");
    static final String ANY = "(random)";
    static final String PICTURE = "(picture)";
    private static final int PREVIEW = 64;

    private final AssetGenerationState generator;
    private final java.util.function.Supplier<com.jme3.math.Transform> placement;
    private final Node parent;
    private final java.util.function.BiConsumer<GenerationJob, Node> onPlaced;
    private Container window;
    private TextField path;
    private Cycle category;
    private TextField seed;
    private Slider steps;
    private Slider guidance;
    private Label stepsValue;
    private Label guidanceValue;
    /** Whether the guidance slider has been set to the loaded bundle's recommendation. */
    private boolean guidanceFromModel;
    private Cycle output;
    private Button generate;
    private Button cancel;
    private ProgressBar progress;
    private Label status;
    private Label error;
    private final List<Label> twoD = new ArrayList<>();
    private final List<Label> threeD = new ArrayList<>();
    private volatile GenerationJob job;
    private volatile GenerationProgress shown;
    private volatile GenerationJob shownJob;
    private GenerationProgress drawn;
    private final Random dice = new Random();
    private String lastError;

    /**
     * @param generator the app state that generates (attached separately)
     * @param parent where props go
     * @param placement where the next prop goes (called on the render thread when Generate is pressed)
     * @param onPlaced told about each placed prop (render thread)
     */
    GeneratorPanel(AssetGenerationState generator, Node parent, java.util.function.Supplier<com.jme3.math.Transform>
            placement, java.util.function.BiConsumer<GenerationJob, Node> onPlaced) {
        this.generator = generator;
        this.parent = parent;
        this.placement = placement;
        this.onPlaced = onPlaced;
    }

    @Override
    protected void initialize(Application app) {
        window = new Container();
        Label title = window.addChild(new Label("Prop generator", new com.simsilica.lemur.style.ElementId(
                "window.title.label")));
        title.setColor(ColorRGBA.White); // the glass style's title colour is hard to read on the light sky

        Container samples = window.addChild(new Container(new SpringGridLayout(Axis.Y, Axis.X, FillMode.None,
                FillMode.None)));
        int col = 0;
        int row = 0;
        for (String s : SAMPLES) {
            Button b = new Button("");
            IconComponent icon = new IconComponent("Samples/" + s + ".png");
            icon.setIconSize(new Vector2f(40, 40));
            b.setIcon(icon);
            b.setInsets(new Insets3f(1, 1, 1, 1));
            b.addClickCommands(src -> {
                path.setText("Samples/" + s + ".png");
                category.select(PICTURE);
            });
            samples.addChild(b, row, col);
            if (++col == 5) {
                col = 0;
                row++;
            }
        }

        Container form = window.addChild(new Container());
        form.addChild(new Label("Picture"));
        path = form.addChild(new TextField("Samples/barrel.png"), 1);
        path.setPreferredWidth(230);
        form.addChild(new Label("Category"));
        List<String> cats = new ArrayList<>();
        cats.add(PICTURE);
        cats.add(ANY);
        category = new Cycle(form.addChild(new Button(""), 1), cats);
        form.addChild(new Label("Seed"));
        Container seedRow = form.addChild(new Container(new SpringGridLayout(Axis.X, Axis.Y)), 1);
        seed = seedRow.addChild(new TextField("7"));
        seed.setPreferredWidth(150);
        Button roll = seedRow.addChild(new Button("Dice"));
        roll.addClickCommands(src -> seed.setText(Integer.toString(dice.nextInt(1_000_000))));
        form.addChild(new Label("Steps"));
        Container stepRow = form.addChild(new Container(new SpringGridLayout(Axis.X, Axis.Y)), 1);
        steps = stepRow.addChild(new Slider(new DefaultRangedValueModel(5, 100, 50), Axis.X));
        stepsValue = stepRow.addChild(new Label("50"));
        form.addChild(new Label("Guidance"));
        Container guideRow = form.addChild(new Container(new SpringGridLayout(Axis.X, Axis.Y)), 1);
        // starts at the service's fallback; moves to the bundle's recommendation once it has loaded
        guidance = guideRow.addChild(new Slider(new DefaultRangedValueModel(1, 10,
                GenerationRequest.DEFAULT_GUIDANCE), Axis.X));
        guidanceValue = guideRow.addChild(new Label(String.format(Locale.ROOT, "%.1f",
                GenerationRequest.DEFAULT_GUIDANCE)));
        form.addChild(new Label("Output"));
        output = new Cycle(form.addChild(new Button(""), 1), List.of("splats", "mesh", "both"));

        Container buttons = window.addChild(new Container(new SpringGridLayout(Axis.X, Axis.Y)));
        generate = buttons.addChild(new Button("Generate"));
        generate.addClickCommands(src -> generate());
        cancel = buttons.addChild(new Button("Cancel"));
        cancel.addClickCommands(src -> {
            GenerationJob j = job;
            if (j != null) {
                j.cancel();
            }
        });

        progress = window.addChild(new ProgressBar());
        progress.setMessage("idle");
        Container previews = window.addChild(new Container(new SpringGridLayout(Axis.Y, Axis.X, FillMode.None,
                FillMode.None)));
        previews.addChild(new Label("2D"), 0, 0);
        previews.addChild(new Label("3D"), 1, 0);
        for (int v = 0; v < 4; v++) {
            twoD.add(previews.addChild(preview(), 0, v + 1));
            threeD.add(previews.addChild(preview(), 1, v + 1));
        }
        status = window.addChild(new Label(""));
        status.setColor(new ColorRGBA(0.85f, 0.95f, 1f, 1));
        error = window.addChild(new Label(""));
        error.setColor(new ColorRGBA(1f, 0.45f, 0.4f, 1));
        error.setMaxWidth(330);
        window.setLocalTranslation(10, app.getCamera().getHeight() - 10, 0);
    }

    private static Label preview() {
        Label l = new Label("");
        l.setPreferredSize(new Vector3f(PREVIEW, PREVIEW, 0));
        l.setBackground(new QuadBackgroundComponent(new ColorRGBA(0.15f, 0.15f, 0.17f, 1)));
        return l;
    }

    /** @return the panel's root (for tests and screenshots) */
    Container window() {
        return window;
    }

    /** @return the job running now, or null */
    GenerationJob job() {
        return job;
    }

    /**
     * Once the model has loaded: sets the guidance slider to the bundle's recommendation (unless the user moved it
     * already) and fills the category list.
     */
    private void refreshFromModel() {
        AssetGenerator g = generator.generator();
        if (!guidanceFromModel && g != null && !Float.isNaN(g.recommendedGuidance())) {
            guidanceFromModel = true;
            if (guidance.getModel().getValue() == GenerationRequest.DEFAULT_GUIDANCE) {
                guidance.getModel().setValue(g.recommendedGuidance());
            }
        }
        if (g == null || category.items().size() > 2 || g.categories().isEmpty()) {
            return;
        }
        category.addAll(g.categories());
    }

    /** Sets the form as a user would (for scripted screenshots and tests). */
    void set(String picture, String categoryName, long seedValue, int stepCount, String outputKind) {
        if (picture != null) {
            path.setText(picture);
        }
        refreshFromModel();
        category.select(categoryName == null ? PICTURE : categoryName);
        seed.setText(Long.toString(seedValue));
        steps.getModel().setValue(stepCount);
        output.select(outputKind);
        update(0); // the value labels follow at once (a screenshot may be taken before the next update)
    }

    /** Presses Generate: builds the request from the form, or shows what is wrong with it. */
    GenerationJob generate() {
        if (job != null) {
            showError("a generation is running; cancel it first");
            return null;
        }
        try {
            GenerationRequest.Builder b = GenerationRequest.builder();
            String cat = category.selected();
            if (PICTURE.equals(cat)) {
                String text = path.getText().trim();
                Path p = Path.of(text);
                if (Files.isRegularFile(p)) {
                    b.image(p);
                } else {
                    b.image(shipped(text), text);
                }
            } else if (ANY.equals(cat)) {
                b.random();
            } else {
                b.category(cat);
            }
            long s;
            try {
                s = Long.parseLong(seed.getText().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("seed '" + seed.getText() + "' is not a whole number");
            }
            GenerationRequest r = b.seed(s).steps((int) Math.round(steps.getModel().getValue()))
                    .guidance(guidance())
                    .output(GenerationRequest.Output.valueOf(output.selected().toUpperCase(Locale.ROOT)))
                    .attachTo(parent, placement.get()).build();
            GenerationJob j = generator.generate(r);
            job = j;
            showError(null);
            j.addListener((jj, p) -> {
                shownJob = jj;
                shown = p;
            });
            generator.nodeOf(j).whenComplete((node, failure) -> {
                job = null;
                if (node != null) {
                    onPlaced.accept(j, node);
                } else {
                    Throwable c = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    showError(c instanceof CancellationException ? "cancelled" : c.getMessage());
                }
            });
            return j;
        } catch (RuntimeException e) {
            showError(e.getMessage());
            return null;
        }
    }

    /** A picture shipped on the classpath (the assets jar's {@code Samples/}), or a clear error. */
    private static BufferedImage shipped(String name) {
        java.net.URL url = GeneratorPanel.class.getClassLoader().getResource(name.replace('\\', '/'));
        if (url == null) {
            throw new IllegalArgumentException("no picture file or shipped asset '" + name + "'");
        }
        try {
            BufferedImage img = javax.imageio.ImageIO.read(url);
            if (img == null) {
                throw new IllegalArgumentException("'" + name + "' is not a picture");
            }
            return img;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read '" + name + "': " + e.getMessage(), e);
        }
    }

    private void showError(String message) {
        lastError = message;
    }

    /** @return the guidance scale the form would send, as its label shows it */
    float guidance() {
        return (float) (Math.round(guidance.getModel().getValue() * 10) / 10.0);
    }

    /** @return the latest error ("" when none) */
    String errorText() {
        String e = lastError;
        return e == null ? "" : e;
    }

    @Override
    public void update(float tpf) {
        refreshFromModel();
        stepsValue.setText(Long.toString(Math.round(steps.getModel().getValue())));
        guidanceValue.setText(String.format(Locale.ROOT, "%.1f", guidance()));
        boolean pic = PICTURE.equals(category.selected());
        path.setAlpha(pic ? 1f : 0.4f);
        error.setText(lastError == null ? "" : lastError);
        status.setText(generator.statusLine());
        GenerationJob j = job;
        generate.setEnabled(j == null && generator.status() != AssetGenerator.Status.FAILED);
        cancel.setEnabled(j != null);
        GenerationProgress p = shown;
        if (p != null && p != drawn) {
            drawn = p;
            String eta = Double.isNaN(p.etaSeconds()) ? ""
                    : String.format(Locale.ROOT, ", %.0f s left", p.etaSeconds());
            if (p.phase() == GenerationProgress.Phase.FINISHED) { // done, failed or cancelled: the job says which
                GenerationJob.State end = shownJob == null ? GenerationJob.State.SUCCEEDED : shownJob.state();
                progress.setProgressPercent(end == GenerationJob.State.SUCCEEDED ? 1 : 0);
                progress.setMessage(end == GenerationJob.State.SUCCEEDED ? "done"
                        : end.name().toLowerCase(Locale.ROOT));
            } else {
                progress.setProgressPercent(p.fraction());
                progress.setMessage(p.phase().name().toLowerCase(Locale.ROOT) + " " + p.step() + "/"
                        + p.totalSteps() + eta);
            }
            show(twoD, p.twoD());
            show(threeD, p.threeD());
        }
    }

    private static void show(List<Label> cells, BufferedImage strip) {
        if (strip == null) {
            return;
        }
        int w = strip.getWidth() / cells.size();
        for (int v = 0; v < cells.size(); v++) {
            Texture2D t = new Texture2D(toImage(strip.getSubimage(v * w, 0, w, strip.getHeight())));
            t.setMagFilter(Texture.MagFilter.Nearest);
            cells.get(v).setBackground(new QuadBackgroundComponent(t));
        }
    }

    /** A picture as an RGBA8 jME image (row 0 at the bottom). */
    static Image toImage(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        ByteBuffer data = BufferUtils.createByteBuffer(w * h * 4);
        for (int y = h - 1; y >= 0; y--) {
            for (int x = 0; x < w; x++) {
                int argb = img.getRGB(x, y);
                data.put((byte) (argb >> 16)).put((byte) (argb >> 8)).put((byte) argb).put((byte) 0xff);
            }
        }
        data.flip();
        return new Image(Image.Format.RGBA8, w, h, data, com.jme3.texture.image.ColorSpace.sRGB);
    }

    @Override
    protected void cleanup(Application app) {
    }

    @Override
    protected void onEnable() {
        ((com.jme3.app.SimpleApplication) getApplication()).getGuiNode().attachChild(window);
    }

    @Override
    protected void onDisable() {
        window.removeFromParent();
    }
}
