"""Report figures (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def learning_curves(history: dict, path: Path, loss_name: str = "MSE") -> None:
    """Training and validation loss (`loss_name`) and MAE per epoch."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for axis, key in zip(axes, ("loss", "mae")):
        if key not in history:
            continue
        epochs = np.arange(1, len(history[key]) + 1)
        axis.plot(epochs, history[key], label="train (fresh noise)")
        axis.plot(epochs, history.get(f"val_{key}", []), label="validation")
        axis.set_xlabel("epoch")
        axis.set_ylabel(loss_name if key == "loss" else "MAE")
        axis.set_yscale("log")
        axis.grid(alpha=0.3)
        axis.legend()
    fig.suptitle("Learning curves")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def comparison_grid(rows: dict[str, np.ndarray], path: Path, title: str) -> None:
    """A grid with one row per named image stack (e.g. original / noisy / denoised)."""
    names = list(rows)
    count = len(rows[names[0]])
    fig, axes = plt.subplots(len(names), count, figsize=(count * 0.8, len(names) * 0.95))
    for r, name in enumerate(names):
        for c in range(count):
            axis = axes[r, c]
            axis.imshow(np.asarray(rows[name][c]).squeeze(), cmap="gray", vmin=0, vmax=1,
                        interpolation="nearest")
            axis.set_xticks([])
            axis.set_yticks([])
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def psnr_by_level(curves: dict[str, list[tuple[float, float]]], path: Path, title: str) -> None:
    """PSNR against noise level, one line per method."""
    fig, axis = plt.subplots(figsize=(7, 4.5))
    for name, points in curves.items():
        levels, values = zip(*points)
        style = {"linewidth": 2.5, "color": "black"} if name.startswith("model") else {"linewidth": 1.2}
        axis.plot(levels, values, marker="o", label=name, **style)
    axis.set_xlabel("noise level")
    axis.set_ylabel("PSNR (dB)")
    axis.set_title(title)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
