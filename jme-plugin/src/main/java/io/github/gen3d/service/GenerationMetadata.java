package io.github.gen3d.service;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import io.github.gen3d.diffusion.SamplerSettings;

/**
 * Everything needed to tell where a generated asset came from and to generate it again: the model, the input, the
 * seed and parameters, and what it took. Written next to saved assets as JSON ({@link #toJson()}); a request that
 * regenerates the asset is {@link #toRequest(java.nio.file.Path)}.
 *
 * @param format always {@value #FORMAT}
 * @param formatVersion {@value #FORMAT_VERSION}
 * @param bundle the model bundle's name
 * @param bundleVersion the model bundle's version
 * @param device where the models ran ("cpu" or "gpu")
 * @param inputKind IMAGE, CATEGORY or RANDOM
 * @param input the picture's source name (file path or given name), or the category name
 * @param inputSha256 SHA-256 (hex) of the prepared input picture's pixels as the model saw them, or for a category
 *     of the drawn picture
 * @param category the category (for CATEGORY and RANDOM inputs), else null
 * @param seed the seed
 * @param steps DDIM steps
 * @param guidance the classifier-free guidance scale used (the request's, or the model bundle's recommendation)
 * @param mode the sampling algorithm (SYNERGY, TWO_D_ONLY or NO_2D_PRIOR)
 * @param output SPLATS, MESH or BOTH
 * @param meshResolution the mesh's TSDF resolution
 * @param faceBudget the mesh's face budget
 * @param gaussians Gaussians in the result
 * @param triangles triangles of the mesh (0 without one)
 * @param secondsPrepare time to prepare or draw the input
 * @param secondsSample time in the sampler
 * @param secondsMesh time to extract the mesh
 * @param secondsTotal the job's time from start to result (for a cache hit: the time to read it)
 * @param fromCache true when this result was read from the cache
 * @param created when the asset was first generated (ISO-8601 instant)
 * @param inputFile the saved input picture's file name beside the metadata, or null
 */
public record GenerationMetadata(String format, int formatVersion, String bundle, String bundleVersion,
        String device, String inputKind, String input, String inputSha256, String category, long seed, int steps,
        float guidance, String mode, String output, int meshResolution, int faceBudget, int gaussians,
        int triangles, double secondsPrepare, double secondsSample, double secondsMesh, double secondsTotal,
        boolean fromCache, String created, String inputFile) {

    /** The {@code format} value. */
    public static final String FORMAT = "gen3d-asset";
    /** The {@code formatVersion} value. */
    public static final int FORMAT_VERSION = 1;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
            .serializeSpecialFloatingPointValues().create();

    /** @return this metadata as pretty-printed JSON (not null) */
    public String toJson() {
        return GSON.toJson(this);
    }

    /**
     * Parses metadata written by {@link #toJson()}.
     *
     * @param json the JSON text (not null)
     * @param source names the text's origin in messages, e.g. the file (not null)
     * @return the metadata (not null)
     * @throws IllegalArgumentException naming the source when the text is not such metadata
     */
    public static GenerationMetadata fromJson(String json, String source) {
        GenerationMetadata m;
        try {
            m = GSON.fromJson(json, GenerationMetadata.class);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        if (m == null || !FORMAT.equals(m.format())) {
            throw new IllegalArgumentException(source + ": not Gen3D asset metadata (\"format\" is not \"" + FORMAT
                    + "\")");
        }
        if (m.formatVersion() != FORMAT_VERSION) {
            throw new IllegalArgumentException(source + ": metadata format version " + m.formatVersion()
                    + " is not supported (this library reads " + FORMAT_VERSION + ")");
        }
        if (m.inputKind() == null || m.mode() == null || m.output() == null) {
            throw new IllegalArgumentException(source + ": inputKind, mode and output are required");
        }
        return m;
    }

    /**
     * A request that generates this asset again (with the same model bundle the result is the same).
     *
     * @param picture the input picture for an IMAGE input (typically the saved {@link #inputFile()}); ignored
     *     otherwise (may be null then)
     * @return a builder holding the input, seed and parameters (not null); set the scene placement yourself
     * @throws IllegalArgumentException when a value is not valid, or an IMAGE input has no picture
     */
    public GenerationRequest.Builder toRequest(java.nio.file.Path picture) {
        GenerationRequest.Builder b = GenerationRequest.builder();
        switch (GenerationRequest.InputKind.valueOf(inputKind)) {
            case IMAGE -> {
                if (picture == null) {
                    throw new IllegalArgumentException("the asset was made from a picture; give the picture");
                }
                b.image(picture).expectInput(inputSha256);
            }
            case CATEGORY -> b.category(category);
            case RANDOM -> b.random();
            default -> throw new IllegalArgumentException("input kind " + inputKind);
        }
        return b.seed(seed).steps(steps).guidance(guidance).mode(SamplerSettings.Mode.valueOf(mode))
                .output(GenerationRequest.Output.valueOf(output)).mesh(meshResolution, faceBudget);
    }

    /**
     * @param hit whether the result came from the cache
     * @param seconds the job's total time
     * @return a copy with those values
     */
    GenerationMetadata withCacheHit(boolean hit, double seconds) {
        return new GenerationMetadata(format, formatVersion, bundle, bundleVersion, device, inputKind, input,
                inputSha256, category, seed, steps, guidance, mode, output, meshResolution, faceBudget, gaussians,
                triangles, secondsPrepare, secondsSample, secondsMesh, seconds, hit, created, inputFile);
    }

    /**
     * @param file the saved input picture's name, or null
     * @return a copy with that value
     */
    GenerationMetadata withInputFile(String file) {
        return new GenerationMetadata(format, formatVersion, bundle, bundleVersion, device, inputKind, input,
                inputSha256, category, seed, steps, guidance, mode, output, meshResolution, faceBudget, gaussians,
                triangles, secondsPrepare, secondsSample, secondsMesh, secondsTotal, fromCache, created, file);
    }
}
