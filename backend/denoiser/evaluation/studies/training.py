"""Small models a study trains itself, in-process and never exported: `train.fit` with a study's builder."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from denoiser.evaluation.studies.common import Context, Split
from denoiser.models import architectures
from denoiser.training import train
from denoiser.training.config import TrainConfig

RECONSTRUCT = {"none": 1.0}  # clean in, clean out: a plain autoencoder
DENOISE = TrainConfig().noise_weights  # the training CLI's noise mix


@dataclass
class Trained:
    """A model trained by a study: its views, history, wall time and best epoch."""

    autoencoder: architectures.Autoencoder
    history: dict
    seconds: float

    @property
    def params(self) -> int:
        """Parameters of the denoiser."""
        return int(self.autoencoder.denoiser.count_params())

    @property
    def best_epoch(self) -> int:
        """The epoch early stopping restored (lowest validation loss)."""
        return int(np.argmin(self.history["val_loss"])) + 1

    def predict(self, images: np.ndarray) -> np.ndarray:
        """Denoised images clipped to [0, 1], as the exported signature returns them."""
        return np.clip(self.autoencoder.denoiser(images, training=False).numpy(), 0.0, 1.0)

    def encode(self, images: np.ndarray) -> np.ndarray:
        """The code [N, D]."""
        return self.autoencoder.encoder(images, training=False).numpy()


def config(context: Context, noise_weights: dict[str, float], **overrides) -> TrainConfig:
    """The training CLI's defaults with this run's epoch budget and the given noise mix."""
    settings = TrainConfig(dataset="mnist", epochs=context.sizes.epochs, noise_weights=dict(noise_weights),
                           **overrides)
    settings.validate()
    return settings


def fit(settings: TrainConfig, split: Split, builder: Callable[[], architectures.Autoencoder] | None = None) -> Trained:
    """Train on the split's training images with early stopping on its validation images.

    `builder` makes a model `architectures.build` cannot (a dense net with a chosen hidden width or L1 penalty);
    `train.fit` calls it right after seeding, so the run is as reproducible as the CLI's.
    """
    started = time.perf_counter()
    autoencoder, history = train.fit(settings, split.train_x, split.val_x, builder)
    return Trained(autoencoder, history, time.perf_counter() - started)


def initial_weights(settings: TrainConfig, builder: Callable[[], architectures.Autoencoder]) -> list[np.ndarray]:
    """The encoder weights `fit` started from: it seeds, then builds, so seeding and building again repeats them."""
    train.make_deterministic(settings.seed)
    return builder().encoder.get_weights()


def budget_note(runs: dict[str, Trained], epochs: int) -> str:
    """A sentence naming the runs whose best epoch was the last one: the budget, not early stopping, ended them."""
    cut = [name for name, run in runs.items() if run.best_epoch == epochs]
    if not cut:
        return f"Every run stopped early, before its {epochs}-epoch budget."
    who = "every run" if len(cut) == len(runs) else ", ".join(cut)
    return (f"Best epoch = the last of {epochs} for {who}: the cosine schedule anneals the learning rate until the "
            "last epoch, so within this budget early stopping never cut in; a longer budget may score higher.")
