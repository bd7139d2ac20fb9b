/**
 * The asset-generation service: {@link io.github.gen3d.service.AssetGenerationState} (the app state that
 * hot-loads generated props into a running scene), {@link io.github.gen3d.service.AssetGenerator} (the same
 * service without a scene, for tools and batch jobs), {@link io.github.gen3d.service.GenerationRequest},
 * {@link io.github.gen3d.service.GenerationJob}, {@link io.github.gen3d.service.GenerationResult} and
 * {@link io.github.gen3d.service.GenerationListener}.
 *
 * <p>Threads: one worker per device runs the models; listeners and futures complete on it; only the app state
 * touches the scene, and only on the render thread. The disk cache is content-addressed (model, input, seed,
 * parameters), written atomically and checksummed, with a size limit.
 */
package io.github.gen3d.service;
