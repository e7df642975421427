"""`denoiser bench --preprocess`: decode and MNIST preprocessing of what people send, in-process.

A 28x28 MNIST PNG (what curl users send), the app's 280x280 drawing-pad PNG and a synthetic 12 MP phone
photo, each decoded and preprocessed as the API does on bytes its cache has not seen; medians and 95th
percentiles in ms.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from benchmarks.latency import default_image, summarise
from denoiser import imaging


def sample_digit() -> np.ndarray:
    """A hand-drawn-looking 28x28 "3" (uint8, white on black) that needs no dataset."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (280, 280), 0)
    draw = ImageDraw.Draw(image)
    draw.arc((70, 40, 200, 140), 200, 90, fill=255, width=24)
    draw.arc((60, 120, 210, 250), 270, 160, fill=255, width=24)
    return np.asarray(image.resize((28, 28), Image.Resampling.LANCZOS))


def preprocess_inputs(model_path: Path) -> dict[str, bytes]:
    """What people send, by name: a 28x28 MNIST PNG (the gallery's first digit, what curl users send), the
    app's 280x280 drawing-pad PNG, and a synthetic 12 MP phone photo (4000x3000 JPEG 85, EXIF-rotated, grey
    paper, uneven light, a shadow, noise)."""
    from denoiser.evaluation import realinputs

    return {"28x28 MNIST PNG": default_image(model_path),
            "280x280 drawing-pad PNG": realinputs.render("canvas", sample_digit()),
            "12 MP phone photo (JPEG)": realinputs.phone_photo(sample_digit(), seed=0, width=4000, height=3000)}


def preprocess_timing(inputs: dict[str, bytes], repeats: int = 40, warmup: int = 3) -> dict:
    """Decode and MNIST preprocessing of each input, timed separately in this process (one thread, no
    cache); medians and 95th percentiles in ms."""
    rows = []
    for name, data in inputs.items():
        decode, prepare = [], []
        for index in range(warmup + repeats):
            started = time.perf_counter()
            image, size = imaging.open_image_sized(data)
            decoded = time.perf_counter()
            imaging.prepare_image(image, size)
            if index >= warmup:
                decode.append((decoded - started) * 1000)
                prepare.append((time.perf_counter() - decoded) * 1000)
        total = [a + b for a, b in zip(decode, prepare)]
        rows.append({"input": name, "image_bytes": len(data), "size": list(size), "working_size": list(image.size),
                     "decode": summarise(decode), "preprocess": summarise(prepare), "total": summarise(total)})
    return {"inputs": rows, "cpus": os.cpu_count(), "load_average": os.getloadavg()[0]}


def preprocess_report(results: dict) -> str:
    """The preprocessing timings as a small text table, one row per input."""
    lines = [f"decode + MNIST preprocessing, in-process, one thread; {results['cpus']} CPUs, "
             f"load average {results['load_average']:.1f}",
             f"{'input':<26}{'bytes':>10}{'worked at':>11}{'decode ms':>11}{'preprocess ms':>15}{'total ms':>10}"]
    for row in results["inputs"]:
        width, height = row["working_size"]
        lines.append(f"{row['input']:<26}{row['image_bytes']:>10,}{f'{width}x{height}':>11}"
                     f"{row['decode']['median']:>11.2f}{row['preprocess']['median']:>15.2f}"
                     f"{row['total']['median']:>10.2f}")
    lines.append("(medians; decode + preprocess = what a request's bytes cost before the model when the "
                 "preprocessing cache has not seen them)")
    return "\n".join(lines)
