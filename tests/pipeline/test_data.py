"""IDX parsing and dataset discovery, on small files written here."""

import gzip
import struct

import numpy as np
import pytest

from denoiser.training import data


def write_idx(path, array, gz=True):
    """Write `array` (uint8) as an IDX file, the format of MNIST's distribution."""
    magic = 0x0800 | array.ndim
    header = struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = header + array.astype(np.uint8).tobytes()
    with (gzip.open if gz else open)(path, "wb") as handle:
        handle.write(payload)


def make_dataset_dir(root, n_train=12, n_test=6, gz=True):
    rng = np.random.default_rng(0)
    arrays = {
        "train_images": rng.integers(0, 256, (n_train, 28, 28)),
        "train_labels": np.arange(n_train) % 10,
        "test_images": rng.integers(0, 256, (n_test, 28, 28)),
        "test_labels": np.arange(n_test) % 10,
    }
    for key, stem in data.IDX_FILES.items():
        write_idx(root / (stem + (".gz" if gz else "")), arrays[key], gz)
    return arrays


@pytest.mark.parametrize("gz", [True, False])
def test_read_idx_round_trips_images_and_labels(tmp_path, gz):
    images = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    path = tmp_path / ("img.gz" if gz else "img")
    write_idx(path, images, gz)
    np.testing.assert_array_equal(data.read_idx(path), images)
    labels = np.array([3, 1, 4], dtype=np.uint8)
    write_idx(tmp_path / "lbl.gz", labels)
    np.testing.assert_array_equal(data.read_idx(tmp_path / "lbl.gz"), labels)


def test_read_idx_rejects_bad_magic_and_truncation(tmp_path):
    bad = tmp_path / "bad.gz"
    with gzip.open(bad, "wb") as handle:
        handle.write(struct.pack(">II", 1234, 0))
    with pytest.raises(ValueError, match="magic"):
        data.read_idx(bad)
    short = tmp_path / "short.gz"
    with gzip.open(short, "wb") as handle:
        handle.write(struct.pack(">IIII", 2051, 2, 28, 28) + b"\0" * 100)
    with pytest.raises(ValueError, match="promises"):
        data.read_idx(short)


def test_load_dataset_from_any_directory_and_subdirectory(tmp_path):
    arrays = make_dataset_dir(tmp_path)
    loaded = data.load_dataset("mnist", tmp_path)
    assert loaded.x_train.shape == (12, 28, 28) and loaded.x_train.dtype == np.uint8
    np.testing.assert_array_equal(loaded.y_test, arrays["test_labels"])
    nested = tmp_path / "outer"
    (nested / "fashion-mnist").mkdir(parents=True)
    make_dataset_dir(nested / "fashion-mnist", gz=False)
    assert data.load_dataset("fashion-mnist", nested).x_test.shape == (6, 28, 28)


def test_missing_dataset_error_names_all_three_ways(tmp_path):
    with pytest.raises(data.DatasetNotFoundError) as error:
        data.load_dataset("mnist", tmp_path)
    message = str(error.value)
    assert "--data-dir" in message and "keras.datasets.mnist" in message and "dataset-fashion-mnist" in message


def test_unknown_dataset_is_a_value_error():
    with pytest.raises(ValueError, match="unknown dataset"):
        data.load_dataset("cifar")


def test_validation_split_is_disjoint_seeded_and_complete():
    images = np.arange(100)[:, None, None] * np.ones((1, 28, 28), dtype=np.int64)
    labels = np.arange(100)
    tx, ty, vx, vy = data.split_validation(images, labels, 0.2, seed=3)
    assert len(vy) == 20 and len(ty) == 80
    assert set(ty).isdisjoint(vy) and set(ty) | set(vy) == set(range(100))
    assert np.array_equal(vy, data.split_validation(images, labels, 0.2, seed=3)[3])
    assert not np.array_equal(vy, data.split_validation(images, labels, 0.2, seed=4)[3])
