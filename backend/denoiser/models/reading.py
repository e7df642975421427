"""What an image reads as, by its dataset's classifier (models/classifier.py), and when to distrust a denoised
image's class: plain numpy on the classifier's probabilities, shared by the API and `denoiser evaluate`.

The risk score, 1 - the classifier's top probability on the denoised image, predicts a wrong denoised class
with an AUC of 0.964 / 0.909 / 0.866 at gaussian sigma 0.5 / 0.7 / 0.9 on MNIST's validation split (mnist/5
read by mnist-classifier/2; `denoiser study uncertainty`, docs/studies/uncertainty.md). Averaging the
classifier over eight re-noised passes (the uncertainty map's, uncertainty.py) gives 0.968 / 0.912 / 0.859
for eight times the denoising and reading, so the score stays the single pass and the passes stay opt-in.
"""

from __future__ import annotations

import numpy as np

UNSURE_BELOW = 0.7  # a denoised reading under this probability is "unsure" (risk above 0.3)
SURE_INPUT = 0.9  # with no clean reference, an input read at least this surely still counts as a reference


def labels_and_probabilities(probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[N, classes] -> (top class [N], its probability [N])."""
    labels = np.argmax(probabilities, axis=1)
    return labels, probabilities[np.arange(len(labels)), labels]


def risk(probabilities: np.ndarray) -> np.ndarray:
    """Per denoised image [N, classes]: how likely its class is wrong, 1 - the top probability (0 = sure)."""
    return 1.0 - np.max(probabilities, axis=1)


def changed(input_probabilities: np.ndarray, denoised_probabilities: np.ndarray,
            clean_reference: bool) -> tuple[np.ndarray, list[str | None]]:
    """Per image: whether denoising (probably) changed its class, and why: "class" when the denoised class
    differs from the input's, where the input is a clean reference (noise was added to it) or is read surely;
    "unsure" when the denoised reading itself is under UNSURE_BELOW; None when neither."""
    input_labels, input_sure = labels_and_probabilities(input_probabilities)
    denoised_labels, denoised_sure = labels_and_probabilities(denoised_probabilities)
    reference = np.full(len(input_labels), clean_reference) | (input_sure >= SURE_INPUT)
    differs = reference & (input_labels != denoised_labels)
    unsure = denoised_sure < UNSURE_BELOW
    why = ["class" if d else "unsure" if u else None for d, u in zip(differs, unsure)]
    return differs | unsure, why


def described(probabilities: np.ndarray, class_names: list[str]) -> list[dict]:
    """Per image: {label, class_name, probability} of its top class."""
    labels, sure = labels_and_probabilities(probabilities)
    return [{"label": int(label), "class_name": class_names[label], "probability": round(float(p), 4)}
            for label, p in zip(labels, sure)]
