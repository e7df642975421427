"""EE5179 Q-1: PCA with 30 components against autoencoders with a 30-number code, for reconstruction
(clean in, clean out) and for denoising (gaussian 0.5), side by side."""

from __future__ import annotations

import numpy as np

from denoiser.evaluation.studies import training
from denoiser.evaluation.studies.common import (
    HEADLINE,
    NOISE_SEED,
    Claim,
    Context,
    Outcome,
    one_per_class,
    scored,
    split_description,
)
from denoiser.evaluation.studies.dataset import components_for, explained_variance, variance_figure
from denoiser.evaluation.studies.page import grid, pair, table
from denoiser.imaging.metrics import psnr_per_image
from denoiser.imaging.noise import add_noise
from denoiser.models.baselines import PCABaseline

CODE = 30
AUTOENCODERS = {"dense": "784-256-30-256-784 (EE5179's 512-256-128-30 mirror, narrower)",
                "conv": "strided conv 32/64 -> 30 -> transposed conv (DL-project's, code 30)"}


def _train(context: Context, split) -> dict[str, training.Trained]:
    """Each autoencoder trained twice: to reconstruct clean digits, and to denoise the training noise mix."""
    trained = {}
    for arch in AUTOENCODERS:
        for task, weights in (("reconstruct", training.RECONSTRUCT), ("denoise", training.DENOISE)):
            settings = training.config(context, weights, arch=arch, latent_dim=CODE)
            trained[f"{arch}-{CODE}, trained to {task}"] = training.fit(settings, split)
    return trained


