"""Fine-tuning against training from scratch on your own images: `denoiser fine-tune-study`.

For each dataset and size it writes a folder of N training images (and a fixed test/ folder) as a user would,
trains with `denoiser train --data` from scratch and with `--init-from` the served model, and scores both on
the folder's test split at gaussian σ 0.5 (test PSNR, minutes on this machine). Datasets: Fashion-MNIST
exported as PNG files (the official test split as test/), and letters rendered here in several sizes, slants
and stroke widths, dark on white paper at 280x280 like a phone scan (another script than the digits the
served model learnt). Nothing is kept but the table (`--markdown`).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import tensorflow as tf
from PIL import Image, ImageDraw, ImageFont

from denoiser.imaging import to_model_input
from denoiser.models.export import read_metadata
from denoiser.models.scoring import score, signature_function
from denoiser.training import data, sources, train

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
TEST_IMAGES = 500


def write_images(folder: Path, images: list[Image.Image] | np.ndarray, labels: np.ndarray, names: list[str]) -> None:
    """Images as PNG files, one subfolder per class."""
    for index, (image, label) in enumerate(zip(images, labels)):
        target = folder / names[int(label)]
        target.mkdir(parents=True, exist_ok=True)
        picture = image if isinstance(image, Image.Image) else Image.fromarray(image)
        picture.save(target / f"{index}.png")


def rendered_letters(count: int, seed: int) -> tuple[list[Image.Image], np.ndarray]:
    """`count` letters drawn dark on white, random size, slant and stroke width."""
    rng = np.random.default_rng(seed)
    images, labels = [], rng.integers(0, len(LETTERS), count)
    for label in labels:
        font = ImageFont.load_default(size=int(rng.integers(110, 190)))
        canvas = Image.new("L", (280, 280), int(rng.integers(215, 256)))
        ImageDraw.Draw(canvas).text((140 + int(rng.integers(-30, 31)), 140 + int(rng.integers(-30, 31))),
                                    LETTERS[label], fill=int(rng.integers(0, 60)), font=font, anchor="mm",
                                    stroke_width=int(rng.integers(2, 9)), stroke_fill=0)
        images.append(canvas.rotate(float(rng.uniform(-15, 15)), fillcolor=255))
    return images, labels


def make_folder(root: Path, dataset: str, size: int | None, data_dir: str | None, seed: int) -> Path:
    """root/<dataset>-<size>/ with train/ (size images; None: all) and test/ (TEST_IMAGES images)."""
    folder = root / f"{dataset}-{size or 'all'}"
    if dataset == "letters":
        names = [f"{letter}{'_upper' if letter.isupper() else ''}" for letter in LETTERS]
        images, labels = rendered_letters((size or 5000) + TEST_IMAGES, seed)
        write_images(folder / "test", images[:TEST_IMAGES], labels[:TEST_IMAGES], names)
        write_images(folder / "train", images[TEST_IMAGES:], labels[TEST_IMAGES:], names)
        return folder
    loaded = data.load_dataset(dataset, data_dir)
    names = [name.replace("/", "-").replace(" ", "-") for name in data.CLASS_NAMES[dataset]]
    order = np.random.default_rng(seed).permutation(len(loaded.x_train))[:size]
    write_images(folder / "train", loaded.x_train[order], loaded.y_train[order], names)
    write_images(folder / "test", loaded.x_test[:TEST_IMAGES], loaded.y_test[:TEST_IMAGES], names)
    return folder


def test_psnr(model_dir: Path) -> float:
    """PSNR at gaussian σ 0.5 on the model's own test split (read back through its card)."""
    dataset = sources.dataset_of(read_metadata(model_dir))
    denoise = signature_function(tf.saved_model.load(str(model_dir)))
    return score(denoise, to_model_input(dataset.x_test), "gaussian", 0.5)["denoised"]["psnr"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="denoiser fine-tune-study", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default="fashion-mnist,letters")
    parser.add_argument("--sizes", default="200,1000", help="training images per run; 'all' for every one")
    parser.add_argument("--init-from", default="models/mnist/5")
    parser.add_argument("--epochs", type=int, default=60, help="at most; early stopping on validation loss")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--markdown", default=None, help="also write the table to this file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> str:
    """Run every (dataset, size, start) and print the table."""
    args = parse_args(argv)
    sizes = [None if size == "all" else int(size) for size in args.sizes.split(",")]
    rows = ["| data | training images | from scratch: test PSNR σ 0.5 (min) | fine-tuned from "
            f"{args.init_from} (min) |", "| --- | --- | --- | --- |"]
    with tempfile.TemporaryDirectory(prefix="fine-tune-study-") as work:
        root = Path(work)
        for dataset in args.datasets.split(","):
            for size in sizes:
                folder = make_folder(root, dataset, size, args.data_dir, args.seed)
                cells = []
                for start in ([], ["--init-from", args.init_from]):
                    started = time.time()
                    model_dir = train.main(["--data", str(folder), "--name", "study", "--epochs", str(args.epochs),
                                            "--seed", str(args.seed), "--output-dir", str(root / "models"), *start])
                    minutes = (time.time() - started) / 60
                    cells.append(f"{test_psnr(model_dir):.2f} dB ({minutes:.1f})")
                rows.append(f"| {dataset} | {size or 'all'} | {cells[0]} | {cells[1]} |")
                print(rows[-1], flush=True)
    table = "\n".join(rows)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n")
    return table


if __name__ == "__main__":
    main()
