"""Evaluation CLI: denoiser evaluate --model models/mnist/5 --noise gaussian:0.5.

Scores the exported SavedModel (bare TensorFlow, as users load it) on the test split at
several noise levels, next to classical baselines on the same noisy images, and writes
report/report.md with figures, latent_map.json + latent_map_sprite.png (the 2-D map of test codes the
API's /encode places digits on, latent_report.py), examples.json (gallery digits) and the test metrics
into metadata.json. With the dataset's served classifier beside the model (`models/<dataset>-classifier/`)
it also reads the clean, noisy and denoised test images: does the class survive (readings.py)?
`--latent-only` redoes just the latent side, `--reading-only` just the readings.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import tensorflow as tf
from tqdm import tqdm

from denoiser.evaluation import classifier_report, figures, noisyinputs, readings, realinputs
from denoiser.evaluation.latent_report import evaluate_latent
from denoiser.evaluation.report import render_report
from denoiser.imaging import encode_png, to_data_url, to_model_input
from denoiser.imaging.metrics import image_metrics
from denoiser.imaging.noise import NOISE_TYPES, parse_spec
from denoiser.models import baselines, classifier
from denoiser.models.export import read_metadata, write_json
from denoiser.models.scoring import in_batches, noisy_copy, signature_function
from denoiser.training import data, sources

SWEEP_LEVELS = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line flags."""
    parser = argparse.ArgumentParser(prog="denoiser evaluate", description=__doc__,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--model", required=True, help="model version directory, e.g. models/mnist/5")
    parser.add_argument("--dataset", default=None, help="default: the dataset in the model card")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--noise", action="append", default=None,
                        help="headline noise as type:level; repeatable (default gaussian:0.5)")
    parser.add_argument("--levels", default=",".join(map(str, SWEEP_LEVELS)),
                        help="gaussian levels for the sweep and the baseline comparison")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N test images")
    parser.add_argument("--baseline-limit", type=int, default=500,
                        help="images per level for the (slow) classical baselines; 0 disables them")
    parser.add_argument("--seed", type=int, default=0, help="seed of the noise draws")
    parser.add_argument("--real-inputs", type=int, default=200,
                        help="test digits handed over as drawings, photos, ruled paper... (realinputs); 0 disables")
    parser.add_argument("--noisy-inputs", type=int, default=200,
                        help="test digits sent as files that already carry noise (noisyinputs); 0 disables")
    parser.add_argument("--versus", default=None,
                        help="another model directory (e.g. the U-Net) to show beside this one in the grid")
    parser.add_argument("--latent-only", action="store_true",
                        help="only rebuild the latent map, its figures and (VAE) the typicality calibration")
    parser.add_argument("--reading-only", action="store_true",
                        help="only read the test images with the dataset's classifier (does the class survive?), "
                             "update the card and re-render the report")
    args = parser.parse_args(argv)
    if args.latent_only and args.reading_only:
        parser.error("--latent-only and --reading-only each redo one part; pick one")
    args.noise = [parse_spec(spec) for spec in (args.noise or ["gaussian:0.5"])]
    args.levels = [float(level) for level in args.levels.split(",") if level.strip()]
    return args


def model_table(denoise, clean: np.ndarray, settings: list[tuple[str, float]], seed: int) -> dict:
    """Full metrics of noisy and denoised images for each (noise, level), keyed "noise:level"."""
    table = {}
    for noise, level in tqdm(settings, desc="model", unit="setting"):
        noisy = noisy_copy(clean, noise, level, seed)
        started = time.perf_counter()
        denoised = in_batches(denoise, noisy)
        table[f"{noise}:{level:g}"] = {
            "noisy": image_metrics(clean, noisy), "denoised": image_metrics(clean, denoised),
            "images_per_second": round(len(clean) / (time.perf_counter() - started), 1)}
    return table


def baseline_table(denoise, clean: np.ndarray, train_images: np.ndarray, levels: list[float],
                   latent_dim: int, seed: int) -> dict:
    """PSNR/SSIM per method and gaussian level on the same noisy subset."""
    methods = {"model": lambda noisy, _level: in_batches(denoise, noisy), "noisy input": lambda n, _: n}
    methods.update(baselines.available())
    methods[f"PCA ({latent_dim} components)"] = baselines.PCABaseline(train_images, latent_dim)
    table: dict[str, dict] = {name: {} for name in methods}
    for level in tqdm(levels, desc="baselines", unit="level"):
        noisy = noisy_copy(clean, "gaussian", level, seed)
        for name, method in methods.items():
            count = min(len(clean), getattr(method, "max_images", len(clean)))
            started = time.perf_counter()
            restored = method(noisy[:count], level)
            scores = image_metrics(clean[:count], restored)
            scores["ms_per_image"] = round(1000 * (time.perf_counter() - started) / count, 3)
            scores["images"] = count
            table[name][f"{level:g}"] = scores
    return table


