"""The training configuration: one dataclass, saved in the model card so a model can be rebuilt."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from denoiser.imaging.noise import NOISE_TYPES
from denoiser.models.architectures import ARCHITECTURES, DEFAULT_ARCH
from denoiser.training.data import DATASET_NAMES


@dataclass
class TrainConfig:
    """Everything that determines a training run (besides the data files themselves)."""

    dataset: str = "mnist"
    data_dir: str | None = None
    data: str | None = None  # your own images (training/sources.py): a folder, an .npz or IDX files
    preprocess: str | None = None  # with `data`: mnist or resize (None: chosen from the images)
    init_from: str | None = None  # a model version directory whose weights training starts from
    group: str | None = None  # the card's dataset when not the name (--with-vae: NAME-vae is grouped with NAME)
    arch: str = DEFAULT_ARCH
    latent_dim: int = 128
    width: int = 16  # models/mnist/4 and 5: the PSNR of width 32 at a quarter of the arithmetic (README, "How well")
    beta: float = 1.0  # vae only: weight of the KL term
    # Per-sample noise mix drawn fresh every epoch: type weights and a uniform level range.
    noise_weights: dict[str, float] = field(default_factory=lambda: {
        "none": 0.1, "gaussian": 0.7, "salt_pepper": 0.1, "speckle": 0.1})
    level_min: float = 0.0
    level_max: float = 0.8
    augment_shift: int = 2
    # Share of training images that also get a random affine + elastic map, a stroke-thickness change and,
    # sometimes, hardened edges (augment.py): digits as people draw and photograph them. Off by default:
    # on validation it cost 0.05-0.15 dB at every gaussian level and on every real-input kind (README,
    # "Train and evaluate"), since preprocess.prepare_digit already hands the model MNIST-like digits.
    augment_probability: float = 0.0
    # Classifier-aware term (class_keeping.py): weight of KL(teacher(clean) || teacher(denoised)); 0 = MSE only.
    keep_class: float = 0.0
    teacher: str | None = None  # the frozen classifier's version directory (needed when keep_class > 0)
    class_weight: float = 0.05  # unet-class: weight of its reader's cross-entropy against the labels
    epochs: int = 60
    batch_size: int = 64  # per replica: with --distribute mirrored the global batch is this x devices
    learning_rate: float = 2e-3
    patience: int = 6
    val_fraction: float = 0.1
    seed: int = 42
    limit: int | None = None
    name: str | None = None
    output_dir: str = "models"
    distribute: str = "none"  # "mirrored": tf.distribute.MirroredStrategy over every local GPU (distribute.py)

    def validate(self) -> None:
        """Raise ValueError for settings that cannot train."""
        if self.data is not None and not self.name:
            raise ValueError("--data needs --name: the model's name under models/ (e.g. --name my-digits)")
        if self.data is None and self.dataset not in DATASET_NAMES:
            raise ValueError(f"unknown dataset {self.dataset!r}; choose one of {', '.join(DATASET_NAMES)}")
        if self.arch not in ARCHITECTURES:
            raise ValueError(f"unknown architecture {self.arch!r}; choose one of {', '.join(ARCHITECTURES)}")
        unknown = set(self.noise_weights) - set(NOISE_TYPES)
        if unknown:
            raise ValueError(f"unknown noise types {sorted(unknown)}; choose from {', '.join(NOISE_TYPES)}")
        if not self.noise_weights or min(self.noise_weights.values()) < 0 or sum(self.noise_weights.values()) <= 0:
            raise ValueError("noise weights must be non-negative and not all zero")
        if not 0.0 <= self.level_min <= self.level_max <= 1.0:
            raise ValueError(f"noise levels must satisfy 0 <= min <= max <= 1, got {self.level_min}..{self.level_max}")
        for name in ("epochs", "batch_size", "latent_dim", "width"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        if not 0.0 <= self.augment_probability <= 1.0:
            raise ValueError(f"augment_probability must be within [0, 1], got {self.augment_probability}")
        if self.beta < 0:
            raise ValueError(f"beta must be non-negative, got {self.beta}")
        if self.distribute not in ("none", "mirrored"):
            raise ValueError(f"distribute must be 'none' or 'mirrored', got {self.distribute!r}")
        if self.keep_class < 0:
            raise ValueError(f"keep_class must be non-negative, got {self.keep_class}")
        if self.keep_class > 0 and not self.teacher:
            raise ValueError("--keep-class needs --teacher: a classifier's version directory "
                             "(denoiser train-classifier --seed 7 --output-dir runs/teacher)")
        if self.learning_rate <= 0:
            raise ValueError(f"learning_rate must be positive, got {self.learning_rate}")

    @property
    def model_name(self) -> str:
        """The directory name under models/: the dataset unless --name says otherwise."""
        return self.name or self.dataset

    @property
    def dataset_name(self) -> str:
        """The model card's dataset: the model's name for your own images (the API groups models by it)."""
        if self.group:
            return self.group
        return self.name if self.data is not None and self.name else self.dataset

    def to_dict(self) -> dict:
        """A JSON-ready copy."""
        return asdict(self)


def parse_noise_weights(text: str) -> dict[str, float]:
    """Parse "gaussian=0.6,salt_pepper=0.2,none=0.2" into a dict."""
    weights = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        weights[name.strip()] = float(value) if value else 1.0
    return weights
