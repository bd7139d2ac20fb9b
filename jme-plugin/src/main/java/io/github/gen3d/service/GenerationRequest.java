package io.github.gen3d.service;

import com.jme3.math.Transform;
import com.jme3.scene.Node;
import com.jme3.texture.Image;
import com.jme3.texture.Texture;
import io.github.gen3d.diffusion.SamplerSettings;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What to generate: the input (a picture, a category, or nothing for a random prop), the sampling parameters, what
 * to produce, and where the prop goes in the scene. Immutable; build one with {@link #builder()}:
 *
 * <pre>{@code
 * GenerationRequest r = GenerationRequest.builder()
 *         .image(Path.of("assets/Samples/barrel.png"))
 *         .seed(42).steps(50)
 *         .output(GenerationRequest.Output.BOTH)
 *         .attachTo(rootNode, new Transform(new Vector3f(2, 0, -3)))
 *         .build();
 * }</pre>
 *
 * <p>{@link Builder#build()} checks every value and throws {@link IllegalArgumentException} with a message naming
 * the bad value; a picture file must exist and be readable then (it is decoded later, on the worker, and a picture
 * that cannot be used fails the job with an {@link io.github.gen3d.image.InputImageException} naming the file). An
 * unknown category is rejected when the request is submitted, once the model's categories are known.
 */
public final class GenerationRequest {
    /** What the job produces. */
    public enum Output {
        /** Gaussian splats only (a {@code SplatNode}). */
        SPLATS,
        /** A mesh only (TSDF fusion of rendered depth, vertex colours, decimated to the face budget). */
        MESH,
        /** Both: splats and a mesh. */
        BOTH;

        /** @return true when splats are kept in the scene node */
        public boolean splats() {
            return this != MESH;
        }

        /** @return true when a mesh is extracted */
        public boolean mesh() {
            return this != SPLATS;
        }
    }

    /** Where the input comes from. */
    public enum InputKind {
        /** A picture of the object. */
        IMAGE,
        /** A category: the model's front end draws the picture. */
        CATEGORY,
        /** Nothing: a category is picked from the seed, then drawn. */
        RANDOM
    }

    /** Default DDIM steps (Gen-3Diffusion's). */
    public static final int DEFAULT_STEPS = 50;
    /**
     * The classifier-free guidance scale of a request that leaves it open when the model bundle recommends none
     * (Gen-3Diffusion's); a bundle's {@code "sampler"} object usually does ({@code ModelBundle.recommendedGuidance()}).
     */
    public static final float DEFAULT_GUIDANCE = 5f;
    /** Default TSDF resolution of the mesh (voxels along each side of the unit cube). */
    public static final int DEFAULT_MESH_RESOLUTION = 128;
    /** Default face budget of the mesh. */
    public static final int DEFAULT_FACE_BUDGET = 20_000;
    /** Most DDIM steps a request may ask for. */
    public static final int MAX_STEPS = 1000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final InputKind kind;
    private final Path file;
    private final BufferedImage image;
    private final String imageName;
    private final String category;
    private final long seed;
    private final int steps;
    private final float guidance;
    private final SamplerSettings.Mode mode;
    private final Output output;
    private final int meshResolution;
    private final int faceBudget;
    private final Node parent;
    private final Transform transform;
    private final int priority;
    private final String name;
    private final String expectedInput;

    private GenerationRequest(Builder b) {
        kind = b.file != null || b.image != null ? InputKind.IMAGE : b.category != null ? InputKind.CATEGORY
                : InputKind.RANDOM;
        file = b.file;
        image = b.image;
        imageName = b.imageName;
        category = b.category;
        seed = b.seed != null ? b.seed : new SecureRandom().nextLong() & Long.MAX_VALUE;
        steps = b.steps;
        guidance = b.guidance;
        mode = b.mode;
        output = b.output;
        meshResolution = b.meshResolution;
        faceBudget = b.faceBudget;
        parent = b.parent;
        transform = b.transform.clone();
        priority = b.priority;
        name = b.name;
        expectedInput = b.expectedInput;
    }

    /**
     * @return a builder with the defaults: random input and seed, 50 steps, the model bundle's recommended guidance,
     *     synergy, splats
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this request's values (the seed included) */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.file = file;
        b.image = image;
        b.imageName = imageName;
        b.category = category;
        b.seed = seed;
        b.steps = steps;
        b.guidance = guidance;
        b.mode = mode;
        b.output = output;
        b.meshResolution = meshResolution;
        b.faceBudget = faceBudget;
        b.parent = parent;
        b.transform = transform.clone();
        b.priority = priority;
        b.name = name;
        b.expectedInput = expectedInput;
        return b;
    }

    /** @return where the input comes from (not null) */
    public InputKind inputKind() {
        return kind;
    }

    /** @return the picture file, or null */
    public Path imageFile() {
        return file;
    }

    /** @return the picture given in memory, or null (shared: do not modify) */
    public BufferedImage image() {
        return image;
    }

    /** @return the name used for the in-memory picture in messages and metadata (not null for an image) */
    public String imageName() {
        return file != null ? file.toString() : imageName;
    }

    /** @return the category name (lower case), or null */
    public String category() {
        return category;
    }

    /** @return the seed (chosen at random by {@link Builder#build()} when none was given) */
    public long seed() {
        return seed;
    }

    /** @return DDIM steps */
    public int steps() {
        return steps;
    }

    /**
     * @return the classifier-free guidance scale, or NaN when the request leaves it to the model bundle's
     *     recommendation (the default; the job's {@link GenerationMetadata#guidance()} records the scale used)
     */
    public float guidance() {
        return guidance;
    }

    /** @return the sampling algorithm (not null) */
    public SamplerSettings.Mode mode() {
        return mode;
    }

    /** @return what is produced (not null) */
    public Output output() {
        return output;
    }

    /** @return the mesh's TSDF resolution */
    public int meshResolution() {
        return meshResolution;
    }

    /** @return the mesh's face budget */
    public int faceBudget() {
        return faceBudget;
    }

    /** @return the node the prop is attached to, or null for the app state's default (its root node) */
    public Node parent() {
        return parent;
    }

    /** @return a copy of the prop's local transform under its parent (not null) */
    public Transform transform() {
        return transform.clone();
    }

    /** @return the queue priority; higher runs first, equal ones in submission order */
    public int priority() {
        return priority;
    }

    /** @return the asset name, or null for one made from the input and the seed */
    public String name() {
        return name;
    }

    /**
     * @return the SHA-256 (hex) the prepared input picture must have ({@link Builder#expectInput}), or null for any
     */
    public String expectedInputSha256() {
        return expectedInput;
    }

    /** @return the asset name: {@link #name()} or one made from the input and the seed (not null) */
    public String assetName() {
        if (name != null) {
            return name;
        }
        String base = switch (kind) {
            case IMAGE -> stem(imageName());
            case CATEGORY -> category;
            case RANDOM -> "random";
        };
        return base + "-" + seed;
    }

    private static String stem(String source) {
        String s = source == null ? "image" : Path.of(source).getFileName().toString();
        int dot = s.lastIndexOf('.');
        if (dot > 0) {
            s = s.substring(0, dot);
        }
        s = s.replaceAll("[^A-Za-z0-9._-]", "_").replace("..", "__"); // checkName refuses ".."
        if (s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0))) {
            s = "image" + s;
        }
        return s.length() > 60 ? s.substring(0, 60) : s;
    }

    /**
     * Checks an asset name: 1–100 characters from {@code A-Z a-z 0-9 . _ -}, starting with a letter or digit, so that
     * it names a file inside a folder and never a path out of it.
     *
     * @param name the name (may be null: rejected)
     * @return the name
     * @throws IllegalArgumentException if the name is not allowed
     */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("asset name '" + name + "' is not allowed: use 1-100 letters, digits,"
                    + " '.', '_' or '-', starting with a letter or digit, without '..'");
        }
        return name;
    }

    @Override
    public String toString() {
        String in = switch (kind) {
            case IMAGE -> "image " + imageName();
            case CATEGORY -> "category " + category;
            case RANDOM -> "random";
        };
        return "GenerationRequest[" + in + ", seed " + seed + ", " + steps + " steps, guidance "
                + (Float.isNaN(guidance) ? "the model's" : Float.toString(guidance)) + ", "
                + mode + ", " + output + (output.mesh() ? " (mesh " + meshResolution + ", " + faceBudget + " faces)"
                : "") + ", priority " + priority + "]";
    }

    /** Collects a request's values; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private Path file;
        private BufferedImage image;
        private String imageName;
        private String category;
        private Long seed;
        private int steps = DEFAULT_STEPS;
        private float guidance = Float.NaN;
        private SamplerSettings.Mode mode = SamplerSettings.Mode.SYNERGY;
        private Output output = Output.SPLATS;
        private int meshResolution = DEFAULT_MESH_RESOLUTION;
        private int faceBudget = DEFAULT_FACE_BUDGET;
        private Node parent;
        private Transform transform = new Transform();
        private int priority;
        private String name;
        private String expectedInput;

        private Builder() {
        }

        private void clearInput() {
            file = null;
            image = null;
            imageName = null;
            category = null;
        }

        /**
         * Generates from a picture file (PNG, JPEG, …; alpha or a near-white background is removed).
         *
         * @param picture the file (not null)
         * @return this builder
         */
        public Builder image(Path picture) {
            if (picture == null) {
                throw new IllegalArgumentException("picture file is null");
            }
            clearInput();
            file = picture;
            return this;
        }

        /**
         * Generates from a picture in memory.
         *
         * @param picture the picture (not null; it must not be modified until the job is done)
         * @param sourceName names it in messages and metadata (null: "image")
         * @return this builder
         */
        public Builder image(BufferedImage picture, String sourceName) {
            if (picture == null) {
                throw new IllegalArgumentException("picture is null");
            }
            clearInput();
            image = picture;
            imageName = sourceName == null ? "image" : sourceName;
            return this;
        }

        /**
         * Generates from a jME image (converted now, on the calling thread).
         *
         * @param picture the image (not null, unaffected; RGBA8, RGB8, BGR8, ABGR8, ARGB8, BGRA8, Luminance8 or
         *     Luminance8Alpha8, first mip level)
         * @param sourceName names it in messages and metadata (null: "image")
         * @return this builder
         * @throws IllegalArgumentException if the format is not one of these
         */
        public Builder image(Image picture, String sourceName) {
            if (picture == null) {
                throw new IllegalArgumentException("jME image is null");
            }
            String n = sourceName != null ? sourceName : "image";
            return image(JmeImages.toBufferedImage(picture, n), n);
        }

        /**
         * Generates from a texture's image.
         *
         * @param texture the texture (not null, with an image)
         * @return this builder
         * @see #image(Image, String)
         */
        public Builder image(Texture texture) {
            if (texture == null || texture.getImage() == null) {
                throw new IllegalArgumentException("texture is null or has no image");
            }
            String n = texture.getKey() != null ? texture.getKey().getName() : texture.getName();
            return image(texture.getImage(), n);
        }

        /**
         * Generates a prop of a category (the model's front end draws the input picture).
         *
         * @param name the category, e.g. "barrel" (not null; case-insensitive)
         * @return this builder
         */
        public Builder category(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("category is null or blank");
            }
            clearInput();
            category = name.trim().toLowerCase(Locale.ROOT);
            return this;
        }

        /** @return this builder, set to generate a random prop (the default) */
        public Builder random() {
            clearInput();
            return this;
        }

        /**
         * @param value the seed; equal requests with equal seeds give equal results
         * @return this builder
         */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /**
         * @param n DDIM steps, 1..{@value #MAX_STEPS}
         * @return this builder
         */
        public Builder steps(int n) {
            steps = n;
            return this;
        }

        /**
         * @param scale classifier-free guidance scale, 0..50 (1: no guidance, half the cost), or NaN for the model
         *     bundle's recommendation (the default; {@link #DEFAULT_GUIDANCE} when it has none)
         * @return this builder
         */
        public Builder guidance(float scale) {
            guidance = scale;
            return this;
        }

        /**
         * @param value the full Gen-3Diffusion algorithm (default) or an ablation (not null)
         * @return this builder
         */
        public Builder mode(SamplerSettings.Mode value) {
            mode = value;
            return this;
        }

        /**
         * @param value what to produce (not null)
         * @return this builder
         */
        public Builder output(Output value) {
            output = value;
            return this;
        }

        /**
         * @param resolution the mesh's TSDF resolution, 32..512
         * @param faces the mesh's face budget, 100..2,000,000
         * @return this builder
         */
        public Builder mesh(int resolution, int faces) {
            meshResolution = resolution;
            faceBudget = faces;
            return this;
        }

        /**
         * Where the prop goes when an {@link AssetGenerationState} generates it.
         *
         * @param node the parent (null: the state's default, the application's root node)
         * @param local the prop's local transform under it (not null, copied)
         * @return this builder
         */
        public Builder attachTo(Node node, Transform local) {
            if (local == null) {
                throw new IllegalArgumentException("transform is null");
            }
            parent = node;
            transform = local.clone();
            return this;
        }

        /**
         * @param value queue priority; higher runs first
         * @return this builder
         */
        public Builder priority(int value) {
            priority = value;
            return this;
        }

        /**
         * @param value the asset name for saving and for the scene node (see {@link #checkName}), or null
         * @return this builder
         */
        public Builder name(String value) {
            name = value;
            return this;
        }

        /**
         * Makes the job fail, before any sampling, unless the prepared input picture is exactly the one a result was
         * made from: its {@link GenerationMetadata#inputSha256()} (regenerating from metadata whose picture was edited
         * or replaced would otherwise silently make another asset).
         *
         * @param sha256 64 hex digits, or null for no check
         * @return this builder
         */
        public Builder expectInput(String sha256) {
            if (sha256 != null && !sha256.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("expected input SHA-256 must be 64 hex digits, got '" + sha256
                        + "'");
            }
            expectedInput = sha256 == null ? null : sha256.toLowerCase(java.util.Locale.ROOT);
            return this;
        }

        /**
         * Checks the values and builds the request.
         *
         * @return the request (not null)
         * @throws IllegalArgumentException naming the first bad value
         */
        public GenerationRequest build() {
            if (steps < 1 || steps > MAX_STEPS) {
                throw new IllegalArgumentException("steps must be in 1.." + MAX_STEPS + ", got " + steps);
            }
            if (!Float.isNaN(guidance) && !(guidance >= 0 && guidance <= 50)) {
                throw new IllegalArgumentException("guidance must be in 0..50 (or NaN for the model's), got "
                        + guidance);
            }
            if (mode == null || output == null) {
                throw new IllegalArgumentException("mode and output must not be null");
            }
            if (meshResolution < 32 || meshResolution > 512) {
                throw new IllegalArgumentException("mesh resolution must be in 32..512, got " + meshResolution);
            }
            if (faceBudget < 100 || faceBudget > 2_000_000) {
                throw new IllegalArgumentException("face budget must be in 100..2000000, got " + faceBudget);
            }
            if (name != null) {
                checkName(name);
            }
            if (file != null) {
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("picture file " + file + " does not exist or is not a file");
                }
                if (!Files.isReadable(file)) {
                    throw new IllegalArgumentException("picture file " + file + " is not readable");
                }
            }
            if (image != null && (image.getWidth() < 1 || image.getHeight() < 1)) {
                throw new IllegalArgumentException("picture " + imageName + " is empty");
            }
            return new GenerationRequest(this);
        }
    }
}
