"""How the latent map and the typicality score were chosen, on the training split (never the test split).

    denoiser latent-study --model models/mnist/5 --vae models/mnist-vae/1

Map: 10,000 training digits are encoded; 3,000 form a map, the other 7,000 are placed on it, and the
score is the share whose 10 nearest map points mostly carry their own class. Compared: a t-SNE of the raw
code with openTSNE's own `transform`, the same map with new codes at the distance-weighted mean position
of their 10 nearest codes, and the served method (latent_build: t-SNE after a linear discriminant
projection, vote-agreeing neighbours). Typicality: ROC AUC of 5,000 training digits against rendered
letters and scribbles, for the VAE's reconstruction error and its negative evidence bound.
"""

from __future__ import annotations

import argparse

import numpy as np
import tensorflow as tf

from denoiser.imaging import to_model_input
from denoiser.latent import build as latent_build
from denoiser.latent import outliers, typicality
from denoiser.latent.latent_map import NEIGHBOURS
from denoiser.models.scoring import in_batches, signature_outputs
from denoiser.training import data


def map_methods(model_dir: str, dataset: data.Dataset, seed: int = 0) -> dict[str, float]:
    """Held-out placement accuracy (and the raw code's 10-NN accuracy) of each candidate method."""
    from openTSNE import TSNE
    from sklearn.neighbors import NearestNeighbors

    loaded = tf.saved_model.load(model_dir)
    images, labels = to_model_input(dataset.x_train), dataset.y_train
    codes = in_batches(lambda chunk: signature_outputs(loaded, "encode")(chunk)["latent"], images)
    chosen, held_out = latent_build.choose_points(len(codes), seed)
    accuracy = latent_build.knn_accuracy
    embedding = TSNE(n_components=2, perplexity=30, random_state=seed, n_jobs=2).fit(codes[chosen])
    positions = np.asarray(embedding)
    distances, nearest = NearestNeighbors(n_neighbors=NEIGHBOURS).fit(codes[chosen]).kneighbors(codes[held_out])
    weights = 1.0 / (distances + 1e-6)
    interpolated = (weights[:, :, None] * positions[nearest]).sum(1) / weights.sum(1, keepdims=True)
    _, _, served = latent_build.build(codes, labels, images, data.CLASS_NAMES[dataset.name], False, seed)
    return {
        "raw code, 10-NN (held-out vs map codes)": accuracy(codes[chosen], labels[chosen], codes[held_out],
                                                           labels[held_out]),
        "t-SNE of the raw code, openTSNE transform": accuracy(positions, labels[chosen],
                                                              np.asarray(embedding.transform(codes[held_out])),
                                                              labels[held_out]),
        "t-SNE of the raw code, k-NN interpolation": accuracy(positions, labels[chosen], interpolated,
                                                              labels[held_out]),
        "served: t-SNE after LDA, vote-agreeing neighbours": served["placement_knn_accuracy"],
    }


def typicality_scores(vae_dir: str, dataset: data.Dataset, seed: int = 0) -> dict[str, dict[str, float]]:
    """ROC AUC of training digits against letters and scribbles, per candidate score."""
    from sklearn.metrics import roc_auc_score

    loaded = tf.saved_model.load(vae_dir)

    def scores(images: np.ndarray) -> np.ndarray:
        def batch(chunk):
            posterior = signature_outputs(loaded, "encode")(chunk)
            decoded = signature_outputs(loaded, "decode")(posterior["latent"])["images"]
            return np.stack([typicality.reconstruction_error(chunk, decoded),
                             typicality.negative_elbo(chunk, decoded, posterior["latent"],
                                                      posterior["log_variance"])], axis=1)
        return in_batches(batch, images)

    digits = scores(to_model_input(dataset.x_train[:5000]))
    others = {"rendered letters": scores(outliers.letters(seed)), "scribbles": scores(outliers.scribbles(seed=seed))}
    table = {}
    for column, name in enumerate(("reconstruction error", "negative evidence bound")):
        table[name] = {other: float(roc_auc_score(np.r_[np.zeros(len(digits)), np.ones(len(values))],
                                                  np.r_[digits[:, column], values[:, column]]))
                       for other, values in others.items()}
    return table


def main(argv: list[str] | None = None) -> None:
    """Print both comparisons."""
    parser = argparse.ArgumentParser(prog="denoiser latent-study", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="models/mnist/5", help="model whose code the map is built from")
    parser.add_argument("--vae", default="models/mnist-vae/1", help="VAE whose scores are compared")
    parser.add_argument("--dataset", default="mnist", choices=data.DATASET_NAMES)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)
    dataset = data.load_dataset(args.dataset, args.data_dir)
    print(f"map placement, {args.model}, training split (3,000 on the map, 7,000 placed):")
    for method, value in map_methods(args.model, dataset).items():
        print(f"  {value:.3f}  {method}")
    print(f"typicality, {args.vae}, ROC AUC of 5,000 training digits against:")
    for score, row in typicality_scores(args.vae, dataset).items():
        print(f"  {score}: " + ", ".join(f"{name} {auc:.3f}" for name, auc in row.items()))


if __name__ == "__main__":
    main()
