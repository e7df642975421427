"""Noisy-input benchmark: test digits whose files already carry the noise, sent with the API's default options.

A denoiser exists for images that are already noisy. Each kind renders a clean 28x28 test digit (uint8,
white on black) with noise of level `sigma` baked into the file, deterministically from a seed:

- `png28`: the noisy digit itself as a 28x28 PNG, `clip(x + sigma * N(0, 1))` (DESIGN.md's gaussian noise);
- `scan10x`: that noisy digit printed dark on light and scanned at 10x (each pixel a 10x10 block), PNG;
- `scan10x_jpeg`: the same scan as a JPEG of quality 75;
- `scan10x_cropped`: the same scan cropped tight around the digit (6 scanned pixels of paper beyond its box),
  as people crop a photo to the digit: the square the model needs runs past the image;
- `grain10x`: the clean digit scanned at 10x, then camera grain of `sigma` on every scanned pixel (PNG);
- `salt_pepper28`: a 28x28 PNG with a share `sigma` of its pixels turned black or white;
- `faint28`: a faint digit (contrast 0.3) with light gaussian noise `sigma`, 28x28 PNG.

`benchmark` runs every file through `imaging.prepare_digit` with the default options (what a
`curl -F image=@digit.png localhost:8000/denoise` does: no noise added), denoises what the model received and
scores the answer against the clean digit (PSNR, SSIM), counting refusals. A refused image counts as an
all-black answer, so refusals lower the figures as they would for a user.
"""

from __future__ import annotations

import io
import time

import numpy as np

from denoiser import imaging
from denoiser.imaging import metrics, noise, noise_level

KINDS = ("png28", "scan10x", "scan10x_jpeg", "scan10x_cropped", "grain10x", "salt_pepper28", "faint28")
LEVELS = {"png28": (0.3, 0.5), "scan10x": (0.3, 0.5), "scan10x_jpeg": (0.3, 0.5), "scan10x_cropped": (0.3, 0.5),
          "grain10x": (0.3, 0.5), "salt_pepper28": (0.1,), "faint28": (0.1,)}
CROP_MARGIN = 6  # scanned pixels of paper kept beyond the digit's box in `scan10x_cropped`
SCALE = 10  # a scan's pixels per digit pixel
FAINT_CONTRAST = 0.3


def _png(pixels: np.ndarray, fmt: str = "PNG", **options) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(imaging.to_uint8(pixels), "L").save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _scanned(image: np.ndarray) -> np.ndarray:
    """A white-on-black float image printed dark on light and scanned at SCALE x (blocks of equal pixels)."""
    return np.kron(1.0 - image, np.ones((SCALE, SCALE), np.float32))


def render(kind: str, digit: np.ndarray, sigma: float, seed: int = 0) -> bytes:
    """Encoded bytes of `digit` (uint8 28x28, white on black) as `kind` (see KINDS) with noise level `sigma`."""
    rng = np.random.default_rng(seed)
    clean = digit.astype(np.float32) / 255.0
    if kind in ("png28", "scan10x", "scan10x_jpeg", "scan10x_cropped"):
        noisy = noise.add_noise(clean, "gaussian", sigma, rng)
        if kind == "png28":
            return _png(noisy)
        if kind == "scan10x_cropped":
            rows, cols = np.nonzero(digit)
            top, left = max(0, rows.min() * SCALE - CROP_MARGIN), max(0, cols.min() * SCALE - CROP_MARGIN)
            bottom, right = (rows.max() + 1) * SCALE + CROP_MARGIN, (cols.max() + 1) * SCALE + CROP_MARGIN
            return _png(_scanned(noisy)[top:bottom, left:right])
        return _png(_scanned(noisy)) if kind == "scan10x" else _png(_scanned(noisy), "JPEG", quality=75)
    if kind == "grain10x":
        scan = _scanned(clean)
        return _png(np.clip(scan + sigma * rng.standard_normal(scan.shape, dtype=np.float32), 0, 1))
    if kind == "salt_pepper28":
        return _png(noise.add_noise(clean, "salt_pepper", sigma, rng))
    if kind == "faint28":
        faint = FAINT_CONTRAST * clean
        return _png(np.clip(faint + sigma * rng.standard_normal(faint.shape, dtype=np.float32), 0, 1))
    raise ValueError(f"unknown kind {kind!r}; choose from {', '.join(KINDS)}")


def prepare_kind(kind: str, images: np.ndarray, sigma: float, seed: int = 0) -> tuple[np.ndarray, dict]:
    """Render every image as `kind` at `sigma` and preprocess it as the API does by default:
    (float32 [N, 28, 28, 1] model inputs, stats); a refused image is an all-black input."""
    seen, estimates, refused, seconds = [], [], 0, 0.0
    for index, digit in enumerate(images):
        data = render(kind, digit, sigma, seed + index)
        started = time.perf_counter()
        try:
            prepared = imaging.prepare_digit(data)
            seen.append(prepared.digit)
            estimates.append(noise_level.model_sigma(prepared.digit.astype(np.float32) / 255))
        except imaging.BlankImageError:
            seen.append(np.zeros((28, 28), np.uint8))
            refused += 1
        seconds += time.perf_counter() - started
    stats = {"refused": refused, "ms_per_image": round(1000 * seconds / max(1, len(images)), 2),
             "noise_estimate": round(float(np.mean(estimates)), 3) if estimates else None}
    return imaging.to_model_input(np.stack(seen)), stats


