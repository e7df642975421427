"""Your own images as a dataset: a folder of image files, an .npz, or IDX files (`denoiser train --data PATH`).

A folder may be flat, hold one subfolder per class (folder names become class names), or hold `train/`
and `test/` (and optionally `val/`) subfolders, each flat or with class subfolders, which are honoured
as splits. Otherwise the test split is drawn with a fixed seed (`TEST_FRACTION`) and never used for
training or choice. Every image goes through the API's preprocessing (`denoiser.imaging`), so a model
sees in training what it is sent in serving.

Bad data gets a clear `DataError` before anything is trained: no images, fewer than `MIN_IMAGES`, or more
than `MAX_UNREADABLE` of the files unreadable. Fewer unreadable files are skipped and listed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm import tqdm

from denoiser.imaging import (
    PREPROCESS_MODES,
    BlankImageError,
    ImageTooLargeError,
    InvalidImageError,
    prepare_digit,
    prepare_image,
)
from denoiser.training.data import Dataset, load_dataset, load_idx_dir

SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif", ".tif", ".tiff"}
SPLITS = ("train", "val", "test")
TEST_FRACTION = 0.1
MIN_IMAGES = 50  # below this a denoiser learns the images by heart; fine-tuning (--init-from) needs as many
MAX_UNREADABLE = 0.1  # a larger share of unreadable files stops the run: the folder is probably not images
SMALL_SIDE = 64  # images no larger than this, white on black, are resized as they are ("resize")


class DataError(ValueError):
    """The data cannot be trained on; the message says why and what to do."""


@dataclass
class Loaded:
    """A dataset of the user's images, with what happened on the way in (printed and kept in the card)."""

    dataset: Dataset
    class_names: list[str]
    preprocess: str
    preprocess_reason: str
    x_val: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def card(self) -> dict:
        """The model card's `data` entry: enough to load the same splits again (evaluation does)."""
        return {"path": self.dataset.source, "preprocess": self.preprocess, "reason": self.preprocess_reason,
                "class_names": self.class_names, "n_train": len(self.dataset.x_train),
                "n_val": None if self.x_val is None else len(self.x_val), "n_test": len(self.dataset.x_test),
                "skipped": len(self.skipped), "notes": self.notes}


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def _labelled(folder: Path, class_names: list[str] | None) -> tuple[list[Path], list[int], list[str]]:
    """Image files under `folder` with a class index each: from class subfolders, or 0 for a flat folder."""
    subfolders = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if class_names is None:
        class_names = [p.name for p in subfolders if _files(p)] or [folder.name]
    if len(class_names) == 1 and not (folder / class_names[0]).is_dir():
        files = _files(folder)
        return files, [0] * len(files), class_names
    files, labels = [], []
    for index, name in enumerate(class_names):
        found = _files(folder / name) if (folder / name).is_dir() else []
        files += found
        labels += [index] * len(found)
    return files, labels, class_names


def choose_preprocess(samples: list[Image.Image]) -> tuple[str, str]:
    """`resize` for small white-on-black images (used as they are, like MNIST's files), else `mnist` (the digit
    located, cropped and centred as uploads are); with the reason, for the console and the card."""
    sizes = Counter(image.size for image in samples)
    largest = max(max(size) for size in sizes)
    borders = []
    for image in samples:
        grey = np.asarray(image.convert("L"), dtype=np.float32)
        borders.append(np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]]).mean())
    dark_border = float(np.median(borders)) < 128
    if largest <= SMALL_SIDE and dark_border:
        return "resize", (f"images are small ({largest} px at most) and light on a dark background: resized to "
                          "28x28 as they are (serve with preprocess=resize)")
    why = f"images up to {largest} px" if largest > SMALL_SIDE else "dark strokes on a light background"
    return "mnist", f"{why}: each is located, cropped and centred as the API does for uploads (preprocess=mnist)"


def _prepare(items: list, prepare_one, what: str) -> tuple[np.ndarray, list[int], list[str]]:
    """The 28x28 model inputs of `items` (`prepare_one(item)` each), the indices kept and the reasons the
    others were skipped."""
    digits, kept, skipped = [], [], []
    for index, item in enumerate(tqdm(items, desc=f"preparing {what}", unit="img", leave=False)):
        try:
            digits.append(prepare_one(item))
            kept.append(index)
        except (InvalidImageError, ImageTooLargeError, BlankImageError, OSError) as error:
            skipped.append(f"{item if isinstance(item, Path) else f'image {index}'}: {error}")
    return (np.stack(digits) if digits else np.zeros((0, 28, 28), np.uint8)), kept, skipped


def _prepare_files(files: list[Path], mode: str, what: str) -> tuple[np.ndarray, list[int], list[str]]:
    return _prepare(files, lambda path: prepare_digit(path.read_bytes(), mode).digit, what)


