package io.github.gen3d.service;

import io.github.gen3d.diffusion.Condition;
import io.github.gen3d.diffusion.SampleRequest;
import io.github.gen3d.diffusion.SampleResult;
import io.github.gen3d.diffusion.SamplerSettings;
import io.github.gen3d.diffusion.StepProgress;
import io.github.gen3d.diffusion.SynergySampler;
import io.github.gen3d.image.InputImages;
import io.github.gen3d.image.PreparedImage;
import io.github.gen3d.mesh.MeshCleanup;
import io.github.gen3d.mesh.MeshDecimator;
import io.github.gen3d.mesh.MeshExtractor;
import io.github.gen3d.mesh.TriangleMesh;
import io.github.gen3d.model.BundleFrontEnd;
import io.github.gen3d.render.ViewFit;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One job from request to result on one engine: prepare (or draw) the input, look in the cache, sample, mesh,
 * store in the cache. Runs on a worker thread; publishes progress on the job.
 */
final class Pipeline {
    private static final Logger LOG = Logger.getLogger(Pipeline.class.getName());
    /** DDIM steps of the front end that draws a category's picture (fixed, so category + seed fix the picture). */
    static final int FRONT_END_STEPS = 50;
    /** Guidance of the front end. */
    static final float FRONT_END_GUIDANCE = 3f;
    /** Bumped when the cached data's meaning changes, so old entries stop matching (2: the input fit). */
    static final String CACHE_SCHEMA = "2";

    private final Engine engine;
    private final AssetCache cache;

    /**
     * @param engine the models (not null)
     * @param cache the cache, or null for none
     */
    Pipeline(Engine engine, AssetCache cache) {
        this.engine = engine;
        this.cache = cache;
    }

