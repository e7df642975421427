"""Figures of the latent space: the map, the decoded manifold, samples, reconstructions, typicality."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from denoiser.evaluation.figures import comparison_grid, plt


def tsne_map(points: np.ndarray, labels: np.ndarray, class_names: list[str], path: Path, title: str) -> None:
    """The 2-D map, coloured by class, each class named at its median point."""
    fig, axis = plt.subplots(figsize=(6.5, 6))
    cmap = plt.get_cmap("tab10")
    for label, name in enumerate(class_names):
        chosen = labels == label
        axis.scatter(points[chosen, 0], points[chosen, 1], s=4, alpha=0.6, color=cmap(label), label=name)
        if chosen.any():
            x, y = np.median(points[chosen], axis=0)
            axis.text(x, y, name, fontsize=11, weight="bold", ha="center", va="center",
                      bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.7, "linewidth": 0})
    axis.set_xticks([])
    axis.set_yticks([])
    axis.set_title(title, fontsize=10)
    axis.legend(markerscale=3, fontsize=7, loc="best")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def image_grid(images: np.ndarray, columns: int, path: Path, title: str) -> None:
    """Images [N, 28, 28, 1] tiled `columns` wide without gaps (the decoded manifold, prior samples)."""
    rows = int(np.ceil(len(images) / columns))
    tiles = np.zeros((rows * columns, 28, 28), dtype=np.float32)
    tiles[:len(images)] = np.asarray(images).reshape(-1, 28, 28)
    grid = tiles.reshape(rows, columns, 28, 28).transpose(0, 2, 1, 3).reshape(rows * 28, columns * 28)
    fig, axis = plt.subplots(figsize=(columns * 0.42 + 0.4, rows * 0.42 + 0.7))
    axis.imshow(grid, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    axis.set_axis_off()
    axis.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def typicality_histogram(groups: dict[str, np.ndarray], threshold: float, path: Path, title: str) -> None:
    """Score distributions of test digits and of non-digits, with the 'not typical' threshold."""
    fig, axis = plt.subplots(figsize=(7, 4))
    upper = np.percentile(np.concatenate(list(groups.values())), 99.5)
    bins = np.linspace(0, upper, 60)
    for name, scores in groups.items():
        axis.hist(np.clip(scores, 0, upper), bins=bins, alpha=0.5, density=True, label=f"{name} ({len(scores)})")
    axis.axvline(threshold, color="black", linestyle="--", label="99th percentile of the test split")
    axis.set_xlabel("score: reconstruction error (sum of squared pixel errors), lower = more typical")
    axis.set_ylabel("density")
    axis.set_title(title, fontsize=10)
    axis.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


__all__ = ["comparison_grid", "image_grid", "tsne_map", "typicality_histogram"]
