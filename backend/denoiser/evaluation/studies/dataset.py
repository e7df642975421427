"""The ML-assignment report's dataset statistics: class histograms, pixel intensities, mean digits, t-SNE,
PCA. Descriptive only (nothing is chosen), so it reads the whole training file and the whole test set."""

from __future__ import annotations

import numpy as np

from denoiser.evaluation.figures import plt
from denoiser.evaluation.studies.common import Claim, Context, Outcome
from denoiser.evaluation.studies.page import save, table

VARIANCE_TARGETS = (0.5, 0.8, 0.9, 0.95, 0.99)


def explained_variance(images: np.ndarray) -> np.ndarray:
    """Explained-variance ratio of every principal component of the flattened images (largest first)."""
    from sklearn.decomposition import PCA

    flat = np.asarray(images, np.float32).reshape(len(images), -1)
    return PCA(random_state=0).fit(flat).explained_variance_ratio_


def components_for(ratios: np.ndarray, share: float) -> int:
    """How many leading components explain at least `share` of the variance."""
    return int(np.searchsorted(np.cumsum(ratios), share) + 1)


def variance_figure(ratios: np.ndarray, path, title: str, mark: int | None = None):
    """Component-wise (log) and cumulative explained variance, optionally marking `mark` components."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4))
    count = np.arange(1, len(ratios) + 1)
    left.semilogy(count, ratios)
    left.set_xlabel("component")
    left.set_ylabel("explained variance ratio")
    right.plot(count, np.cumsum(ratios))
    right.set_xlabel("components")
    right.set_ylabel("cumulative explained variance")
    right.set_xscale("log")
    for axis in (left, right):
        axis.grid(alpha=0.3)
        if mark:
            axis.axvline(mark, color="black", linestyle="--", linewidth=1)
    if mark:
        right.annotate(f"{mark}: {np.cumsum(ratios)[mark - 1]:.1%}", (mark, np.cumsum(ratios)[mark - 1]),
                       xytext=(8, -14), textcoords="offset points", fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return save(fig, path)


def _class_figure(train_counts, test_counts, path):
    fig, axis = plt.subplots(figsize=(7, 3.2))
    digits = np.arange(10)
    axis.bar(digits - 0.2, train_counts, width=0.4, label=f"training file ({train_counts.sum():,})")
    axis.bar(digits + 0.2, test_counts, width=0.4, label=f"test set ({test_counts.sum():,})")
    axis.set_xticks(digits)
    axis.set_xlabel("digit")
    axis.set_ylabel("images")
    axis.legend(fontsize=8)
    fig.tight_layout()
    return save(fig, path)


def _pixel_figure(train, path):
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2))
    left.hist(train.ravel(), bins=256, range=(0, 256), color="tab:blue")
    left.set_yscale("log")
    left.set_xlabel("pixel value (uint8)")
    left.set_ylabel("pixels (log)")
    left.set_title("all pixels", fontsize=9)
    ink = (train > 0).mean(axis=(1, 2))
    right.hist(ink, bins=50, color="tab:orange")
    right.set_xlabel("share of non-zero pixels per image")
    right.set_ylabel("images")
    right.set_title("ink per image", fontsize=9)
    fig.tight_layout()
    return save(fig, path)


def _mean_figure(train, labels, path):
    fig, axes = plt.subplots(1, 10, figsize=(10, 1.4))
    for digit, axis in enumerate(axes):
        axis.imshow(train[labels == digit].mean(axis=0), cmap="gray", interpolation="nearest")
        axis.set_title(str(digit), fontsize=9)
        axis.set_axis_off()
    fig.tight_layout()
    return save(fig, path)


def _embedding_figure(maps: dict[str, np.ndarray], labels, path):
    fig, axes = plt.subplots(1, len(maps), figsize=(5 * len(maps), 4.6))
    cmap = plt.get_cmap("tab10")
    for axis, (name, points) in zip(axes, maps.items()):
        for digit in range(10):
            chosen = labels == digit
            axis.scatter(points[chosen, 0], points[chosen, 1], s=3, alpha=0.6, color=cmap(digit))
            if chosen.any():
                x, y = np.median(points[chosen], axis=0)
                axis.text(x, y, str(digit), fontsize=11, weight="bold", ha="center", va="center",
                          bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.7, "linewidth": 0})
        axis.set_xticks([])
        axis.set_yticks([])
        axis.set_title(name, fontsize=10)
    fig.tight_layout()
    return save(fig, path, dpi=80)


def neighbour_agreement(points: np.ndarray, labels: np.ndarray) -> float:
    """5-fold cross-validated accuracy of a 10-nearest-neighbour vote in a 2-D map (how well it separates)."""
    from sklearn.model_selection import cross_val_score
    from sklearn.neighbors import KNeighborsClassifier

    return float(cross_val_score(KNeighborsClassifier(10), points, labels, cv=5).mean())


def embeddings(flat: np.ndarray, iterations: int = 500) -> dict[str, np.ndarray]:
    """2-D maps of raw pixels: the first two principal components and an openTSNE t-SNE."""
    from openTSNE import TSNE
    from sklearn.decomposition import PCA

    tsne = TSNE(perplexity=30, n_iter=iterations, early_exaggeration_iter=iterations // 2, random_state=0, n_jobs=2)
    return {"PCA, 2 components": PCA(2, random_state=0).fit_transform(flat),
            "t-SNE (openTSNE, perplexity 30)": np.asarray(tsne.fit(flat))}


def run(context: Context) -> Outcome:
    """Class and pixel statistics, mean digits, PCA and t-SNE of raw pixels."""
    dataset = context.dataset("mnist")
    train, labels = dataset.x_train, dataset.y_train
    train_counts = np.bincount(labels, minlength=10)
    test_counts = np.bincount(dataset.y_test, minlength=10)
    ratios = explained_variance(train / 255.0)
    rng = np.random.default_rng(0)
    sample = rng.choice(len(train), size=min(context.sizes.sample, len(train)), replace=False)
    maps = embeddings(train[sample].reshape(len(sample), -1) / 255.0, 60 if context.quick else 500)
    agreement = {name: neighbour_agreement(points, labels[sample]) for name, points in maps.items()}
    zero_share = float((train == 0).mean())
    needed = {share: components_for(ratios, share) for share in VARIANCE_TARGETS}
    figures = {
        "classes": _class_figure(train_counts, test_counts, context.figure("classes")),
        "pixels": _pixel_figure(train, context.figure("pixels")),
        "means": _mean_figure(train, labels, context.figure("mean-digits")),
        "maps": _embedding_figure(maps, labels[sample], context.figure("maps")),
        "variance": variance_figure(ratios, context.figure("pca-variance"),
                                    "PCA of the 10,000 training images (784 pixels)", mark=30),
    }
    body = ["## Classes", "", context.link(figures["classes"], "class histogram"), ""]
    body += table(["digit"] + [str(d) for d in range(10)] + ["total"],
                  [["training file"] + [f"{c:,}" for c in train_counts] + [f"{train_counts.sum():,}"],
                   ["test set"] + [f"{c:,}" for c in test_counts] + [f"{test_counts.sum():,}"]])
    body += ["", f"Neither split is balanced: the largest class ({train_counts.argmax()}) has "
             f"{train_counts.max() / train_counts.min():.2f} times the images of the smallest "
             f"({train_counts.argmin()}) in the training file, {test_counts.max() / test_counts.min():.2f} "
             "times in the test set, close to the official 60,000 (6,742 ones, 5,421 fives: 1.24).", "",
             "## Pixel intensities", "", context.link(figures["pixels"], "pixel histograms"), "",
             f"{zero_share:.1%} of all training pixels are exactly 0 and {(train == 255).mean():.1%} exactly 255: "
             f"the data are nearly binary, which is why gaussian noise (which lifts the black background) is so "
             f"visible and why a denoiser can lean on the background being black. An image has "
             f"{(train > 0).mean(axis=(1, 2)).mean():.1%} non-zero pixels on average.", "",
             "## Mean digit per class", "", context.link(figures["means"], "mean digit per class"), "",
             "## PCA and t-SNE of raw pixels", "", context.link(figures["maps"], "PCA and t-SNE maps"), "",
             f"{len(sample):,} training images drawn at random (seed 0). How well each 2-D map separates the "
             "classes, as the 5-fold cross-validated accuracy of a 10-nearest-neighbour vote in the map:", ""]
    body += table(["map", "10-NN accuracy"], [[name, f"{value:.3f}"] for name, value in agreement.items()])
    body += ["", "## PCA explained variance", "", context.link(figures["variance"], "explained variance"), ""]
    body += table(["share of variance", *[f"{share:.0%}" for share in VARIANCE_TARGETS]],
                  [["components needed", *needed.values()]])
    body += ["", f"The first two components explain {ratios[:2].sum():.1%}, the first 30 "
             f"{ratios[:30].sum():.1%}."]
    pca_acc, tsne_acc = agreement.values()
    results = {"train_counts": train_counts.tolist(), "test_counts": test_counts.tolist(),
               "zero_pixel_share": zero_share, "explained_variance_first": ratios[:50].tolist(),
               "components_needed": {str(k): v for k, v in needed.items()}, "map_knn_accuracy": agreement,
               "tsne_points": len(sample)}
    claims = [
        Claim("ML-assignment", "PCA: \"There is a lot of overlap among classes\"; t-SNE: \"similar samples "
              "cluster together\"", "scatter plots of 30,000 (PCA) and 1,797 (t-SNE) images, by eye",
              f"10-NN accuracy in the 2-D map of {len(sample):,} training images: PCA {pca_acc:.2f}, "
              f"t-SNE {tsne_acc:.2f}"),
        Claim("ML-assignment", "class histogram of the 60,000/10,000 labels",
              "counts of the full training and test labels",
              f"training file {train_counts.min()}-{train_counts.max()} per class (a subset of 10,000), "
              f"test {test_counts.min()}-{test_counts.max()}"),
    ]
    headline = (f"PCA-2 separates classes poorly (10-NN {pca_acc:.2f}), t-SNE well ({tsne_acc:.2f}); "
                f"{needed[0.9]} components hold 90% of the variance; {zero_share:.0%} of pixels are 0")
    data_used = [f"MNIST training file: all {len(train):,} images (a shuffled subset of the official "
                 "60,000); official test set: all 10,000 labels",
                 f"t-SNE and PCA maps: {len(sample):,} training images drawn with seed 0; PCA variance: all "
                 f"{len(train):,} training images",
                 "descriptive statistics only: nothing is trained or chosen here"]
    return Outcome(body, data_used, headline, results, claims)
