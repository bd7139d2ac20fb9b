/**
 * Tools that build and measure the default model bundle: the dataset writer (renders of procedural props for
 * training), the evaluation of a bundle on the test split and the renderer of the shipped sample input pictures
 * ({@link io.github.gen3d.trainer.SampleInputs}, {@code assets/Samples}). Not part of the plugin jar.
 */
package io.github.gen3d.trainer;
