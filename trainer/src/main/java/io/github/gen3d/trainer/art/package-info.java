/**
 * The game-art dataset: 0 A.D.'s actors (Debian's {@code 0ad-data}, CC-BY-SA 3.0) read from their PMD meshes, DDS
 * textures and actor XML, assembled into textured, normalised assets ({@link io.github.gen3d.trainer.art.ArtAsset}),
 * grouped and split by model ({@link io.github.gen3d.trainer.art.GameArt}) and rendered by the procedural props'
 * rasteriser with a texture surface. See {@code docs/dataset.md}, "Game art".
 */
package io.github.gen3d.trainer.art;
