/**
 * The procedural training data set for the default models: seeded game props built from closed parametric
 * primitives ({@link io.github.gen3d.trainer.dataset.PropGenerator}), their train / validation / test split by seed
 * ({@link io.github.gen3d.trainer.dataset.DatasetSplit}) and a mesh-to-Gaussian sampler for rendering them with the splat
 * rasterizer ({@link io.github.gen3d.trainer.dataset.MeshToSplats}). See {@code docs/dataset.md}.
 */
package io.github.gen3d.trainer.dataset;