def versus_scores(model_dir: str, clean: np.ndarray, noise: str, level: float, seed: int):
    """Another model's metrics on the same noisy test images (the headline setting), and its denoiser."""
    card = read_metadata(model_dir)
    denoise = signature_function(tf.saved_model.load(str(model_dir)))
    scores = image_metrics(clean, in_batches(denoise, noisy_copy(clean, noise, level, seed)))
    return {"model": f"{card['name']} v{card['version']} ({card['arch']})", "denoised": scores}, denoise


def rerender_report(metadata: dict, report_dir: Path) -> Path | None:
    """Rewrite report.md from the last full evaluation's results.json and the card (after --latent-only or
    --reading-only); None when the model was never fully evaluated."""
    results, evaluation = report_dir / "results.json", metadata.get("evaluation")
    if not results.exists() or not evaluation:
        return None
    command = evaluation["command"]
    original = parse_args(shlex.split(command)[2:])  # after "denoiser evaluate"
    report = report_dir / "report.md"
    report.write_text(render_report(metadata, json.loads(results.read_text()), original.noise,
                                    evaluation["test_images"], original.baseline_limit, command))
    return report


def reading_only(metadata: dict, model_dir: Path, denoise, dataset: str | None, clean: np.ndarray, labels,
                 seed: int) -> Path:
    """--reading-only: the card's metrics["reading"] afresh and the report re-rendered, nothing else redone;
    returns the report (the card when the model was never fully evaluated, or has no classifier)."""
    reading = readings.evaluate(model_dir, denoise, dataset, clean, labels, seed)
    if reading is None:
        return model_dir / "metadata.json"
    metadata.setdefault("metrics", {})["reading"] = reading
    write_json(model_dir / "metadata.json", metadata)
    for setting, entry in readings.settings_of(reading).items():
        print(f"  {setting}: changed {entry['changed']}, denoised accuracy {entry['accuracy']['denoised']}, "
              f"risk AUC {entry['risk_auc']}", flush=True)
    return rerender_report(metadata, model_dir / "report") or model_dir / "metadata.json"


def gallery(images: np.ndarray, labels: np.ndarray, class_names: list[str], per_class: int = 2) -> dict:
    """examples.json: `per_class` test images of every class as PNG data URLs."""
    examples = []
    for label in range(len(class_names)):
        for index in np.flatnonzero(labels == label)[:per_class]:
            examples.append({"label": label, "class_name": class_names[label],
                             "image": to_data_url(encode_png(images[index]))})
    return {"examples": examples}