def run(context: Context) -> Outcome:
    """Fit PCA-30, train the code-30 autoencoders, score both tasks on validation and test."""
    split = context.split("mnist")
    noise, level = HEADLINE
    ratios = explained_variance(split.train_x)
    pca = PCABaseline(split.train_x, CODE)
    methods = {f"PCA, {CODE} components": lambda images: pca(images, 0.0)}
    trained = _train(context, split)
    methods.update({name: model.predict for name, model in trained.items()})
    rows, results = [], {}
    for name, function in methods.items():
        model = trained.get(name)
        scores = {part: {"reconstruction": scored(function, clean), "denoising": scored(function, clean, noise, level)}
                  for part, clean in (("validation", split.val_x), ("test", split.test_x))}
        results[name] = {**scores, "params": model.params if model else (CODE + 1) * 784,
                         "best_epoch": model.best_epoch if model else None,
                         "train_seconds": round(model.seconds, 1) if model else None}
        rows.append([name, f"{results[name]['params']:,}", model.best_epoch if model else "-",
                     f"{scores['validation']['reconstruction']['psnr']:.2f}",
                     f"{scores['validation']['denoising']['psnr']:.2f}",
                     pair(scores["test"]["reconstruction"]), f"{scores['test']['reconstruction']['mse']:.4f}",
                     pair(scores["test"]["denoising"]), f"{scores['test']['denoising']['mse']:.4f}"])
    noisy = scored(lambda images: images, split.test_x, noise, level)
    rows.append(["noisy input (no method)", "-", "-", "-", "-", "∞ / 1.000", "0", pair(noisy), f"{noisy['mse']:.4f}"])

    # Per-digit reconstruction error: EE5179 saw PCA struggle with digits that have holes (0, 6, 9).
    reconstructors = {name: function for name, function in methods.items() if "denoise" not in name}
    per_class = {name: [float(np.mean(psnr_per_image(split.test_x[split.test_y == digit],
                                                     function(split.test_x[split.test_y == digit]))))
                        for digit in range(10)] for name, function in reconstructors.items()}
    shown = one_per_class(split.test_y)
    clean = split.test_x[shown]
    noisy_shown = add_noise(clean, noise, level, NOISE_SEED)
    pca_out = methods[f"PCA, {CODE} components"](clean)
    recon_rows = {"original": clean, f"PCA {CODE}": pca_out, "|PCA error|": np.abs(clean - pca_out)}
    recon_rows.update({name.split(",")[0]: trained[name].predict(clean) for name in trained if "reconstruct" in name})
    denoise_rows = {"original": clean, f"noisy σ={level}": noisy_shown,
                    f"PCA {CODE}": methods[f"PCA, {CODE} components"](noisy_shown)}
    denoise_rows.update({name.split(",")[0]: trained[name].predict(noisy_shown) for name in trained
                         if "denoise" in name})
    figures = {"variance": variance_figure(ratios, context.figure("variance"),
                                           f"PCA of the {len(split.train_x):,} training images", mark=CODE),
               "reconstruction": context.figure("reconstruction"), "denoising": context.figure("denoising")}
    grid(recon_rows, figures["reconstruction"], "Reconstruction of clean test digits (code size 30)")
    grid(denoise_rows, figures["denoising"], f"Denoising gaussian σ={level} (code size 30)")

    best = max((name for name in trained if "denoise" in name),
               key=lambda name: results[name]["validation"]["denoising"]["psnr"])
    pca_name = f"PCA, {CODE} components"
    body = ["## Explained variance", "", context.link(figures["variance"], "explained variance"), "",
            f"On the {len(split.train_x):,} training images the first 2 components explain {ratios[:2].sum():.1%} "
            f"of the variance, the first {CODE} {ratios[:CODE].sum():.1%}; 90% needs {components_for(ratios, 0.9)}. "
            f"EE5179 read its curve as \"cut off at n=2\": two components keep {ratios[:2].sum():.0%} of the variance, "
            "and the reconstructions below show what 30 keep.", "",
            "## Reconstruction and denoising, side by side", "",
            f"PSNR / SSIM (dB / 1) and MSE per task. Reconstruction: clean test digits in. Denoising: gaussian "
            f"σ={level}, one fixed draw. Validation PSNR is what a choice would be made on; test is reported.", ""]
    body += table(["method", "params", "best epoch", "val recon PSNR", f"val σ={level} PSNR", "test reconstruction",
                   "recon MSE", f"test denoising σ={level}", "denoise MSE"], rows)
    body += ["", f"Autoencoders: {'; '.join(f'`{arch}`: {text}' for arch, text in AUTOENCODERS.items())}. "
             "PCA is fit on the clean training images and denoises by projecting the noisy image onto its 30 "
             f"components. Best denoiser on validation: **{best}**. "
             + training.budget_note(trained, context.sizes.epochs), "",
             context.link(figures["reconstruction"], "reconstructions"), "",
             context.link(figures["denoising"], "denoising"), "",
             "## Reconstruction PSNR per digit (test)", ""]
    body += table(["method"] + [str(d) for d in range(10)],
                  [[name] + [f"{v:.1f}" for v in values] for name, values in per_class.items()])
    pca_digits = per_class[pca_name]
    body += ["", f"PCA's hardest digits: {', '.join(str(d) for d in np.argsort(pca_digits)[:3])}; easiest: "
             f"{np.argmax(pca_digits)}."]
    results["per_class_reconstruction_psnr"] = per_class
    results["explained_variance_30"] = float(ratios[:CODE].sum())
    dense_recon = results[f"dense-{CODE}, trained to reconstruct"]["test"]["reconstruction"]
    pca_test = results[pca_name]["test"]
    claims = [
        Claim("EE5179", "\"the first and second components add a lot of information ... we might want to cut off "
              "at n=2\"", "component-wise and cumulative explained variance of PCA on MNIST",
              f"2 components: {ratios[:2].sum():.1%} of the variance; 30: {ratios[:CODE].sum():.1%}; 90% needs "
              f"{components_for(ratios, 0.9)}"),
        Claim("EE5179", "PCA (30) against a 30-unit autoencoder: \"validation accuracy obtained was 81.43 %\"",
              "Keras \"accuracy\" of a regression (share of exactly equal pixels), 10 epochs, no test number",
              f"test reconstruction PSNR: PCA-30 {pca_test['reconstruction']['psnr']:.2f} dB, dense-30 "
              f"{dense_recon['psnr']:.2f} dB; denoising σ=0.5: PCA-30 {pca_test['denoising']['psnr']:.2f} dB, "
              f"{best} {results[best]['test']['denoising']['psnr']:.2f} dB"),
        Claim("EE5179", "\"a lot of difference observed in the case of digits which have holes like 6, 0, 9\"",
              "PCA reconstructions by eye", "PCA-30 test reconstruction PSNR per digit, lowest: "
              + ", ".join(f"{d} ({pca_digits[d]:.1f} dB)" for d in np.argsort(pca_digits)[:3])),
    ]
    headline = (f"reconstruction: PCA-30 {pca_test['reconstruction']['psnr']:.1f} dB vs dense-30 "
                f"{dense_recon['psnr']:.1f} dB; denoising σ=0.5: PCA-30 {pca_test['denoising']['psnr']:.1f} dB vs "
                f"{best.split(',')[0]} {results[best]['test']['denoising']['psnr']:.1f} dB")
    data_used = split_description(context, split)
    return Outcome(body, data_used, headline, results, claims)
