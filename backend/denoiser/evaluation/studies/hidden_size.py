"""EE5179 Q-2: fully connected autoencoders of hidden size 64, 128 and 256, for reconstruction and denoising."""

from __future__ import annotations

from functools import partial

import numpy as np

from denoiser.evaluation.figures import plt
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
from denoiser.evaluation.studies.page import grid, pair, save, table
from denoiser.imaging.noise import add_noise
from denoiser.models.architectures import build_dense

SIZES = (64, 128, 256)
TASKS = {"reconstruct": training.RECONSTRUCT, "denoise": training.DENOISE}


def _curves(trained: dict[tuple[int, str], training.Trained], path):
    """Validation loss per epoch of every run, one panel per task."""
    fig, axes = plt.subplots(1, len(TASKS), figsize=(9, 3.4))
    for axis, task in zip(axes, TASKS):
        for size in SIZES:
            history = trained[size, task].history
            axis.plot(np.arange(1, len(history["val_loss"]) + 1), history["val_loss"], marker=".",
                      label=f"fc({size})")
        axis.set_yscale("log")
        axis.set_xlabel("epoch")
        axis.set_ylabel("validation MSE")
        axis.set_title(f"trained to {task}", fontsize=9)
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8)
    fig.tight_layout()
    return save(fig, path)


def run(context: Context) -> Outcome:
    """Train fc(x) for x in SIZES on both tasks; score them on validation (the choice) and test."""
    split = context.split("mnist")
    noise, level = HEADLINE
    trained = {}
    for size in SIZES:
        for task, weights in TASKS.items():
            settings = training.config(context, weights, arch="dense", latent_dim=size)
            builder = partial(build_dense, latent_dim=size, hidden=size, name=f"fc{size}")
            trained[size, task] = training.fit(settings, split, builder)
    results, rows = {}, []
    for (size, task), model in trained.items():
        scores = {part: {"reconstruction": scored(model.predict, clean),
                         "denoising": scored(model.predict, clean, noise, level)}
                  for part, clean in (("validation", split.val_x), ("test", split.test_x))}
        results[f"fc({size}) {task}"] = {**scores, "params": model.params, "best_epoch": model.best_epoch,
                                         "train_seconds": round(model.seconds, 1)}
        rows.append([f"fc({size})", task, f"{model.params:,}", model.best_epoch, f"{model.seconds:.0f}",
                     f"{scores['validation']['reconstruction']['psnr']:.2f}",
                     f"{scores['validation']['denoising']['psnr']:.2f}",
                     pair(scores["test"]["reconstruction"]), pair(scores["test"]["denoising"])])
    task_metric = {"reconstruct": "reconstruction", "denoise": "denoising"}
    best = {task: max(SIZES, key=lambda size, task=task:
                      results[f"fc({size}) {task}"]["validation"][task_metric[task]]["psnr"]) for task in TASKS}
    shown = one_per_class(split.test_y)
    clean = split.test_x[shown]
    noisy = add_noise(clean, noise, level, NOISE_SEED)
    figures = {"reconstruction": context.figure("reconstruction"), "denoising": context.figure("denoising"),
               "curves": _curves(trained, context.figure("curves"))}
    grid({"original": clean, **{f"fc({size})": trained[size, "reconstruct"].predict(clean)
                                           for size in SIZES}},
                    figures["reconstruction"], "Reconstruction of clean test digits (trained to reconstruct)")
    grid({"original": clean, f"noisy σ={level}": noisy,
                     **{f"fc({size})": trained[size, "denoise"].predict(noisy) for size in SIZES}},
                    figures["denoising"], f"Denoising gaussian σ={level} (trained to denoise)")
    body = ["## Results", "",
            f"Each size trained twice: to reconstruct clean digits, and to denoise the training noise mix. Scores "
            f"are PSNR (dB) on validation, PSNR / SSIM on test; denoising at gaussian σ={level}.", ""]
    body += table(["model", "trained to", "params", "best epoch", "train s", "val recon PSNR",
                   f"val σ={level} PSNR", "test reconstruction", f"test denoising σ={level}"], rows)
    runs = {f"fc({size}) {task}": model for (size, task), model in trained.items()}
    body += ["", f"Chosen on validation: fc({best['reconstruct']}) to reconstruct, fc({best['denoise']}) to denoise. "
             + training.budget_note(runs, context.sizes.epochs),
             "", "The model is `models.build_dense(latent_dim=x, hidden=x)`: 784-x-x-x-784 with ReLU and a linear "
             "output. EE5179's table shows 784-x-x-784 (one x-wide layer fewer); its \"fc(x)-fc(784)\" text "
             "names just one hidden layer.", "",
            context.link(figures["reconstruction"], "reconstructions"), "",
            context.link(figures["denoising"], "denoising"), "", "## Learning curves", "",
            context.link(figures["curves"], "validation loss per epoch"), ""]
    recon = {size: results[f"fc({size}) reconstruct"]["test"]["reconstruction"]["psnr"] for size in SIZES}
    denoise = {size: results[f"fc({size}) denoise"]["test"]["denoising"]["psnr"] for size in SIZES}
    results["chosen_on_validation"] = best
    claims = [Claim("EE5179", "fc(128): \"Validation accuracy =81.53%\" (fc(64), fc(256): figures only)",
                    "Keras \"accuracy\" on validation, 10 epochs, one run per size",
                    "test PSNR, reconstruction: " + ", ".join(f"fc({s}) {v:.2f}" for s, v in recon.items())
                    + f" dB; denoising σ={level}: " + ", ".join(f"fc({s}) {v:.2f}" for s, v in denoise.items())
                    + " dB")]
    headline = ("reconstruction " + " / ".join(f"{v:.1f}" for v in recon.values()) + " dB and denoising σ=0.5 "
                + " / ".join(f"{v:.1f}" for v in denoise.values()) + f" dB for x = {', '.join(map(str, SIZES))}")
    return Outcome(body, split_description(context, split), headline, results, claims)