def real_inputs(denoise, images: np.ndarray, report_dir: Path, seed: int) -> dict:
    """The real-input benchmark (`realinputs`) on `images`, and its figure report/real_inputs.png."""
    def batched(noisy):
        return in_batches(denoise, noisy)

    started = time.perf_counter()
    results = realinputs.benchmark(batched, images, seed=seed)
    realinputs.figure(realinputs.examples(batched, images[0], seed=seed), report_dir / "real_inputs.png")
    print(f"real inputs: {len(images)} test digits x {len(results['kinds'])} kinds in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    return results


def noisy_inputs(denoise, images: np.ndarray, report_dir: Path, seed: int) -> dict:
    """The noisy-input benchmark (`noisyinputs`) on `images`, and its figure report/noisy_inputs.png."""
    def batched(received):
        return in_batches(denoise, received)

    started = time.perf_counter()
    results = noisyinputs.benchmark(batched, images, seed=seed)
    realinputs.figure(noisyinputs.examples(batched, images[0], seed=seed), report_dir / "noisy_inputs.png",
                      "Noisy files: what was sent, what the model received, its output (no noise added)")
    print(f"noisy inputs: {len(images)} test digits x {len(results['kinds'])} kinds in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    return results


def main(argv: list[str] | None = None) -> Path:
    """Evaluate, write the report and the model's companions; returns the report path."""
    args = parse_args(argv)
    model_dir = Path(args.model)
    metadata = read_metadata(model_dir)
    dataset = (data.load_dataset(args.dataset, args.data_dir) if args.dataset
               else sources.dataset_of(metadata, args.data_dir))
    images, labels = dataset.x_test[:args.limit], dataset.y_test[:args.limit]
    if metadata.get("kind") == classifier.KIND:  # a reference classifier: its own report
        return classifier_report.evaluate_classifier(model_dir, metadata, images, labels, args.seed)
    clean = to_model_input(images)
    loaded = tf.saved_model.load(str(model_dir))
    denoise = signature_function(loaded)
    report_dir = model_dir / "report"
    report_dir.mkdir(exist_ok=True)
    print(f"evaluating {model_dir} on {len(clean)} {dataset.name} test images from {dataset.source}", flush=True)
    reference = None if metadata.get("data") else dataset.name  # whose classifier reads (own images: none)
    if args.reading_only:
        return reading_only(metadata, model_dir, denoise, reference, clean, labels, args.seed)
    latent = evaluate_latent(loaded, metadata, dataset, clean, labels, model_dir, report_dir, args.data_dir, args.seed)
    metadata.setdefault("metrics", {})["latent"] = latent
    if args.latent_only:
        write_json(model_dir / "metadata.json", metadata)
        return rerender_report(metadata, report_dir) or model_dir / "latent_map.json"

    settings = sorted({("gaussian", level) for level in args.levels if level > 0} | set(args.noise)
                      | {("none", 0.0), ("salt_pepper", 0.2), ("speckle", 0.5)},
                      key=lambda s: (NOISE_TYPES.index(s[0]), s[1]))
    tables = {"test": model_table(denoise, clean, settings, args.seed)}
    reading = readings.evaluate(model_dir, denoise, reference, clean, labels, args.seed)
    if reading is not None:
        metadata["metrics"]["reading"] = reading
    if args.baseline_limit:
        subset = clean[:args.baseline_limit]
        train = to_model_input(dataset.x_train[:10000])
        tables["baselines"] = baseline_table(denoise, subset, train, args.levels,
                                             metadata["latent_dim"], args.seed)
        figures.psnr_by_level(
            {name: [(float(level), scores["psnr"]) for level, scores in per_level.items()]
             for name, per_level in tables["baselines"].items()},
            report_dir / "psnr_vs_level.png",
            f"{dataset.name}: PSNR vs gaussian noise level ({len(subset)} test images)")

    noise, level = args.noise[0]
    shown = clean[:20]
    noisy = noisy_copy(shown, noise, level, args.seed)
    rows = {"original": shown, "noisy": noisy, "denoised": in_batches(denoise, noisy)}
    if args.versus:
        tables["versus"], other = versus_scores(args.versus, clean, noise, level, args.seed)
        rows[tables["versus"]["model"]] = in_batches(other, noisy)
    figures.comparison_grid(rows, report_dir / "grid.png", f"{dataset.name} test digits, {noise} {level:g}")
    history_path = model_dir / "history.json"
    if history_path.exists():
        loss_name = "BCE + β·KL per pixel" if metadata["arch"] == "vae" else "MSE"
        figures.learning_curves(json.loads(history_path.read_text()), report_dir / "learning_curves.png", loss_name)
    class_names = metadata.get("class_names") or data.CLASS_NAMES[dataset.name]
    write_json(model_dir / "examples.json", gallery(images, labels, class_names))

    if args.real_inputs:
        tables["real_inputs"] = real_inputs(denoise, images[:args.real_inputs], report_dir, args.seed)
    if args.noisy_inputs:
        tables["noisy_inputs"] = noisy_inputs(denoise, images[:args.noisy_inputs], report_dir, args.seed)

    command = "denoiser evaluate " + shlex.join(argv if argv is not None else sys.argv[1:])
    metadata["metrics"]["test"] = tables["test"]
    for name in ("real_inputs", "noisy_inputs"):
        if name in tables:
            metadata["metrics"][name] = tables[name]
    metadata["evaluation"] = {"command": command, "test_images": len(clean), "noise_seed": args.seed,
                              "dataset_source": dataset.source}
    write_json(model_dir / "metadata.json", metadata)
    write_json(report_dir / "results.json", tables)
    report = report_dir / "report.md"
    report.write_text(render_report(metadata, tables, args.noise, len(clean), args.baseline_limit, command))
    headline = tables["test"][f"{noise}:{level:g}"]["denoised"]
    print(f"{noise} {level:g}: PSNR {headline['psnr']:.2f} dB, SSIM {headline['ssim']:.3f}; "
          f"report: {report}", flush=True)
    return report


if __name__ == "__main__":
    main()
