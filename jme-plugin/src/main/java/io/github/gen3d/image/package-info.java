/**
 * Input pictures for image-to-3D: {@link io.github.gen3d.image.InputImages} reads a user's picture, removes its
 * background (by alpha, or a flood fill of the near-white border), crops it to the object, centres it with its larger
 * side filling 75 % of a square frame on white, and resamples it to the model's input size, giving a
 * {@link io.github.gen3d.image.PreparedImage} ready for {@link io.github.gen3d.diffusion.Condition#image}. Unusable
 * pictures are refused with an {@link io.github.gen3d.image.InputImageException} that names the file. See
 * {@code docs/input-images.md}.
 */
package io.github.gen3d.image;
