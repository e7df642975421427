"""Building a model's latent map at evaluation time (the serving side is latent_map.py).

t-SNE needs openTSNE and the projection scikit-learn; neither is imported by the API.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from denoiser.imaging import to_uint8
from denoiser.latent.latent_map import FORMAT, MAP_POINTS, METHOD, NEIGHBOURS, LatentMap

SPRITE_CELL = 28


def _rounded(array: np.ndarray, decimals: int) -> list:
    return np.round(np.asarray(array, dtype=np.float64), decimals).tolist()


def choose_points(count: int, seed: int = 0, size: int = MAP_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """(map indices, held-out indices): a seeded split of `count` test digits, at most half on the map."""
    size = min(size, count // 2)
    order = np.random.default_rng(seed).permutation(count)
    return np.sort(order[:size]), np.sort(order[size:])


def embed(features: np.ndarray, seed: int = 0) -> np.ndarray:
    """openTSNE 2-D embedding of `features` [N, F] (perplexity 30, less for tiny maps), centred."""
    from openTSNE import TSNE

    perplexity = min(30.0, (len(features) - 1) / 3)
    points = np.asarray(TSNE(n_components=2, perplexity=perplexity, random_state=seed, n_jobs=2).fit(features))
    return points - points.mean(0)


def sprite_png(images: np.ndarray) -> tuple[bytes, int]:
    """All map digits [N, 28, 28(, 1)] in one grey PNG grid; returns (png, columns)."""
    columns = int(np.ceil(np.sqrt(len(images))))
    rows = int(np.ceil(len(images) / columns))
    grid = np.zeros((rows * SPRITE_CELL, columns * SPRITE_CELL), dtype=np.uint8)
    for i, image in enumerate(to_uint8(images).reshape(len(images), SPRITE_CELL, SPRITE_CELL)):
        r, c = divmod(i, columns)
        grid[r * SPRITE_CELL:(r + 1) * SPRITE_CELL, c * SPRITE_CELL:(c + 1) * SPRITE_CELL] = image
    buffer = io.BytesIO()
    Image.fromarray(grid, mode="L").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue(), columns


def knn_accuracy(reference: np.ndarray, reference_labels: np.ndarray, queries: np.ndarray,
                 query_labels: np.ndarray, k: int = NEIGHBOURS, leave_one_out: bool = False) -> float:
    """Share of queries whose k nearest references (Euclidean) mostly carry the query's label."""
    from sklearn.neighbors import NearestNeighbors

    search = NearestNeighbors(n_neighbors=k + int(leave_one_out)).fit(reference)
    nearest = search.kneighbors(queries, return_distance=False)[:, int(leave_one_out):]
    classes = int(max(reference_labels.max(), query_labels.max())) + 1
    votes = np.stack([np.bincount(row, minlength=classes) for row in reference_labels[nearest]])
    return float((votes.argmax(1) == query_labels).mean())


def build(latents: np.ndarray, labels: np.ndarray, images: np.ndarray, class_names: list[str],
          decodable: bool, seed: int = 0) -> tuple[dict, bytes, dict]:
    """latent_map.json's payload, the sprite PNG and the map's metrics, from all test codes [N, D]."""
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

    chosen, held_out = choose_points(len(latents), seed)
    lda = LinearDiscriminantAnalysis().fit(latents[chosen], labels[chosen])
    features = lda.transform(latents[chosen])
    positions = embed(features, seed)
    png, columns = sprite_png(images[chosen])
    codes = latents[chosen]
    payload = {
        "format": FORMAT, "method": METHOD, "class_names": class_names, "latent_dim": int(latents.shape[1]),
        "neighbours": NEIGHBOURS,
        "points": [[round(float(x), 3), round(float(y), 3), int(label)]
                   for (x, y), label in zip(positions, labels[chosen])],
        "test_index": chosen.tolist(),
        "mean_latent": _rounded(codes.mean(0), 5), "std_latent": _rounded(codes.std(0), 5),
        "sprite": {"columns": columns, "cell": SPRITE_CELL, "count": len(chosen)},
        # serving-only below (LatentMap.public leaves them out)
        "projection": {"kind": "linear discriminant analysis", "mean": _rounded(lda.xbar_, 5),
                       "scalings": _rounded(lda.scalings_[:, :features.shape[1]], 6)},
        "features": _rounded(features, 4),
    }
    if decodable:
        payload["codes"] = _rounded(codes, 4)
    served = LatentMap(payload)
    placed = served.place(latents[held_out]).positions
    metrics = {
        "map_points": len(chosen), "held_out": len(held_out),
        "code_knn_accuracy": round(knn_accuracy(latents, labels, latents, labels, leave_one_out=True), 4),
        "map_knn_accuracy": round(knn_accuracy(served.positions, labels[chosen], served.positions,
                                               labels[chosen], leave_one_out=True), 4),
        "placement_knn_accuracy": round(knn_accuracy(served.positions, labels[chosen], placed,
                                                     labels[held_out]), 4),
    }
    payload["metrics"] = metrics
    return payload, png, metrics
