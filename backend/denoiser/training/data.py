"""Datasets: MNIST and Fashion-MNIST from IDX files, Keras' cache/download, or Debian's package.

Every loader returns uint8 arrays of shape [N, 28, 28] and int labels. The test split is only
ever read for the final report; training and model choice use `split_validation` on the
training set.
"""

from __future__ import annotations

import gzip
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

IMAGE_MAGIC = 2051
LABEL_MAGIC = 2049
IDX_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
DATASET_NAMES = ("mnist", "fashion-mnist")
DEBIAN_DIRS = {"fashion-mnist": Path("/usr/share/datasets/fashion-mnist")}
CLASS_NAMES = {
    "mnist": [str(digit) for digit in range(10)],
    "fashion-mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
}
REPO_ROOT = Path(__file__).resolve().parents[3]


class DatasetNotFoundError(FileNotFoundError):
    """Raised when no source of a dataset could be found."""


@dataclass
class Dataset:
    """A dataset's splits as uint8 images [N, 28, 28] and int64 labels [N]."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one IDX file (gzip-compressed or plain) into a numpy array.

    Raises ValueError when the header is not a uint8 IDX image or label file or the
    payload is shorter than the header says.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        raw = handle.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: too short to be an IDX file")
    magic = struct.unpack(">I", raw[:4])[0]
    if magic not in (IMAGE_MAGIC, LABEL_MAGIC):
        raise ValueError(f"{path}: bad IDX magic {magic} (expected {IMAGE_MAGIC} or {LABEL_MAGIC})")
    ndim = magic & 0xFF
    header_end = 4 + 4 * ndim
    shape = struct.unpack(f">{ndim}I", raw[4:header_end])
    expected = int(np.prod(shape))
    payload = np.frombuffer(raw, dtype=np.uint8, offset=header_end)
    if payload.size != expected:
        raise ValueError(f"{path}: header promises {expected} values, file holds {payload.size}")
    return payload.reshape(shape).copy()


def _find_idx(directory: Path, stem: str) -> Path | None:
    for candidate in (directory / f"{stem}.gz", directory / stem):
        if candidate.is_file():
            return candidate
    return None


def load_idx_dir(name: str, directory: str | os.PathLike) -> Dataset | None:
    """Load a dataset from a directory of the four standard IDX files, or None if absent.

    The directory may hold the files itself or a sub-directory named after the dataset.
    """
    directory = Path(directory).expanduser()
    for root in (directory, directory / name):
        paths = {key: _find_idx(root, stem) for key, stem in IDX_FILES.items()}
        if all(paths.values()):
            arrays = {key: read_idx(path) for key, path in paths.items()}
            return Dataset(name, arrays["train_images"], arrays["train_labels"].astype(np.int64),
                           arrays["test_images"], arrays["test_labels"].astype(np.int64), str(root))
    return None


def load_keras(name: str) -> Dataset | None:
    """Load through `keras.datasets` (its cache, or a download); None when that fails."""
    try:
        from keras import datasets

        module = datasets.mnist if name == "mnist" else datasets.fashion_mnist
        (x_train, y_train), (x_test, y_test) = module.load_data()
    except Exception:  # noqa: BLE001 - no cache and no network: try the next source
        return None
    return Dataset(name, x_train, y_train.astype(np.int64), x_test, y_test.astype(np.int64),
                   f"keras.datasets.{name.replace('-', '_')}")


def default_data_dirs() -> list[Path]:
    """Directories searched when no --data-dir is given: $DENOISER_DATA_DIR, then ../shared/datasets."""
    dirs = []
    if os.environ.get("DENOISER_DATA_DIR"):
        dirs.append(Path(os.environ["DENOISER_DATA_DIR"]))
    dirs.append(REPO_ROOT.parent / "shared" / "datasets")
    return dirs


def load_dataset(name: str, data_dir: str | os.PathLike | None = None,
                 allow_keras: bool = True) -> Dataset:
    """Load `name` ("mnist" or "fashion-mnist") from the first source that has it.

    Order: the given data_dir (only it, when given), else $DENOISER_DATA_DIR and ../shared/datasets;
    then Debian's dataset package directory; then Keras' cache or download.
    """
    if name not in DATASET_NAMES:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASET_NAMES)}")
    dirs = [Path(data_dir)] if data_dir else default_data_dirs()
    for directory in dirs + ([DEBIAN_DIRS[name]] if name in DEBIAN_DIRS else []):
        dataset = load_idx_dir(name, directory)
        if dataset is not None:
            return dataset
    if data_dir is None and allow_keras:
        dataset = load_keras(name)
        if dataset is not None:
            return dataset
    searched = ", ".join(str(d) for d in dirs)
    raise DatasetNotFoundError(
        f"dataset {name!r} not found. Searched: {searched}. Provide it one of three ways: "
        f"(1) --data-dir DIR holding the four IDX files ({', '.join(s + '.gz' for s in IDX_FILES.values())}); "
        f"(2) keras.datasets.{name.replace('-', '_')}.load_data() on a machine with internet "
        "(it caches under ~/.keras/datasets); "
        "(3) Debian's package: apt-get install dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)."
    )


def split_validation(images: np.ndarray, labels: np.ndarray, fraction: float = 0.1,
                     seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split a training set into (train_x, train_y, val_x, val_y) with a seeded shuffle."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"validation fraction must be in (0, 1), got {fraction}")
    order = np.random.default_rng(seed).permutation(len(images))
    n_val = max(1, int(round(len(images) * fraction)))
    val, train = order[:n_val], order[n_val:]
    return images[train], labels[train], images[val], labels[val]
