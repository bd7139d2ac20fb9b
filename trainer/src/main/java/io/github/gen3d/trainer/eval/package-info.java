/**
 * Evaluation metrics for the default model: image metrics (PSNR, masked PSNR, SSIM) and mesh metrics (Chamfer
 * distance and F-score on visible surface samples). Definitions and the reference script are in
 * {@code docs/evaluation.md}.
 */
package io.github.gen3d.trainer.eval;
