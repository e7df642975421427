"""A model's saved baseline parameters (baselines.json + baselines_pca.npz), loaded and run by POST /compare.

Written offline by `denoiser.training.tune_baselines`; this side only reads them, so the API imports no training code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from denoiser.models.baselines import METHODS, Method, PCABaseline, installed

FORMAT = 1
JSON_NAME, PCA_NAME = "baselines.json", "baselines_pca.npz"


@dataclass
class TunedBaselines:
    """A model's saved baseline parameters and PCA basis, ready to run on request images."""

    payload: dict
    pca: PCABaseline

    @classmethod
    def load(cls, model_dir: Path) -> TunedBaselines | None:
        """The tuned baselines saved in `model_dir`, or None when it has none (or an unknown format)."""
        path = model_dir / JSON_NAME
        if not path.is_file() or not (model_dir / PCA_NAME).is_file():
            return None
        payload = json.loads(path.read_text())
        if payload.get("format") != FORMAT:
            return None
        with np.load(model_dir / PCA_NAME) as arrays:
            pca = PCABaseline(mean=arrays["mean"], basis=arrays["basis"])
        return cls(payload, pca)

    def methods(self, include_slow: bool) -> list[Method]:
        """The tuned methods installed here (the slow ones only when asked for)."""
        return [METHODS[key] for key in self.payload["methods"]
                if key in METHODS and installed(METHODS[key]) and (include_slow or not METHODS[key].slow)]

    def params(self, key: str, noise: str, level: float) -> dict:
        """The tuned parameters of method `key` at the nearest tuned level of `noise` (gaussian's
        lowest level for no noise, where the oracle level 0 makes every method nearly the identity)."""
        per_noise = self.payload["methods"][key].get(noise) or self.payload["methods"][key]["gaussian"]
        nearest = min(per_noise, key=lambda tuned_level: abs(float(tuned_level) - level))
        return per_noise[nearest]["params"]

    def run(self, method: Method, noisy: np.ndarray, noise: str, level: float) -> tuple[np.ndarray, dict]:
        """(denoised images, the parameters used) of one method on noisy [N, 28, 28, 1]."""
        oracle_level = 0.0 if noise == "none" else level
        params = self.params(method.key, noise, level)
        return method.run(noisy, oracle_level, **params), params