def benchmark(denoise_fn, images: np.ndarray, kinds=KINDS, seed: int = 0) -> dict:
    """Score `denoise_fn` ([N, 28, 28, 1] -> same) on `images` (uint8 [N, 28, 28]) sent as each noisy kind.

    Per kind and level: `psnr` and `ssim` of the answer against the clean digit, `file_psnr` (the noisy
    28x28 file itself against the clean digit, for the 28 px kinds), `refused`, the mean `noise_estimate`
    of what the model received and `ms_per_image` (decode + preprocess)."""
    original = imaging.to_model_input(images)
    table: dict[str, dict] = {}
    for kind in kinds:
        for sigma in LEVELS[kind]:
            received, stats = prepare_kind(kind, images, sigma, seed)
            denoised = np.clip(np.asarray(denoise_fn(received), np.float32), 0, 1)
            row = {"psnr": round(float(metrics.psnr_per_image(original, denoised).mean()), 3),
                   "ssim": round(float(metrics.ssim_per_image(original, denoised).mean()), 4), **stats}
            if kind.endswith("28"):
                files = np.stack([imaging.to_model_input(_decoded(render(kind, d, sigma, seed + i)))[0]
                                  for i, d in enumerate(images)])
                row["file_psnr"] = round(float(metrics.psnr_per_image(original, files).mean()), 3)
            table[f"{kind}:{sigma:g}"] = row
    return {"images": len(images), "seed": seed, "options": "default (noise none, preprocess mnist)",
            "kinds": table}


def _decoded(data: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("L"))


def markdown_table(results: dict) -> str:
    """The benchmark as a markdown table."""
    lines = ["| file | PSNR (dB) | SSIM | the file's own PSNR | refused | noise estimate | ms/image |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, row in results["kinds"].items():
        own = f"{row['file_psnr']:.2f}" if "file_psnr" in row else ""
        estimate = "" if row["noise_estimate"] is None else f"{row['noise_estimate']:.3f}"
        lines.append(f"| {name} | {row['psnr']:.2f} | {row['ssim']:.3f} | {own} | {row['refused']} | {estimate} "
                     f"| {row['ms_per_image']} |")
    return "\n".join(lines)


def examples(denoise_fn, digit: np.ndarray, seed: int = 0) -> dict:
    """For the figure: per kind at its highest level (the file as sent, the 28x28 the model received, the output)."""
    from PIL import Image

    shown = {}
    for kind in KINDS:
        sigma = LEVELS[kind][-1]
        data = render(kind, digit, sigma, seed)
        sent = np.asarray(Image.open(io.BytesIO(data)).convert("RGB").resize((160, 160), Image.Resampling.NEAREST))
        received = imaging.to_model_input(imaging.prepare_digit(data).digit)
        denoised = np.asarray(denoise_fn(received), np.float32)[0, ..., 0]
        shown[f"{kind} {sigma:g}"] = (sent, received[0, ..., 0], denoised)
    return shown


# The noisy examples the UI's gallery offers and the README's curl lines send (frontend/public/examples/):
# test digits of the official MNIST test set, by index, with their noise baked in.
EXAMPLES = {
    "noisy-digit.png": (0, "png28", 0.5),
    "noisy-scan.jpg": (1, "scan10x_jpeg", 0.4),
    "grainy-scan.png": (2, "grain10x", 0.4),
    "low-light-photo.jpg": (3, "low_light", 0.12),
}


def low_light_photo(digit: np.ndarray, sigma: float, seed: int = 0) -> bytes:
    """Dark ink on paper photographed in poor light: a dim sheet (about 30% grey) lit from one side, colour
    sensor noise of `sigma` per pixel, JPEG 85; 640 x 480."""
    from PIL import Image

    from denoiser.evaluation import realinputs

    rng = np.random.default_rng(seed)
    height, width, box = 480, 640, 300
    alpha = np.zeros((height, width), np.float32)
    alpha[90:90 + box, 170:170 + box] = realinputs.smooth_strokes(digit, box)
    xs = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    light = 0.22 + 0.14 * xs  # the lamp is on the right
    paper = np.array([0.95, 0.92, 0.85], np.float32) * light[..., None]
    ink = np.array([0.12, 0.12, 0.16], np.float32) * light[..., None]
    pixels = paper * (1 - alpha[..., None]) + ink * alpha[..., None]
    pixels = pixels + sigma * rng.standard_normal(pixels.shape, dtype=np.float32)
    buffer = io.BytesIO()
    Image.fromarray(np.round(np.clip(pixels, 0, 1) * 255).astype(np.uint8), "RGB").save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def write_examples(folder, images: np.ndarray) -> list:
    """Write EXAMPLES into `folder` from the test digits `images` (uint8 [N, 28, 28]); returns the paths."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (index, kind, sigma) in EXAMPLES.items():
        data = (low_light_photo(images[index], sigma, index) if kind == "low_light"
                else render(kind, images[index], sigma, index))
        (folder / name).write_bytes(data)
        written.append(folder / name)
    return written
