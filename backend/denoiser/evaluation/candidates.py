"""`denoiser candidates DIR [DIR ...]`: model versions side by side on the validation split, the way a candidate
is promoted to the served default: PSNR / SSIM and the changed rate (readings.py) at every setting of the class
readings, with the served classifier of their dataset. The test split is never read here, so a choice made from
this table leaves the test figures honest.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from denoiser.evaluation import readings
from denoiser.imaging import to_model_input
from denoiser.models.export import read_metadata
from denoiser.models.scoring import score, signature_function
from denoiser.training import data


def validation_split(dataset: str, data_dir: str | None, fraction: float = 0.1, seed: int = 42):
    """(clean images [N, 28, 28, 1], labels) of the validation split every `denoiser train` holds out."""
    loaded = data.load_dataset(dataset, data_dir)
    _, _, images, labels = data.split_validation(loaded.x_train, loaded.y_train, fraction, seed)
    return to_model_input(images), labels


def scored(model_dir: Path, classify, clean: np.ndarray, labels: np.ndarray, seed: int) -> dict[str, dict]:
    """{setting: {"psnr", "ssim", "changed"}} of one model version."""
    import tensorflow as tf

    denoise = signature_function(tf.saved_model.load(str(model_dir)))
    read = readings.read_all(denoise, classify, clean, labels, seed)
    rows = {}
    for noise, level in readings.SETTINGS:
        quality = score(denoise, clean, noise, level, seed)["denoised"]
        rows[readings.key(noise, level)] = {"psnr": quality["psnr"], "ssim": quality["ssim"],
                                            "changed": read[readings.key(noise, level)]["changed"]}
    return rows


def table(results: dict[str, dict[str, dict]]) -> str:
    """Markdown: a row per model, PSNR / SSIM / changed per setting."""
    settings = [readings.key(noise, level) for noise, level in readings.SETTINGS]
    lines = ["| model | " + " | ".join(settings) + " |", "| --- |" + " --- |" * len(settings)]
    for name, rows in results.items():
        cells = [f"{rows[s]['psnr']:.2f} / {rows[s]['ssim']:.3f} / {100 * rows[s]['changed']:.1f}%" for s in settings]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    """Score every model directory given; print the table (PSNR dB / SSIM / changed) and return the figures."""
    parser = argparse.ArgumentParser(prog="denoiser candidates", description=__doc__)
    parser.add_argument("models", nargs="+", type=Path, help="model version directories (e.g. runs/cand/mnist/1)")
    parser.add_argument("--classifier", type=Path, default=None,
                        help="default: the served classifier of their dataset under models/")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--seed", type=int, default=0, help="seed of the noise draws")
    args = parser.parse_args(argv)
    dataset = read_metadata(args.models[0])["dataset"]
    path = args.classifier or readings.classifier_for(Path("models") / dataset / "0", dataset)
    if path is None:
        raise SystemExit(f"denoiser candidates: no {dataset}-classifier under models/; give --classifier")
    classify = readings.load_classifier(path)
    clean, labels = validation_split(dataset, args.data_dir)
    results = {str(model): scored(model, classify, clean, labels, args.seed) for model in args.models}
    print(f"{len(clean)} {dataset} validation images, classifier {path}; PSNR dB / SSIM / changed:")
    print(table(results))
    return results


if __name__ == "__main__":
    main()
