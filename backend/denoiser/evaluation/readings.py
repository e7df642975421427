"""Does the class survive denoising? The dataset's reference classifier (models/classifier.py) reads the clean,
noisy and denoised test images at a few noise settings (`denoiser evaluate`, card `metrics["reading"]`).

Per setting: the classifier's accuracy on clean, noisy and denoised images against the true labels; the changed
rate, DESIGN.md's "class kept" turned around: the share of test images read right when clean whose denoised
image reads as another class; and the AUC with which the risk score (`reading.risk`, 1 - the top probability
on the denoised image, what /denoise answers) predicts a denoised image read as a wrong class (not its label).
Noise comes from `scoring.noisy_copy` with the evaluation's seed: the very draws of the card's `metrics["test"]`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from denoiser.models import reading
from denoiser.models.scoring import Denoise, in_batches, noisy_copy
from denoiser.models.store import discover

SETTINGS = (("none", 0.0), ("gaussian", 0.3), ("gaussian", 0.5), ("gaussian", 0.7), ("gaussian", 0.9),
            ("salt_pepper", 0.2), ("speckle", 0.5))
TITLE = "Does the class survive?"

Classify = Callable[[np.ndarray], np.ndarray]  # images [N, 28, 28, 1] -> probabilities [N, classes]


def key(noise: str, level: float) -> str:
    """The setting's key, as the card's metrics["test"] spells it ("gaussian:0.7", "none:0")."""
    return f"{noise}:{level:g}"


def settings_of(section: dict) -> dict[str, dict]:
    """The per-setting entries of a card's metrics["reading"] (without its "classifier" entry)."""
    return {name: value for name, value in section.items() if isinstance(value, dict)}


def classifier_for(model_dir: str | Path, dataset: str) -> Path | None:
    """The served classifier of `dataset` beside a model version directory: the highest version of
    `<models>/<dataset>-classifier/`, where `<models>` is `model_dir`'s grandparent; None when there is none."""
    from denoiser.models.classifier import name_for  # Keras: only when a model is evaluated

    root = Path(model_dir).absolute().parent.parent
    versions = discover(root, kind="classifier").get(name_for(dataset))
    return root / name_for(dataset) / str(versions[-1]) if versions else None


def load_classifier(path: str | Path) -> Classify:
    """A classifier SavedModel's `classify` signature as numpy -> numpy probabilities."""
    import tensorflow as tf

    loaded = tf.saved_model.load(str(path))
    signature = loaded.signatures["classify"]

    def classify(images: np.ndarray) -> np.ndarray:
        return signature(images=tf.constant(images, tf.float32))["probabilities"].numpy()

    classify.loaded = loaded  # keeps the loaded object, and so its variables, alive
    return classify


def risk_auc(wrong: np.ndarray, risks: np.ndarray) -> float | None:
    """ROC AUC of `risks` for predicting `wrong` (bool per image); None when only one outcome occurs."""
    from sklearn.metrics import roc_auc_score

    wrong = np.asarray(wrong, bool)
    if wrong.all() or not wrong.any():
        return None
    return round(float(roc_auc_score(wrong, risks)), 4)


def read_setting(denoise: Denoise, classify: Classify, clean: np.ndarray, labels: np.ndarray,
                 clean_probabilities: np.ndarray, noise: str, level: float, seed: int) -> dict:
    """One setting's entry: accuracy of clean / noisy / denoised readings, changed rate, risk AUC, images."""
    noisy = noisy_copy(clean, noise, level, seed)
    denoised = in_batches(denoise, noisy)
    clean_labels = np.argmax(clean_probabilities, axis=1)
    noisy_labels = np.argmax(in_batches(classify, noisy), axis=1)
    denoised_probabilities = in_batches(classify, denoised)
    denoised_labels = np.argmax(denoised_probabilities, axis=1)
    read_right = clean_labels == labels
    changed = float(np.mean(denoised_labels[read_right] != clean_labels[read_right])) if read_right.any() else None
    return {"accuracy": {"clean": round(float(np.mean(read_right)), 4),
                         "noisy": round(float(np.mean(noisy_labels == labels)), 4),
                         "denoised": round(float(np.mean(denoised_labels == labels)), 4)},
            "changed": None if changed is None else round(changed, 4),
            "risk_auc": risk_auc(denoised_labels != labels, reading.risk(denoised_probabilities)),
            "n": len(clean)}


def read_all(denoise: Denoise, classify: Classify, clean: np.ndarray, labels: np.ndarray, seed: int,
             settings=SETTINGS) -> dict[str, dict]:
    """{setting key: read_setting(...)} for every setting, the clean images classified once."""
    from tqdm import tqdm

    labels = np.asarray(labels)
    clean_probabilities = in_batches(classify, clean)
    return {key(noise, level): read_setting(denoise, classify, clean, labels, clean_probabilities, noise, level, seed)
            for noise, level in tqdm(settings, desc="reading", unit="setting")}


def evaluate(model_dir: str | Path, denoise: Denoise, dataset: str | None, clean: np.ndarray,
             labels: np.ndarray | None, seed: int) -> dict | None:
    """The card's metrics["reading"]: {"classifier": "<name>/<version>", <setting>: {...}, ...} with the
    served classifier of `dataset` (None: your own images, which no classifier knows), or None (and a printed
    note saying why) when there is none or the test split has no labels."""
    if dataset is None:
        print("reading: a model of your own images has no reference classifier; the class-survival section is "
              "skipped", flush=True)
        return None
    path = classifier_for(model_dir, dataset)
    if path is None:
        print(f"reading: no {dataset}-classifier beside {model_dir} (train one: denoiser train-classifier "
              f"--dataset {dataset}); the class-survival section is skipped", flush=True)
        return None
    if labels is None or len(labels) != len(clean):
        print(f"reading: the {dataset} test split has no labels; the class-survival section is skipped", flush=True)
        return None
    print(f"reading: {len(clean)} test images with {path.parent.name}/{path.name}", flush=True)
    return {"classifier": f"{path.parent.name}/{path.name}",
            **read_all(denoise, load_classifier(path), clean, labels, seed)}


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def markdown(section: dict, dataset: str) -> list[str]:
    """The report's section "Does the class survive?" for a card's metrics["reading"]."""
    per_setting = settings_of(section)
    count = max((entry["n"] for entry in per_setting.values()), default=0)
    lines = [f"## {TITLE}", "",
             f"The {dataset} reference classifier `{section.get('classifier', '?')}` (trained on the training split "
             f"without its validation images) reads {count:,} test images clean, with noise and after denoising "
             "(noise drawn with the same seed as the table above). Accuracy: against the true labels. Changed: the "
             "share of images read right when clean whose denoised image reads as another class, the denoiser's "
             "hallucinations. Risk AUC: how well the risk score /denoise answers (1 - the top probability on "
             "the denoised image) ranks the denoised images read as a wrong class above the rest (0.5: no "
             "better than chance).", "",
             "| noise | accuracy clean | accuracy noisy | **accuracy denoised** | **changed** | risk AUC | images |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, entry in per_setting.items():
        accuracy = entry["accuracy"]
        auc = "-" if entry.get("risk_auc") is None else f"{entry['risk_auc']:.3f}"
        lines.append(f"| {name.replace(':', ' ')} | {_percent(accuracy['clean'])} | {_percent(accuracy['noisy'])} | "
                     f"**{_percent(accuracy['denoised'])}** | **{_percent(entry.get('changed'))}** | {auc} | "
                     f"{entry['n']:,} |")
    return lines + [""]
