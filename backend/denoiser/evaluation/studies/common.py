"""What every study shares: its settings (full or quick), the held-out data split, and what it hands back.

One protocol for all of them: the MNIST training file is split by `data.split_validation` with the
training CLI's own fraction and seed, so the validation images are the very ones the served models held
out; every choice (early stopping, which variant is best) is read on that validation split; the test
split gives the final numbers only, always on one fixed noise draw (`NOISE_SEED`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from denoiser.imaging import to_model_input
from denoiser.models.scoring import Denoise, score
from denoiser.training import data
from denoiser.training.config import TrainConfig

NOISE_SEED = 0  # every noisy test and validation image of every study comes from this one draw
SPLIT = TrainConfig()  # its val_fraction and seed: the served models' own validation split
HEADLINE = ("gaussian", 0.5)  # DESIGN.md's headline setting


@dataclass(frozen=True)
class Sizes:
    """How much data and training a run uses."""

    train: int  # training images for the models a study trains itself
    validation: int
    test: int  # test images for the league table (all 10,000 when full)
    sweep: int  # test images per setting where many settings x models are scored
    cross: int  # test images per dataset in the cross-dataset study
    sample: int  # points of the t-SNE map, pure-noise inputs
    epochs: int


FULL = Sizes(train=5000, validation=1000, test=10000, sweep=5000, cross=2000, sample=2500, epochs=15)
QUICK = Sizes(train=384, validation=128, test=200, sweep=150, cross=100, sample=200, epochs=2)


@dataclass
class Split:
    """Images as float32 [N, 28, 28, 1] in [0, 1] with int labels."""

    train_x: np.ndarray
    train_y: np.ndarray
    val_x: np.ndarray
    val_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray


@functools.lru_cache(maxsize=4)
def load(name: str, data_dir: str | None) -> data.Dataset:
    """The dataset, read once per process."""
    return data.load_dataset(name, data_dir)


@dataclass
class Context:
    """One study run: where data comes from, where the page goes, and how big the run is."""

    name: str
    command: str
    output_dir: Path
    data_dir: str | None = None
    quick: bool = False
    models_dir: Path = Path("models")
    fallback_models_dir: Path | None = Path("runs/seed")
    model_names: tuple[str, ...] = ()  # restrict the served-model studies to these names (all when empty)

    @property
    def sizes(self) -> Sizes:
        """QUICK for --quick (tests, development), FULL otherwise."""
        return QUICK if self.quick else FULL

    def dataset(self, name: str = "mnist") -> data.Dataset:
        """A dataset as loaded (uint8 splits)."""
        return load(name, self.data_dir)

    def split(self, name: str = "mnist", test: int | None = None) -> Split:
        """The held-out protocol's split, cut to this run's sizes (`test` overrides the test size)."""
        dataset = self.dataset(name)
        train_x, train_y, val_x, val_y = data.split_validation(dataset.x_train, dataset.y_train,
                                                               SPLIT.val_fraction, SPLIT.seed)
        sizes, test = self.sizes, test or self.sizes.test
        return Split(to_model_input(train_x[:sizes.train]), train_y[:sizes.train],
                     to_model_input(val_x[:sizes.validation]), val_y[:sizes.validation],
                     to_model_input(dataset.x_test[:test]), dataset.y_test[:test])

    def figure(self, what: str) -> Path:
        """Where this study's figure `what` is written (docs/studies/figures/<study>-<what>.png)."""
        directory = self.output_dir / "figures"
        directory.mkdir(parents=True, exist_ok=True)
        return directory / f"{self.name}-{what}.png"

    def link(self, path: Path, caption: str) -> str:
        """A markdown image line for a figure, relative to the page."""
        return f"![{caption}]({path.relative_to(self.output_dir).as_posix()})"


@dataclass
class Claim:
    """One seed-report claim beside what this project measures under the held-out protocol."""

    report: str  # short name: ML-assignment, DL-project, EE5179
    quote: str  # the report's words, briefly
    measured: str  # what the report measured, and how
    ours: str  # what this study measures, with our numbers


@dataclass
class Outcome:
    """What a study hands back: the page body, the data it used, its numbers and claims."""

    body: list[str]
    data_used: list[str]
    headline: str  # one line for the index
    results: dict = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)


def split_description(context: Context, split: Split, epochs: bool = True) -> list[str]:
    """Bullet lines naming the subset sizes of a split (and the epoch budget of models trained here)."""
    lines = [f"MNIST training file (`../shared/datasets`, 10,000 images) split by `data.split_validation` "
             f"(fraction {SPLIT.val_fraction}, seed {SPLIT.seed}: the served models' own validation images); "
             f"first {len(split.train_x):,} training and {len(split.val_x):,} validation images",
             f"test: the first {len(split.test_x):,} images of the official MNIST test set, noise seed {NOISE_SEED}"]
    if epochs:
        lines.append(f"models trained here: at most {context.sizes.epochs} epochs, early stopping on validation "
                     "loss (patience 6, best weights restored), the training CLI's noise mix and schedule; "
                     "fewer epochs and images than the served models, so their absolute numbers are lower")
    return lines


def scored(function: Denoise, clean: np.ndarray, noise: str = "none", level: float = 0.0) -> dict:
    """Metrics of `function`'s output against `clean`, on the one fixed noisy draw (NOISE_SEED)."""
    return score(function, clean, noise, level, NOISE_SEED)["denoised"]


def one_per_class(labels: np.ndarray, classes: int = 10) -> np.ndarray:
    """Index of the first image of each class (the digits every figure shows)."""
    return np.array([int(np.flatnonzero(labels == label)[0]) for label in range(classes) if (labels == label).any()])