    /**
     * Runs a started job.
     *
     * @return the result
     * @throws CancellationException when the job was cancelled
     * @throws Exception for any failure (bad input, model error, unknown category)
     */
    GenerationResult run(GenerationJob job) throws Exception {
        long t0 = System.nanoTime();
        GenerationRequest r = job.request();
        publish(job, GenerationProgress.Phase.PREPARING, 0, 0.01, Double.NaN, null, null);
        int res = engine.resolution();
        float[] chw = null;
        int label = -1;
        String category = null;
        String inputKey;
        switch (r.inputKind()) {
            case IMAGE -> {
                PreparedImage p = r.imageFile() != null ? InputImages.read(r.imageFile(), res)
                        : InputImages.prepare(r.image(), r.imageName(), res);
                chw = p.chw();
                String sha = sha256(chw);
                if (r.expectedInputSha256() != null && !r.expectedInputSha256().equals(sha)) {
                    throw new IllegalArgumentException(p.sourceName() + ": not the picture the asset was made"
                            + " from (its prepared pixels have SHA-256 " + sha + ", the metadata says "
                            + r.expectedInputSha256() + "; or a model of another input size)");
                }
                inputKey = "image:" + sha;
            }
            case CATEGORY -> {
                category = r.category();
                label = labelOf(category);
                inputKey = "category:" + category;
            }
            case RANDOM -> {
                List<String> cats = engine.categories();
                if (cats.isEmpty()) {
                    throw new IllegalArgumentException("model bundle '" + engine.name() + "' has no front end, so it"
                            + " cannot make a random prop: give a picture");
                }
                label = (int) Math.floorMod(mix(r.seed()), (long) cats.size());
                category = cats.get(label);
                inputKey = "random:" + category;
            }
            default -> throw new IllegalStateException(r.inputKind().toString());
        }
        checkCancelled(job);
        String key = cacheKey(r, inputKey);
        if (cache != null) {
            Optional<GenerationResult> hit = fromCache(key);
            if (hit.isPresent()) {
                GenerationResult g = hit.get();
                return g.withMetadata(g.metadata().withCacheHit(true, seconds(t0))).withSource(r.imageFile(),
                        r.image());
            }
        }
        if (chw == null) {
            chw = engine.drawInput(label, r.seed(), FRONT_END_STEPS, FRONT_END_GUIDANCE);
        }
        String inputSha = sha256(chw);
        double secPrepare = seconds(t0);
        checkCancelled(job);

        long t1 = System.nanoTime();
        float guidance = guidanceOf(r);
        SynergySampler sampler = engine.sampler(SamplerSettings.defaults().withSteps(r.steps())
                .withGuidanceScale(guidance).withMode(r.mode()).withInputFit(ViewFit.Settings.defaults()));
        int targets = sampler.targetCameras().size();
        boolean mesh = r.output().mesh();
        SampleResult s = sampler.sample(SampleRequest.of(Condition.image(chw, 3, res, res), r.seed()),
                p -> onStep(job, p, targets, t1, mesh), job::cancelRequested);
        double secSample = seconds(t1);
        List<BufferedImage> views = new ArrayList<>();
        List<BufferedImage> renders = new ArrayList<>();
        for (int k = 0; k < targets; k++) {
            views.add(s.viewImage(k));
            renders.add(s.renderImage(k));
        }
        BufferedImage twoD = Previews.strip(views);
        BufferedImage threeD = Previews.strip(renders);

        TriangleMesh m = null;
        double secMesh = 0;
        if (mesh) {
            checkCancelled(job);
            publish(job, GenerationProgress.Phase.MESHING, r.steps(), 0.9, secSample * 0.1, twoD, threeD);
            long t2 = System.nanoTime();
            m = mesh(s, r);
            secMesh = seconds(t2);
        }
        checkCancelled(job);
        GenerationMetadata meta = new GenerationMetadata(GenerationMetadata.FORMAT,
                GenerationMetadata.FORMAT_VERSION, engine.name(), engine.version(), engine.device(),
                r.inputKind().name(), r.inputKind() == GenerationRequest.InputKind.IMAGE ? r.imageName() : category,
                inputSha, category, r.seed(), r.steps(), guidance, r.mode().name(), r.output().name(),
                r.meshResolution(), r.faceBudget(), s.gaussians().size(), m == null ? 0 : m.triangleCount(),
                secPrepare, secSample, secMesh, seconds(t0), false, Instant.now().toString(), null);
        GenerationResult result = new GenerationResult(s.gaussians(), m, BundleFrontEnd.toImage(chw, res), twoD,
                threeD, meta, r.imageFile(), r.image());
        if (cache != null) {
            try {
                cache.put(key, ResultCodec.encode(result));
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "could not cache the result of job " + job.id() + " in " + cache.dir(), e);
            }
        }
        return result;
    }

    /** @return the request's guidance scale, or the engine's recommendation when the request leaves it open */
    private float guidanceOf(GenerationRequest r) {
        return Float.isNaN(r.guidance()) ? engine.guidance() : r.guidance();
    }

    private int labelOf(String category) {
        List<String> cats = engine.categories();
        int i = cats.indexOf(category);
        if (i < 0) {
            throw new IllegalArgumentException(cats.isEmpty() ? "model bundle '" + engine.name()
                    + "' has no front end, so it cannot draw a '" + category + "': give a picture"
                    : "unknown category '" + category + "'; model bundle '" + engine.name() + "' knows " + cats);
        }
        return i;
    }

    private Optional<GenerationResult> fromCache(String key) {
        try {
            Optional<byte[]> data = cache.get(key);
            if (data.isPresent()) {
                return Optional.of(ResultCodec.decode(data.get(), cache.fileFor(key).toString()));
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cache entry " + key + " is unusable; generating again", e);
            try {
                cache.remove(key);
            } catch (IOException ignored) {
                // the next put replaces it
            }
        }
        return Optional.empty();
    }

    /** The cache key: model, input, seed and every parameter that changes the result. */
    String cacheKey(GenerationRequest r, String inputKey) {
        Map<String, String> parts = new TreeMap<>();
        parts.put("schema", CACHE_SCHEMA);
        parts.put("bundle", engine.name());
        parts.put("version", engine.version());
        parts.put("bundleSha256", engine.fingerprint()); // retrained weights under the same version miss
        parts.put("input", inputKey);
        parts.put("seed", Long.toString(r.seed()));
        parts.put("steps", Integer.toString(r.steps()));
        parts.put("guidance", Float.toString(guidanceOf(r)));
        parts.put("mode", r.mode().name());
        parts.put("output", r.output().name());
        if (r.output().mesh()) {
            parts.put("meshResolution", Integer.toString(r.meshResolution()));
            parts.put("faceBudget", Integer.toString(r.faceBudget()));
        }
        return AssetCache.key(parts);
    }

    private void onStep(GenerationJob job, StepProgress p, int targets, long t1, boolean mesh) {
        double elapsed = seconds(t1);
        int done = p.step() + 1;
        double perStep = elapsed / done;
        double left = perStep * (p.totalSteps() - done) + (mesh ? 0.1 * perStep * p.totalSteps() : 0);
        double end = mesh ? 0.9 : 1.0;
        BufferedImage twoD = p.x0TwoD() == null ? null : strip(p, targets, true);
        BufferedImage threeD = p.x0ThreeD() == null ? null : strip(p, targets, false);
        publish(job, GenerationProgress.Phase.SAMPLING, done, 0.05 + (end - 0.05) * done / p.totalSteps(), left,
                twoD, threeD);
    }

    private static BufferedImage strip(StepProgress p, int targets, boolean twoD) {
        List<BufferedImage> v = new ArrayList<>(targets);
        for (int k = 0; k < targets; k++) {
            v.add(twoD ? p.twoDImage(k) : p.threeDImage(k));
        }
        return Previews.strip(v);
    }

    private static void publish(GenerationJob job, GenerationProgress.Phase phase, int step, double fraction,
            double eta, BufferedImage twoD, BufferedImage threeD) {
        job.publish(new GenerationProgress(job.id(), phase, step, job.request().steps(), fraction, eta, twoD,
                threeD));
    }

    private TriangleMesh mesh(SampleResult s, GenerationRequest r) throws IOException {
        TriangleMesh raw = MeshExtractor.extract(s.gaussians(), MeshExtractor.Settings.defaults()
                .withResolution(r.meshResolution()).withThreads(engine.threads()));
        if (raw.isEmpty()) {
            throw new IOException("the generated Gaussians gave an empty mesh (nothing opaque enough to fuse)");
        }
        TriangleMesh clean = MeshCleanup.clean(raw, 1e-6f * diagonal(raw), 0, 0.01);
        return clean.triangleCount() > r.faceBudget() ? MeshDecimator.decimate(clean, r.faceBudget()) : clean;
    }

    private static float diagonal(TriangleMesh m) {
        float[] p = m.positions();
        float[] min = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE};
        float[] max = {-Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
        for (int i = 0; i < p.length; i++) {
            min[i % 3] = Math.min(min[i % 3], p[i]);
            max[i % 3] = Math.max(max[i % 3], p[i]);
        }
        double dx = max[0] - min[0];
        double dy = max[1] - min[1];
        double dz = max[2] - min[2];
        return (float) Math.max(1e-6, Math.sqrt(dx * dx + dy * dy + dz * dz));
    }

    private static void checkCancelled(GenerationJob job) {
        if (job.cancelRequested()) {
            throw new CancellationException("job " + job.id() + " was cancelled");
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** SplitMix64's finaliser: spreads a seed's bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** @return hex SHA-256 of the floats' IEEE bits, big-endian */
    static String sha256(float[] values) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer b = ByteBuffer.allocate(4 * 4096);
            for (int i = 0; i < values.length; i++) {
                if (!b.hasRemaining()) {
                    md.update(b.array(), 0, b.position());
                    b.clear();
                }
                b.putFloat(values[i]);
            }
            md.update(b.array(), 0, b.position());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
