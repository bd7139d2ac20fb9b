/**
 * Diffusion sampling on plain float arrays: noise schedules, the DDIM and DDPM schedulers of HuggingFace diffusers,
 * classifier-free guidance, seeded noise, and {@link io.github.gen3d.diffusion.SynergySampler}, the Gen-3Diffusion
 * 2D/3D sampling procedure written against three small interfaces ({@link io.github.gen3d.diffusion.MultiViewDenoiser},
 * {@link io.github.gen3d.diffusion.GaussianReconstructor}, {@link io.github.gen3d.diffusion.ViewRenderer}). Nothing
 * here depends on DJL or on the scene graph; see {@code docs/sampler.md}.
 */
package io.github.gen3d.diffusion;
