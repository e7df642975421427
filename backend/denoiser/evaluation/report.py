"""Render an evaluation's report.md from its tables."""

from __future__ import annotations


def _row(cells) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _headline_table(test: dict) -> list[str]:
    lines = [_row(["noise", "PSNR noisy", "PSNR denoised", "SSIM noisy", "SSIM denoised",
                   "MSE", "MAE", "RMSE", "R²", "images/s"]),
             _row(["---"] * 10)]
    for setting, scores in test.items():
        noisy, denoised = scores["noisy"], scores["denoised"]
        psnr_noisy = "∞ (clean)" if noisy["psnr"] >= 100 else f"{noisy['psnr']:.2f}"
        lines.append(_row([setting.replace(":", " "), psnr_noisy, f"**{denoised['psnr']:.2f}**",
                           f"{noisy['ssim']:.3f}", f"**{denoised['ssim']:.3f}**", f"{denoised['mse']:.5f}",
                           f"{denoised['mae']:.4f}", f"{denoised['rmse']:.4f}", f"{denoised['r2']:.3f}",
                           scores.get("images_per_second", "")]))
    return lines


def _baseline_table(baselines: dict) -> list[str]:
    levels = list(next(iter(baselines.values())))
    lines = [_row(["method"] + [f"σ={level} PSNR / SSIM" for level in levels] + ["ms/image (σ=0.5)"]),
             _row(["---"] * (len(levels) + 2))]
    for name, per_level in baselines.items():
        cells = [f"{per_level[level]['psnr']:.2f} / {per_level[level]['ssim']:.3f}" for level in levels]
        timing = per_level.get("0.5", per_level[levels[-1]]).get("ms_per_image", "")
        count = per_level[levels[0]].get("images")
        label = f"**{name}**" if name == "model" else name
        if count and count < max(scores.get("images", 0) for scores in baselines["model"].values()):
            label += f" (first {count} images)"
        lines.append(_row([label] + cells + [timing]))
    return lines


def _real_inputs_section(results: dict) -> list[str]:
    from denoiser.evaluation.realinputs import markdown_table

    return [f"## Real inputs ({results['images']} test digits handed over as people do)", "",
            "Each test digit is rendered as a drawing-pad export, a transparent canvas, a hairline pen, a fat "
            "marker, a small digit in a corner of a big canvas, a phone photo (grey paper, uneven light, a "
            "shadow, noise, EXIF-rotated JPEG), notebook paper with ruled lines, and a low-quality JPEG "
            "(`denoiser.evaluation.realinputs`), then goes through the API's preprocessing. Fidelity: SSIM of "
            "the 28x28 "
            "model input against the original digit. Outcome: PSNR of the model's output (gaussian noise "
            f"{results['noise'].split(':')[1]} added to that input, seed {results['seed']}) against the original "
            "digit. Goal: every kind within 0.05 SSIM and 0.5 dB of `canvas`.", "",
            markdown_table(results), "", "![real inputs](real_inputs.png)", ""]


def _noisy_inputs_section(results: dict) -> list[str]:
    from denoiser.evaluation.noisyinputs import markdown_table

    return [f"## Noise people already have ({results['images']} test digits whose files carry the noise)", "",
            "Each test digit is sent as a file that already carries its noise: a noisy 28x28 PNG, a 10x dark-on-"
            "light scan of it and that scan as a JPEG (quality 75), the clean digit scanned at 10x with camera "
            "grain on every scanned pixel, salt-and-pepper specks and a faint digit under light noise "
            "(`denoiser.evaluation.noisyinputs`), with the API's default options (no noise added). PSNR and "
            "SSIM of the "
            "answer against the clean digit; a refused file counts as a black answer. The noise estimate is "
            "the blind estimate (sigma, [0, 1] scale) of what the model received.", "",
            markdown_table(results), "", "![noisy inputs](noisy_inputs.png)", ""]


def render_report(metadata: dict, tables: dict, headline: list, n_images: int, baseline_limit: int,
                  command: str) -> str:
    """The markdown report: model card summary, metric tables and figures."""
    training = metadata.get("training", {})
    noise, level = headline[0]
    main_scores = tables["test"][f"{noise}:{level:g}"]["denoised"]
    lines = [
        f"# {metadata['name']} v{metadata['version']}: evaluation report", "",
        f"Architecture `{metadata['arch']}`, {metadata['params']:,} parameters, latent size "
        f"{metadata['latent_dim']}; trained on {training.get('n_train', '?')} {metadata['dataset']} images "
        f"({training.get('n_validation', '?')} held out for validation) in {training.get('seconds', '?')} s "
        f"over {training.get('epochs_run', '?')} epochs (best: {training.get('best_epoch', '?')}).", "",
        f"**Headline** ({n_images:,} test images, {noise} {level:g}): PSNR **{main_scores['psnr']:.2f} dB**, "
        f"SSIM **{main_scores['ssim']:.3f}**.", "",
        "Training command:", "", f"    {training.get('command', '?')}", "",
        "Evaluation command:", "", f"    {command}", "",
        f"## The model on the test split ({n_images:,} images)", "",
        "Metrics of the denoised images against the originals (PSNR in dB, per-image mean; SSIM per-image "
        "mean, scikit-image defaults; MSE/MAE/RMSE/R² over all pixels). Noise is drawn once per setting "
        "with a fixed seed.", "",
        *_headline_table(tables["test"]), "",
    ]
    if "reading" in metadata.get("metrics", {}):
        from denoiser.evaluation.readings import markdown as reading_markdown

        lines += reading_markdown(metadata["metrics"]["reading"], metadata["dataset"])
    if "baselines" in tables:
        lines += [f"## Against classical baselines (first {baseline_limit} test images, gaussian noise)", "",
                  "All methods see the same noisy images. Baselines are given the true noise level; their "
                  "parameters are fixed, not tuned on test data. PCA is fitted on clean training images.", "",
                  *_baseline_table(tables["baselines"]), "",
                  "![PSNR against noise level](psnr_vs_level.png)", ""]
    if "real_inputs" in tables:
        lines += _real_inputs_section(tables["real_inputs"])
    if "noisy_inputs" in tables:
        lines += _noisy_inputs_section(tables["noisy_inputs"])
    if "versus" in tables:
        versus = tables["versus"]
        lines += [f"## Against {versus['model']}", "",
                  f"The same {noise} {level:g} noisy test images through `{versus['model']}`: PSNR "
                  f"{versus['denoised']['psnr']:.2f} dB, SSIM {versus['denoised']['ssim']:.3f} (this model: "
                  f"{main_scores['psnr']:.2f} dB, {main_scores['ssim']:.3f}); its row is in the grid below.", ""]
    if "latent" in metadata.get("metrics", {}):
        from denoiser.evaluation.latent_report import markdown

        lines += markdown(metadata["metrics"]["latent"], metadata["dataset"])
    lines += ["## Figures", "",
              f"Original / noisy / denoised test images ({noise} {level:g}):", "", "![grid](grid.png)", "",
              "Learning curves (training loss uses fresh noise every epoch):", "",
              "![learning curves](learning_curves.png)", ""]
    return "\n".join(lines)
