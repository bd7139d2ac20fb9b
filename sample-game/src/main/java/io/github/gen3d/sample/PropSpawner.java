package io.github.gen3d.sample;

import com.jme3.app.Application;
import com.jme3.math.FastMath;
import com.jme3.math.Quaternion;
import com.jme3.math.Transform;
import com.jme3.math.Vector3f;
import com.jme3.scene.Node;
import io.github.gen3d.service.AssetGenerationState;
import io.github.gen3d.service.AssetGenerator;
import io.github.gen3d.service.GenerationJob;
import io.github.gen3d.service.GenerationRequest;
import io.github.gen3d.service.QueueFullException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;

/**
 * Game mode's spawner: keeps the level populated with generated variants — a random category and one of a few
 * seeds per category (so the cache answers repeats at once) — at random spots on the ground, with at most
 * {@code budget} jobs in flight; when {@code maxProps} stand, the oldest goes. Every third prop is generated as a
 * lit mesh, the others as splats. Also records frame times.
 */
final class PropSpawner extends UpdateState {
    private final AssetGenerationState generator;
    private final Node parent;
    private final int budget;
    private final int maxProps;
    private final int steps;
    private final Random rnd;
    private final List<GenerationJob> inFlight = new ArrayList<>();
    private final Deque<Node> standing = new ArrayDeque<>();
    private int spawned;
    private int fromCache;
    private int requested;
    private int meshes;
    private final FrameTimes frames = new FrameTimes();

    /**
     * @param generator generates (attached separately)
     * @param parent where props go
     * @param budget most jobs in flight at once (≥ 1)
     * @param maxProps most props standing at once
     * @param steps DDIM steps per prop
     * @param seed the spawner's own randomness
     */
    PropSpawner(AssetGenerationState generator, Node parent, int budget, int maxProps, int steps, long seed) {
        this.generator = generator;
        this.parent = parent;
        this.budget = budget;
        this.maxProps = maxProps;
        this.steps = steps;
        this.rnd = new Random(seed);
    }

    /** @return props placed so far */
    int spawned() {
        return spawned;
    }

    /** @return of those, how many came from the cache */
    int fromCache() {
        return fromCache;
    }

    /** @return the frame-time record */
    FrameTimes frames() {
        return frames;
    }

    /** @return of those, how many were meshes (the others are splats) */
    int meshes() {
        return meshes;
    }

    /** @return generated props standing in the level now */
    int standing() {
        return standing.size();
    }

    /** @return jobs in flight now */
    int inFlight() {
        return inFlight.size();
    }

    @Override
    protected void cleanup(Application app) {
        for (GenerationJob j : inFlight) {
            j.cancel();
        }
    }

    @Override
    public void update(float tpf) {
        frames.add(tpf);
        inFlight.removeIf(j -> j.state().isFinal());
        AssetGenerator g = generator.generator();
        if (g == null || g.status() != AssetGenerator.Status.READY || inFlight.size() >= budget) {
            return;
        }
        List<String> cats = g.categories();
        if (cats.isEmpty()) {
            return;
        }
        String cat = cats.get(rnd.nextInt(cats.size()));
        float a = rnd.nextFloat() * FastMath.TWO_PI;
        float r = 2.5f + rnd.nextFloat() * 6f;
        Transform t = new Transform(new Vector3f(r * FastMath.cos(a), GameLevel.PROP_LIFT, r * FastMath.sin(a)),
                new Quaternion().fromAngleAxis(rnd.nextFloat() * FastMath.TWO_PI, Vector3f.UNIT_Y));
        // every third prop as a lit mesh, the others as splats: both kinds stand in the level together
        boolean asMesh = requested++ % 3 == 2;
        GenerationRequest req = GenerationRequest.builder().category(cat).seed(rnd.nextInt(3)).steps(steps)
                .output(asMesh ? GenerationRequest.Output.MESH : GenerationRequest.Output.SPLATS)
                .mesh(96, 8_000).attachTo(parent, t).priority(0).build();
        try {
            GenerationJob job = generator.generate(req);
            inFlight.add(job);
            generator.nodeOf(job).thenAccept(node -> {
                spawned++;
                if (asMesh) {
                    meshes++;
                }
                if (job.future().join().metadata().fromCache()) {
                    fromCache++;
                }
                standing.addLast(node);
                while (standing.size() > maxProps) {
                    standing.removeFirst().removeFromParent();
                }
            });
        } catch (QueueFullException e) {
            // the budget keeps the queue short; if another user filled it, try again next frame
        }
    }

    /** Frame times, for the fps figures the game mode reports. */
    static final class FrameTimes {
        private final List<Float> times = new ArrayList<>();

        void add(float seconds) {
            times.add(seconds);
        }

        int count() {
            return times.size();
        }

        /** @return {frames, mean ms, p50 ms, p95 ms, p99 ms, max ms} over the frames after {@code skip} */
        double[] summary(int skip) {
            List<Float> t = new ArrayList<>(times.subList(Math.min(skip, times.size()), times.size()));
            if (t.isEmpty()) {
                return new double[6];
            }
            t.sort(null);
            double sum = 0;
            for (float f : t) {
                sum += f;
            }
            return new double[] {t.size(), 1000 * sum / t.size(), 1000 * at(t, 0.5), 1000 * at(t, 0.95),
                1000 * at(t, 0.99), 1000 * t.get(t.size() - 1)};
        }

        private static double at(List<Float> sorted, double q) {
            return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size())));
        }
    }
}
