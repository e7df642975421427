"""What the reading and the uncertainty map add to a /denoise request (`make bench`'s last lines).

Both run in the worker's thread after the model (readers.py, models/uncertainty.py), single-threaded through
TFLite, so their CPU time is what they add to a request's server CPU: each is called here, in-process, as
/denoise calls it for one image, and timed with `time.process_time` (this process's CPU, every thread).
"""

from __future__ import annotations

import time
from pathlib import Path

from denoiser import imaging
from denoiser.imaging import noise
from denoiser.models import uncertainty
from denoiser.serving.readers import load_readers

TARGET_MS = 1.0  # issue 33: the reading may add at most 1 ms of server CPU to a /denoise request


def cpu_ms(call, repeats: int, warmup: int = 10) -> float:
    """Median-free mean CPU milliseconds per call (CPU time is summed, not sampled per call)."""
    for _ in range(warmup):
        call()
    started = time.process_time()
    for _ in range(repeats):
        call()
    return (time.process_time() - started) * 1000 / repeats


def trust_costs(model_dir: Path, model, image: bytes, repeats: int = 300) -> dict | None:
    """CPU ms per one-image request of the reading (no noise added: input and denoised; noise added: the
    noisy image too) and of the opt-in uncertainty map; None when the model's dataset has no classifier."""
    reader = load_readers(model_dir).get(model.dataset)
    if reader is None:
        return None
    clean = imaging.to_model_input(imaging.prepare_digit(image).digit)
    noisy = noise.add_noise(clean, "gaussian", 0.5, 0)
    denoised = model.denoise(noisy)
    return {
        "classifier": f"{reader.name}/{reader.version}",
        "runtime": "tflite" if reader.lite is not None else "savedmodel",
        "reading_ms": cpu_ms(lambda: reader.read(clean, None, denoised, False), repeats),
        "reading_noised_ms": cpu_ms(lambda: reader.read(clean, noisy, denoised, True), repeats),
        "uncertainty_ms": cpu_ms(lambda: uncertainty.spread(model.denoise, noisy, 0), max(repeats // 10, 10)),
        "model_ms": cpu_ms(lambda: model.denoise(noisy), repeats),
    }


def trust_report_lines(costs: dict | None) -> list[str]:
    """The reading's and the map's CPU per request against the 1 ms target."""
    if costs is None:
        return ["reading: no classifier of this model's dataset is served"]
    worst = max(costs["reading_ms"], costs["reading_noised_ms"])
    return [f"reading ({costs['classifier']}, {costs['runtime']}): {costs['reading_ms']:.2f} ms CPU per request "
            f"as sent, {costs['reading_noised_ms']:.2f} ms with noise added (3 images) (target <= {TARGET_MS:.0f} ms: "
            f"{'met' if worst <= TARGET_MS else 'NOT met'}); uncertainty map (opt-in, {uncertainty.PASSES} passes): "
            f"{costs['uncertainty_ms']:.2f} ms; the model call itself {costs['model_ms']:.2f} ms"]
