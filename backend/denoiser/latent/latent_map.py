"""The 2-D latent map: a t-SNE of test codes that clusters by class, and how new codes are placed on it.

Chosen on the training split (`denoiser latent-study`; 3,000 digits on a map, 7,000 placed, U-Net
mnist/5): the raw code's 10-NN class accuracy is 0.919; a t-SNE of it with openTSNE's `transform` places
new codes at 0.886, and at the weighted mean position of their nearest codes at 0.820. A linear
discriminant projection of the code (fitted on the map digits' labels, 9 numbers for 10 classes) before
the t-SNE, with a new code placed at the distance-weighted mean position of those of its 10 nearest map
digits (in the projection) that agree with their vote, reaches 0.955. No fitted t-SNE object is needed at
serving time: the projection, the map digits' features and positions are plain numbers in latent_map.json.
A model that decodes also keeps the map digits' codes, in latent_map_codes.npy (float16: a third of the
same numbers written as JSON text).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

NEIGHBOURS = 10
MAP_POINTS = 3000
FORMAT = 2
METHOD = "t-SNE (openTSNE, perplexity 30) of the code after a linear discriminant projection"
JSON_FILE = "latent_map.json"
CODES_FILE = "latent_map_codes.npy"


def save(payload: dict, model_dir: Path) -> None:
    """Write a map payload: its codes (when it has them) to CODES_FILE, the rest to compact JSON."""
    payload = dict(payload)
    codes = payload.pop("codes", None)
    if codes is not None:
        np.save(model_dir / CODES_FILE, np.asarray(codes, dtype=np.float16), allow_pickle=False)
    # Compact: the file is read by machines only, and indentation would double its size.
    (model_dir / JSON_FILE).write_text(json.dumps(payload, separators=(",", ":")) + "\n")


def read_payload(model_dir: Path) -> dict | None:
    """The map payload `save` wrote (codes read back from CODES_FILE), or None when there is no map."""
    path = model_dir / JSON_FILE
    if not path.is_file():
        return None
    payload = json.loads(path.read_text())
    codes = model_dir / CODES_FILE
    if codes.is_file():
        payload["codes"] = np.load(codes, allow_pickle=False).astype(np.float32)
    return payload


@dataclass
class Placement:
    """Where codes land: map positions [N, 2], neighbours (map point indices, distances) and the vote."""

    positions: np.ndarray
    neighbour_points: np.ndarray
    neighbour_distances: np.ndarray
    vote_labels: np.ndarray
    vote_shares: np.ndarray


class LatentMap:
    """A loaded latent_map.json (format 2): places codes, finds neighbours, turns map points into codes."""

    def __init__(self, payload: dict):
        if payload.get("format") != FORMAT:
            raise ValueError(f"latent map format {payload.get('format')!r} is not {FORMAT}; re-run evaluate")
        self.payload = payload
        points = np.asarray(payload["points"], dtype=np.float32)
        self.positions = points[:, :2]
        self.labels = points[:, 2].astype(np.int64)
        self.test_index = np.asarray(payload["test_index"], dtype=np.int64)
        projection = payload["projection"]
        self.feature_mean = np.asarray(projection["mean"], dtype=np.float32)
        self.scalings = np.asarray(projection["scalings"], dtype=np.float32)
        self.features = np.asarray(payload["features"], dtype=np.float32)
        codes = payload.get("codes")
        self.codes = None if codes is None else np.asarray(codes, dtype=np.float32)
        self.class_count = len(payload["class_names"])

    def featurize(self, latent: np.ndarray) -> np.ndarray:
        """Codes [N, D] -> the neighbour features [N, F] (the linear discriminant projection)."""
        return (np.asarray(latent, dtype=np.float32) - self.feature_mean) @ self.scalings

    def place(self, latent: np.ndarray, k: int = NEIGHBOURS) -> Placement:
        """Map positions, nearest map digits and their vote for codes [N, D]."""
        features = self.featurize(latent)
        distances = np.sqrt(np.maximum(
            (features ** 2).sum(1)[:, None] - 2 * features @ self.features.T + (self.features ** 2).sum(1)[None, :],
            0.0))
        nearest = np.argsort(distances, axis=1)[:, :k]
        near_distances = np.take_along_axis(distances, nearest, axis=1)
        weights = 1.0 / (near_distances + 1e-6)
        near_labels = self.labels[nearest]
        votes = np.zeros((len(features), self.class_count))
        np.add.at(votes, (np.repeat(np.arange(len(features)), k), near_labels.ravel()), weights.ravel())
        winners = votes.argmax(1)
        agree = (near_labels == winners[:, None]) * weights
        positions = (agree[:, :, None] * self.positions[nearest]).sum(1) / agree.sum(1, keepdims=True)
        shares = (near_labels == winners[:, None]).mean(1)
        return Placement(positions, nearest, near_distances, winners, shares)

    def codes_at(self, points: np.ndarray, k: int = 8) -> np.ndarray:
        """Map positions [N, 2] -> codes [N, D]: a distance-weighted mix of the codes of the nearest map
        digits. Raises ValueError when the map holds no codes (a model that cannot decode)."""
        if self.codes is None:
            raise ValueError("this latent map holds no codes")
        points = np.asarray(points, dtype=np.float32)
        distances = np.linalg.norm(points[:, None, :] - self.positions[None, :, :], axis=2)
        nearest = np.argsort(distances, axis=1)[:, :k]
        weights = 1.0 / (np.take_along_axis(distances, nearest, axis=1) + 1e-3) ** 2
        weights /= weights.sum(1, keepdims=True)
        return (weights[:, :, None] * self.codes[nearest]).sum(1)

    def public(self, name: str, decodable: bool) -> dict:
        """What GET /models/<name>/latent-map answers: everything but the serving-only numbers."""
        hidden = {"projection", "features", "codes"}
        payload = {key: value for key, value in self.payload.items() if key not in hidden}
        payload["decodable"] = decodable and self.codes is not None
        payload["sprite"] = {**self.payload["sprite"], "url": f"/models/{name}/latent-map/sprite.png"}
        return payload
