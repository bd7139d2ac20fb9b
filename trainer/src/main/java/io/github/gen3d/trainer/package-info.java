/**
 * Tools that build and measure the default model bundle: the dataset writer (renders of procedural props for
 * training) and the evaluation of a bundle on the test split. Not part of the plugin jar.
 */
package io.github.gen3d.trainer;
