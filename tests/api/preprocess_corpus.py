"""A fixed corpus of uploads and the preprocessing's recorded answer to each, so that a change to
preprocessing cannot quietly change what the model sees (tests/api/test_preprocess_answers.py).

The corpus: the 20 gallery digits of models/mnist/5 as 28x28 PNGs (as sent, inverted, and in `resize`
mode), rendered as every real-input kind of denoiser.evaluation.realinputs (drawing pad, transparent canvas, thin
pen, bold marker, small corner, phone photo, lined paper, JPEG), and the sheets without a digit.
Regenerate the recorded answers only when a change to preprocessing is meant to change them:
`.venv/bin/python tests/api/preprocess_corpus.py --write`.
"""

from __future__ import annotations

import base64
import io
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from denoiser import imaging
from denoiser.evaluation import realinputs

ROOT = Path(__file__).resolve().parents[2]
GALLERY = ROOT / "models" / "mnist" / "5" / "examples.json"
RECORDED = Path(__file__).resolve().parent / "golden" / "preprocess_answers.json"


def _png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels, "L").save(buffer, format="PNG")
    return buffer.getvalue()


def gallery_digits() -> list[np.ndarray]:
    """The 20 gallery test digits, uint8 [28, 28] white on black."""
    examples = json.loads(GALLERY.read_text())["examples"]
    return [np.asarray(Image.open(io.BytesIO(base64.b64decode(e["image"].split(",", 1)[1]))).convert("L"))
            for e in examples]


def cases() -> list[tuple[str, bytes, str]]:
    """(name, encoded upload, preprocess mode) for every case of the corpus."""
    found = []
    for index, digit in enumerate(gallery_digits()):
        found.append((f"mnist28/{index}", _png(digit), "mnist"))
        found.append((f"inverted28/{index}", _png(255 - digit), "mnist"))
        found.append((f"resize28/{index}", _png(digit), "resize"))
        for kind in realinputs.KINDS:
            found.append((f"{kind}/{index}", realinputs.render(kind, digit, index), "mnist"))
    for kind in realinputs.EMPTY_KINDS:
        for seed in range(2):
            found.append((f"{kind}/{seed}", realinputs.render_empty(kind, seed), "mnist"))
    return found


def answer(data: bytes, mode: str) -> dict:
    """What preprocessing makes of one upload: the digit's hash, crop and report, or the refusal."""
    try:
        prepared = imaging.prepare_digit(data, mode)
    except imaging.BlankImageError as error:
        return {"refused": str(error)}
    report = json.loads(json.dumps(prepared.report, default=lambda value: value.item()))
    return {"digit": base64.b64encode(prepared.digit.tobytes()).decode("ascii"), "crop": prepared.crop,
            "inverted": report.get("inverted")}


def digit_of(recorded: dict) -> np.ndarray:
    """The recorded uint8 [28, 28] digit of one answer."""
    return np.frombuffer(base64.b64decode(recorded["digit"]), np.uint8).reshape(28, 28)


def record() -> dict:
    """Every case's answer, by name."""
    return {name: answer(data, mode) for name, data, mode in cases()}


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        raise SystemExit(__doc__)
    RECORDED.parent.mkdir(exist_ok=True)
    RECORDED.write_text(json.dumps(record(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {RECORDED}")
