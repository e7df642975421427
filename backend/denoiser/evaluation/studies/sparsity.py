"""EE5179 Q-3: an over-complete autoencoder with an L1 penalty on its code, at 1e-6, 1e-4 and 1e-3 (and 0,
the standard autoencoder): how sparse the code gets, what it costs, and what the first-layer filters look like."""

from __future__ import annotations

from functools import partial

import numpy as np

from denoiser.evaluation.figures import plt
from denoiser.evaluation.studies import training
from denoiser.evaluation.studies.common import (
    HEADLINE,
    Claim,
    Context,
    Outcome,
    one_per_class,
    scored,
    split_description,
)
from denoiser.evaluation.studies.page import grid, pair, save, table
from denoiser.models.architectures import build_dense

STRENGTHS = (0.0, 1e-6, 1e-4, 1e-3)
CODE, HIDDEN = 1024, 512  # a code wider than the 784 pixels: over-complete
NEAR_ZERO = 0.01  # an activation below this counts as silent
FILTERS_SHOWN = 16
TILES_PER_ROW = 8


def label(strength: float) -> str:
    """`L1 1e-04`, or `no L1` for the standard autoencoder."""
    return f"L1 {strength:.0e}" if strength else "no L1"


def code_statistics(codes: np.ndarray) -> dict[str, float]:
    """Sparsity of a ReLU code [N, D]: silent share, mean activation, active units per image, dead units."""
    active = codes > NEAR_ZERO
    return {"near_zero_share": float(1.0 - active.mean()), "mean_activation": float(codes.mean()),
            "active_per_image": float(active.sum(axis=1).mean()),
            "dead_units": int((~active.any(axis=0)).sum())}


