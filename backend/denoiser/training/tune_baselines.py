"""Classical baselines tuned on the validation split and saved with a model (what POST /compare runs).

    denoiser tune-baselines --model models/mnist/5 --data-dir ../shared/datasets

For every noise type and level of a grid, each method's parameter setting with the best mean PSNR on
validation digits is kept: the model's own validation split (its card's training seed, fraction and
limit), never the test split. PCA keeps as many components as the model's code has, fitted on the
training part. Writes `baselines.json` and `baselines_pca.npz` next to the SavedModel; /compare never
re-tunes per request.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from denoiser.imaging import metrics, to_model_input
from denoiser.imaging.noise import add_noise
from denoiser.models.baselines import METHODS, Method, PCABaseline, installed
from denoiser.models.export import read_metadata, write_json
from denoiser.models.tuned_baselines import FORMAT, JSON_NAME, PCA_NAME
from denoiser.training import data, sources

LEVELS = {"gaussian": (0.1, 0.3, 0.5, 0.7, 0.9), "salt_pepper": (0.05, 0.1, 0.2, 0.4),
          "speckle": (0.2, 0.5, 0.8)}
SLOW_IMAGES = 12  # BM3D takes about a second per image: tuned on fewer digits


def validation_and_training(card: dict, data_dir: str | None) -> tuple[np.ndarray, np.ndarray]:
    """The model's (validation, training) images as model input, split exactly as its training did."""
    config = card["training"]["config"]
    dataset = sources.dataset_of(card, data_dir)
    images, labels = dataset.x_train, dataset.y_train
    if config.get("limit"):
        images, labels = images[:config["limit"]], labels[:config["limit"]]
    train_x, _, val_x, _ = data.split_validation(images, labels, config["val_fraction"], config["seed"])
    return to_model_input(val_x), to_model_input(train_x)


def tune_method(method: Method, clean: np.ndarray, seed: int) -> dict[str, dict[str, dict]]:
    """{noise: {level: {"params", "psnr"}}}: the grid point with the best mean validation PSNR per setting."""
    chosen: dict[str, dict[str, dict]] = {}
    for noise, levels in LEVELS.items():
        for level in levels:
            noisy = add_noise(clean, noise, level, seed)
            scored = [(float(metrics.psnr_per_image(clean, method.run(noisy, level, **params)).mean()), params)
                      for params in method.grid]
            psnr, params = max(scored, key=lambda pair: pair[0])
            chosen.setdefault(noise, {})[f"{level:g}"] = {"params": params, "psnr": round(psnr, 3)}
    return chosen


def tune(model_dir: Path, data_dir: str | None, images: int, seed: int, only: list[str] | None = None) -> dict:
    """Tune every installed method for the model in `model_dir` and write its two files; returns the JSON.
    With `only`, just those methods are (re-)tuned; the others already saved are kept."""
    card = read_metadata(model_dir)
    validation, training = validation_and_training(card, data_dir)
    validation = validation[:images]
    pca = PCABaseline(training, card["latent_dim"])
    np.savez_compressed(model_dir / PCA_NAME, mean=pca.mean.astype(np.float16), basis=pca.basis.astype(np.float16))
    tuned, seconds, commands = {}, {}, []
    command = shlex.join(["denoiser", "tune-baselines", *sys.argv[1:]])
    if only and (model_dir / JSON_NAME).is_file():  # re-tune some methods, keep the others
        previous = json.loads((model_dir / JSON_NAME).read_text())
        tuned, seconds, commands = previous["methods"], previous["seconds"], [previous["command"]]
    chosen = [m for m in METHODS.values() if installed(m) and (only is None or m.key in only)]
    for method in tqdm(chosen, desc="tuning", unit="method"):
        started = time.perf_counter()
        tuned[method.key] = tune_method(method, validation[:SLOW_IMAGES] if method.slow else validation, seed)
        seconds[method.key] = round(time.perf_counter() - started, 1)
    payload = {
        "format": FORMAT, "dataset": card["dataset"], "criterion": "mean PSNR on the validation split",
        "validation_images": len(validation), "slow_method_images": min(SLOW_IMAGES, len(validation)),
        "noise_seed": seed,
        "pca": {"file": PCA_NAME, "components": pca.components, "fitted_on_training_images": len(training)},
        "methods": tuned, "seconds": seconds,
        "command": " && ".join([*commands, command]),
    }
    write_json(model_dir / JSON_NAME, payload)
    return payload


def main(argv: list[str] | None = None) -> dict:
    """Command line: tune and save."""
    parser = argparse.ArgumentParser(prog="denoiser tune-baselines", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="model version directory, e.g. models/mnist/5")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--images", type=int, default=200, help="validation digits to tune on")
    parser.add_argument("--seed", type=int, default=0, help="seed of the validation noise draws")
    parser.add_argument("--methods", default=None, help=f"comma-separated subset of: {', '.join(METHODS)}")
    args = parser.parse_args(argv)
    only = args.methods.split(",") if args.methods else None
    unknown = sorted(set(only or []) - set(METHODS))
    if unknown:
        parser.error(f"unknown method {unknown[0]!r}; choose from {', '.join(METHODS)}")
    payload = tune(Path(args.model), args.data_dir, args.images, args.seed, only)
    for key, per_noise in payload["methods"].items():
        gaussian = per_noise["gaussian"]["0.5"]
        print(f"{key:16s} gaussian 0.5: {gaussian['params']}  {gaussian['psnr']:.2f} dB  "
              f"({payload['seconds'][key]} s)")
    return payload


if __name__ == "__main__":
    main()
