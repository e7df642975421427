"""`denoiser evaluate --model models/<dataset>-classifier/<version>`: a reference classifier's own report (the
held-out test split only here): how often it reads the test images right, clean and under each noise setting
of the class readings, and per class; into the card's `metrics.test` and report/report.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from denoiser.evaluation import readings
from denoiser.imaging import to_model_input
from denoiser.models.export import write_json
from denoiser.models.scoring import in_batches, noisy_copy


def accuracies(classify, clean: np.ndarray, labels: np.ndarray, seed: int) -> dict[str, dict]:
    """{setting: {"accuracy", "n"}} over the readings' settings, the noise drawn as evaluate draws it."""
    rows = {}
    for noise, level in readings.SETTINGS:
        images = clean if noise == "none" else noisy_copy(clean, noise, level, seed)
        predicted = np.argmax(in_batches(classify, images), axis=1)
        rows[readings.key(noise, level)] = {"accuracy": round(float(np.mean(predicted == labels)), 4), "n": len(labels)}
    return rows


def per_class(classify, clean: np.ndarray, labels: np.ndarray, class_names: list[str]) -> dict[str, float]:
    """Clean test accuracy of each class."""
    predicted = np.argmax(in_batches(classify, clean), axis=1)
    return {name: round(float(np.mean(predicted[labels == index] == index)), 4)
            for index, name in enumerate(class_names) if np.any(labels == index)}


def markdown(metadata: dict, test: dict) -> str:
    """report.md: the card's essentials and the two tables."""
    lines = [f"# {metadata['name']}/{metadata['version']}: reference classifier of {metadata['dataset']}", "",
             f"`{metadata['training']['command']}`: {metadata['params']:,} parameters, "
             f"{metadata['training']['n_train']:,} training images, validation accuracy "
             f"{100 * metadata['metrics']['validation']['accuracy']:.1f}%. It reads what /denoise's images show "
             "(docs/trust.md); here, the held-out test images.", "",
             "| test images | accuracy |", "| --- | --- |"]
    lines += [f"| {name.replace(':', ' ')} | {100 * row['accuracy']:.1f}% |" for name, row in test["settings"].items()]
    lines += ["", "| class | clean test accuracy |", "| --- | --- |"]
    lines += [f"| {name} | {100 * value:.1f}% |" for name, value in test["per_class"].items()]
    return "\n".join(lines) + "\n"


def evaluate_classifier(model_dir: Path, metadata: dict, images: np.ndarray, labels: np.ndarray, seed: int) -> Path:
    """Score the classifier on the test split, update its card and write its report; returns the report."""
    classify = readings.load_classifier(model_dir)
    clean = to_model_input(images)
    labels = np.asarray(labels)
    test = {"settings": accuracies(classify, clean, labels, seed),
            "per_class": per_class(classify, clean, labels, metadata["class_names"])}
    metadata.setdefault("metrics", {})["test"] = test
    write_json(model_dir / "metadata.json", metadata)
    report = model_dir / "report" / "report.md"
    report.parent.mkdir(exist_ok=True)
    report.write_text(markdown(metadata, test))
    print(f"{model_dir}: clean test accuracy {100 * test['settings']['none:0']['accuracy']:.1f}%; report {report}",
          flush=True)
    return report