def _check_unreadable(total: int, skipped: list[str]) -> None:
    if total and len(skipped) > MAX_UNREADABLE * total:
        listed = "\n  ".join(skipped[:10])
        raise DataError(f"{len(skipped)} of {total} files could not be used (more than {MAX_UNREADABLE:.0%}); "
                        f"is this a folder of images? First ones:\n  {listed}")


def _split_test(images: np.ndarray, labels: np.ndarray, seed: int) -> tuple[np.ndarray, ...]:
    order = np.random.default_rng(seed).permutation(len(images))
    n_test = max(1, int(round(len(images) * TEST_FRACTION)))
    test, train = order[:n_test], order[n_test:]
    return images[train], labels[train], images[test], labels[test]


def _sample_images(files: list[Path], count: int = 64) -> list[Image.Image]:
    samples = []
    for path in files[:: max(1, len(files) // count)][:count]:
        try:
            with Image.open(path) as image:
                samples.append(image.copy())
        except OSError:
            continue
    return samples


def load_folder(folder: Path, preprocess: str | None, seed: int) -> Loaded:
    """A folder of images (flat, class subfolders, or train/test[/val] splits) -> Loaded."""
    split_dirs = {name: folder / name for name in SPLITS if (folder / name).is_dir()}
    honoured = "train" in split_dirs and "test" in split_dirs
    roots = split_dirs if honoured else {"train": folder}
    class_names = None
    listed = {}
    for split in (s for s in SPLITS if s in roots):
        files, labels, class_names = _labelled(roots[split], class_names)
        listed[split] = (files, labels)
    total = sum(len(files) for files, _ in listed.values())
    if total == 0:
        raise DataError(f"{folder}: no images found (looked for {', '.join(sorted(SUFFIXES))}, in the folder, "
                        "its class subfolders or train/ and test/)")
    samples = _sample_images([f for files, _ in listed.values() for f in files])
    if not samples:
        raise DataError(f"{folder}: none of the first files could be opened as an image")
    mode, reason = (preprocess, f"--preprocess {preprocess}") if preprocess else choose_preprocess(samples)
    notes = []
    stray = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES]
    if stray and (len(class_names or []) > 1 or honoured):
        notes.append(f"{len(stray)} image file(s) directly in {folder} ignored: with class subfolders, every image "
                     "belongs in one")
    sizes = Counter(image.size for image in samples)
    if len(sizes) > 1:
        notes.append(f"mixed sizes ({len(sizes)} among {len(samples)} sampled, e.g. "
                     f"{', '.join(f'{w}x{h}' for w, h in list(sizes)[:3])}): all brought to 28x28")
    arrays, skipped = {}, []
    for split, (files, labels) in listed.items():
        images, kept, bad = _prepare_files(files, mode, f"{split} images")
        arrays[split] = (images, np.asarray(labels, np.int64)[kept] if kept else np.zeros(0, np.int64))
        skipped += bad
    _check_unreadable(total, skipped)
    if honoured:
        x_train, y_train = arrays["train"]
        x_test, y_test = arrays["test"]
        notes.append(f"splits from the folder: {', '.join(split_dirs)}")
    else:
        x_train, y_train, x_test, y_test = _split_test(*arrays["train"], seed)
        notes.append(f"test split: {TEST_FRACTION:.0%} drawn with seed {seed}, never trained on")
    x_val = arrays["val"][0] if "val" in arrays else None
    dataset = Dataset(folder.name, x_train, y_train, x_test, y_test, str(folder))
    return Loaded(dataset, class_names or [folder.name], mode, reason, x_val, notes, skipped)


def _array_images(x: np.ndarray) -> list[Image.Image]:
    if x.ndim == 4 and x.shape[-1] in (1, 3, 4):
        x = x[..., 0] if x.shape[-1] == 1 else x
    if x.ndim not in (3, 4):
        raise DataError(f"x has shape {x.shape}; expected [N, H, W] or [N, H, W, C] images")
    if x.dtype != np.uint8:
        x = np.clip(np.asarray(x, np.float64) * (255.0 if float(np.max(x)) <= 1.0 else 1.0), 0, 255).astype(np.uint8)
    return [Image.fromarray(image) for image in x]


def _prepare_arrays(images: list[Image.Image], mode: str) -> tuple[np.ndarray, list[int], list[str]]:
    return _prepare(images, lambda image: prepare_image(image, image.size, mode).digit, "images")


def load_npz(path: Path, preprocess: str | None, seed: int) -> Loaded:
    """An .npz with `x` (images) and optionally `y` (int labels), `x_test`/`y_test` and `class_names`."""
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise DataError(f"{path}: not a readable .npz ({error})") from error
    if "x" not in archive:
        raise DataError(f"{path}: no array named 'x' (found: {', '.join(archive.files) or 'none'})")
    x = _array_images(archive["x"])
    y = np.asarray(archive["y"], np.int64) if "y" in archive else np.zeros(len(x), np.int64)
    if len(y) != len(x):
        raise DataError(f"{path}: {len(x)} images but {len(y)} labels")
    mode, reason = (preprocess, f"--preprocess {preprocess}") if preprocess else choose_preprocess(x[:64])
    images, kept, skipped = _prepare_arrays(x, mode)
    _check_unreadable(len(x), skipped)
    labels = y[kept]
    notes = []
    if "x_test" in archive:
        test, test_kept, _ = _prepare_arrays(_array_images(archive["x_test"]), mode)
        y_test = (np.asarray(archive["y_test"], np.int64)[test_kept] if "y_test" in archive
                  else np.zeros(len(test), np.int64))
        x_train, y_train, x_test = images, labels, test
        notes.append("splits from the file: x, x_test")
    else:
        x_train, y_train, x_test, y_test = _split_test(images, labels, seed)
        notes.append(f"test split: {TEST_FRACTION:.0%} drawn with seed {seed}, never trained on")
    names = ([str(n) for n in archive["class_names"]] if "class_names" in archive
             else [str(i) for i in range(int(y.max()) + 1)] if "y" in archive else [path.stem])
    dataset = Dataset(path.stem, x_train, y_train, x_test, y_test, str(path))
    return Loaded(dataset, names, mode, reason, None, notes, skipped)


def load(path: str | Path, preprocess: str | None = None, seed: int = 42) -> Loaded:
    """The user's data at `path` (folder of images, .npz, or a folder of the four IDX files), checked."""
    path = Path(path).expanduser()
    if preprocess is not None and preprocess not in PREPROCESS_MODES:
        raise DataError(f"unknown preprocess {preprocess!r}; choose one of {', '.join(PREPROCESS_MODES)}")
    if not path.exists():
        raise DataError(f"{path}: no such file or folder")
    if path.is_file():
        if path.suffix != ".npz":
            raise DataError(f"{path}: a file must be an .npz with an array 'x'; give a folder for image files")
        loaded = load_npz(path, preprocess, seed)
    else:
        idx = load_idx_dir(path.name, path)
        if idx is not None:
            loaded = Loaded(idx, [str(i) for i in range(int(idx.y_train.max()) + 1)], "resize",
                            "IDX files hold 28x28 images already", None, ["splits from the IDX files"])
        else:
            loaded = load_folder(path, preprocess, seed)
    usable = len(loaded.dataset.x_train) + len(loaded.dataset.x_test)
    if usable < MIN_IMAGES:
        raise DataError(f"{path}: {usable} usable images; a denoiser needs at least {MIN_IMAGES} "
                        "(a few hundred to fine-tune with --init-from, thousands to train from scratch)")
    if len(loaded.dataset.x_test) == 0:
        raise DataError(f"{path}: the test split holds no usable image")
    return loaded


def summary(loaded: Loaded) -> str:
    """What will be trained on, for the console (and `--dry-run`)."""
    data = loaded.dataset
    counts = Counter(data.y_train.tolist())
    classes = ", ".join(f"{name} ({counts.get(i, 0)})" for i, name in enumerate(loaded.class_names[:12]))
    more = f", ... ({len(loaded.class_names)} classes)" if len(loaded.class_names) > 12 else ""
    lines = [f"data: {data.source}",
             f"  {len(data.x_train)} training images, {len(data.x_test)} test images"
             + (f", {len(loaded.x_val)} validation images" if loaded.x_val is not None else ""),
             f"  classes: {classes}{more}",
             f"  preprocess: {loaded.preprocess} ({loaded.preprocess_reason})"]
    lines += [f"  note: {note}" for note in loaded.notes]
    if loaded.skipped:
        lines.append(f"  skipped {len(loaded.skipped)} file(s) that could not be used:")
        lines += [f"    {reason}" for reason in loaded.skipped[:10]]
        if len(loaded.skipped) > 10:
            lines.append(f"    ... and {len(loaded.skipped) - 10} more")
    return "\n".join(lines)



def dataset_of(card: dict, data_dir: str | None = None) -> Dataset:
    """The dataset a model card was trained on, with the same splits: your own images again from the card's
    `data` entry, else the named dataset (evaluation and baseline tuning read the test and validation splits
    through this, so they match training's)."""
    spec = card.get("data")
    if spec:
        seed = card.get("training", {}).get("config", {}).get("seed", 42)
        try:
            return load(spec["path"], spec["preprocess"], seed).dataset
        except DataError as error:
            raise SystemExit(f"{card.get('name')}: its training data is not readable any more: {error}") from None
    return load_dataset(card["dataset"], data_dir)