def _tiles(axis, images: np.ndarray, title: str, signed: bool) -> None:
    """Images [K, 28, 28] in rows of TILES_PER_ROW with a mid-grey gap, each scaled to its own largest magnitude."""
    scaled = images / (np.abs(images).max(axis=(1, 2), keepdims=True) + 1e-12)
    gap = 0.0 if signed else 0.5  # mid-grey on either scale
    rows = -(-len(scaled) // TILES_PER_ROW)
    sheet = np.full((rows * 30 - 2, TILES_PER_ROW * 30 - 2), gap, np.float32)
    for index, tile in enumerate(scaled):
        row, column = divmod(index, TILES_PER_ROW)
        sheet[row * 30:row * 30 + 28, column * 30:column * 30 + 28] = tile
    axis.imshow(sheet, cmap="gray", vmin=-1 if signed else 0, vmax=1, interpolation="nearest")
    axis.set_axis_off()
    axis.set_title(title, fontsize=9)


def _filters(changes: dict[float, np.ndarray], hidden: dict[float, np.ndarray], path):
    """The learned part of the first-layer filters of each model's FILTERS_SHOWN most active hidden units."""
    fig, axes = plt.subplots(len(changes), 1, figsize=(TILES_PER_ROW * 0.8, len(changes) * 1.95))
    for axis, (strength, change) in zip(axes, changes.items()):
        units = np.argsort(-hidden[strength].mean(axis=0))[:FILTERS_SHOWN]
        _tiles(axis, change[:, units].T.reshape(-1, 28, 28), label(strength), signed=True)
    fig.tight_layout()
    return save(fig, path)


def _responses(codes: dict[float, np.ndarray], images: np.ndarray, path):
    """For FILTERS_SHOWN live code units drawn at random: the activation-weighted mean input (what it responds to)."""
    fig, axes = plt.subplots(len(codes), 1, figsize=(TILES_PER_ROW * 0.8, len(codes) * 1.95))
    flat = images.reshape(len(images), -1)
    for axis, (strength, code) in zip(axes, codes.items()):
        live = np.flatnonzero((code > NEAR_ZERO).any(axis=0))
        units = np.sort(np.random.default_rng(0).choice(live, size=min(FILTERS_SHOWN, len(live)), replace=False))
        weights = code[:, units]
        means = (weights.T @ flat) / (weights.sum(axis=0)[:, None] + 1e-12)
        _tiles(axis, means.reshape(-1, 28, 28), f"{label(strength)} ({len(live)} live units)", signed=False)
    fig.tight_layout()
    return save(fig, path)


def _histogram(codes: dict[float, np.ndarray], path):
    """Distribution of code activations per strength (log counts)."""
    fig, axis = plt.subplots(figsize=(7, 3.4))
    upper = max(float(np.percentile(values, 99.9)) for values in codes.values())
    for strength, values in codes.items():
        axis.hist(values.ravel(), bins=80, range=(0, upper), histtype="step", linewidth=1.5, label=label(strength))
    axis.set_yscale("log")
    axis.set_xlabel("code activation (test images)")
    axis.set_ylabel("count")
    axis.legend(fontsize=8)
    axis.grid(alpha=0.3)
    fig.tight_layout()
    return save(fig, path)


def run(context: Context) -> Outcome:
    """Train the over-complete autoencoder to reconstruct at each L1 strength; measure its code and filters."""
    split = context.split("mnist")
    noise, level = HEADLINE
    trained, changes, hidden = {}, {}, {}
    for strength in STRENGTHS:
        settings = training.config(context, training.RECONSTRUCT, arch="sparse", latent_dim=CODE)
        builder = partial(build_dense, latent_dim=CODE, hidden=HIDDEN, l1=strength, name="sparse")
        trained[strength] = training.fit(settings, split, builder)
        kernel, bias = trained[strength].autoencoder.encoder.get_weights()[:2]  # the first Dense layer
        changes[strength] = kernel - training.initial_weights(settings, builder)[0]
        hidden[strength] = np.maximum(split.test_x.reshape(len(split.test_x), -1) @ kernel + bias, 0.0)
    results, rows, codes = {}, [], {}
    for strength, model in trained.items():
        codes[strength] = model.encode(split.test_x)
        stats = code_statistics(codes[strength])
        val, test = scored(model.predict, split.val_x), scored(model.predict, split.test_x)
        denoised = scored(model.predict, split.test_x, noise, level)
        results[label(strength)] = {"code": stats, "validation_reconstruction": val, "test_reconstruction": test,
                                    "test_denoising": denoised, "best_epoch": model.best_epoch}
        rows.append([label(strength), f"{stats['near_zero_share']:.1%}", f"{stats['mean_activation']:.3f}",
                     f"{stats['active_per_image']:.0f} / {CODE}", stats["dead_units"], f"{val['psnr']:.2f}",
                     pair(test), pair(denoised)])
    figures = {"filters": _filters(changes, hidden, context.figure("filters")),
               "responses": _responses(codes, split.test_x, context.figure("code-units")),
               "histogram": _histogram(codes, context.figure("activations")),
               "reconstruction": context.figure("reconstruction")}
    clean = split.test_x[one_per_class(split.test_y)]
    grid({"original": clean, **{label(s): m.predict(clean) for s, m in trained.items()}},
                    figures["reconstruction"], "Reconstruction of clean test digits")
    body = ["## Code sparsity and its cost", "",
            f"Over-complete autoencoder `models.build_dense(latent_dim={CODE}, hidden={HIDDEN}, l1=...)`: "
            f"784-{HIDDEN}-{CODE}-{HIDDEN}-784, ReLU code with Keras' L1 activity penalty (strength x the summed "
            f"absolute code, per image), trained to reconstruct clean digits. Code statistics on the "
            f"{len(split.test_x):,} test images; an activation below {NEAR_ZERO} counts as near zero; a dead "
            "unit is silent on every test image. "
            + training.budget_note({label(s): m for s, m in trained.items()}, context.sizes.epochs), ""]
    body += table(["penalty", "near-zero share", "mean activation", "active units per image", "dead units",
                   "val recon PSNR", "test reconstruction PSNR / SSIM", f"test denoising σ={level}"], rows)
    body += ["", "## First-layer filters", "",
             f"The first-layer weights of the {FILTERS_SHOWN} most active of the {HIDDEN} hidden units (on test "
             "images), each scaled to its own largest magnitude (grey = 0, white positive, black negative), shown "
             "as what training added to them: the weights minus their seeded initial values. The raw weights look "
             "like noise, because pixels that are black in (nearly) every digit get (nearly) no gradient and keep "
             "their random initial values.", "", context.link(figures["filters"], "first-layer filters"), "",
             "The L1 penalty acts on the code, one layer further in. What a code unit responds to: the mean test "
             f"image weighted by the unit's activation, for {FILTERS_SHOWN} live code units drawn at random (seed 0). "
             "Without a penalty most units respond to a blur of every digit; with a strong one, a few units each "
             "respond to a few particular digits.", "", context.link(figures["responses"], "code units"), "",
             "## Activations", "", context.link(figures["histogram"], "activation histogram"), "",
             "## Reconstructions", "", context.link(figures["reconstruction"], "reconstructions")]
    plain, strongest = results[label(0.0)], results[label(STRENGTHS[-1])]
    claims = [Claim("EE5179", "\"In sparsity regulated autoencoder, many values are hidden compared to a standard "
                    "autoencoder.\"", "filters and reconstructions by eye, at 1e-4, 1e-3 and 1e-6",
                    f"near-zero code share: no L1 {plain['code']['near_zero_share']:.0%}, "
                    + ", ".join(f"{label(s)} {results[label(s)]['code']['near_zero_share']:.0%}"
                                for s in STRENGTHS[1:])
                    + f"; test reconstruction {plain['test_reconstruction']['psnr']:.1f} -> "
                    f"{strongest['test_reconstruction']['psnr']:.1f} dB at {STRENGTHS[-1]:.0e}")]
    headline = ("near-zero code share " + " / ".join(f"{results[label(s)]['code']['near_zero_share']:.0%}"
                                                      for s in STRENGTHS)
                + " for L1 0 / 1e-6 / 1e-4 / 1e-3; reconstruction " + " / ".join(
                    f"{results[label(s)]['test_reconstruction']['psnr']:.1f}" for s in STRENGTHS) + " dB")
    return Outcome(body, split_description(context, split), headline, results, claims)
