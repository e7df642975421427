"""Real-input benchmark: test digits handed over the way people hand them over, through the API's path.

Each kind renders a 28x28 digit (uint8, white on black) as encoded image bytes, deterministically from a
seed: a drawing-pad export, a transparent canvas, a hairline pen, a fat marker, a small digit in a corner,
a phone photo (grey paper, uneven light, a shadow, noise, EXIF-rotated JPEG), notebook paper with ruled
lines, and a low-quality JPEG. `benchmark` runs them through `imaging.prepare_digit` (exactly what
POST /denoise does) and scores the 28x28 input the model sees (fidelity: SSIM against the original digit)
and the model's output (outcome: PSNR of the denoised image against the original, gaussian noise 0.5).
"""

from __future__ import annotations

import io
import time

import numpy as np

from denoiser import imaging
from denoiser.imaging import metrics, noise

KINDS = ("canvas", "transparent_canvas", "thin_pen", "bold_marker", "small_corner", "phone_photo",
         "lined_paper", "jpeg")
NOISE_LEVEL = 0.5


def _encode(image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _resize(pixels: np.ndarray, size: int) -> np.ndarray:
    from PIL import Image

    resized = Image.fromarray(pixels.astype(np.float32), "F").resize((size, size), Image.Resampling.BICUBIC)
    return np.clip(np.asarray(resized, np.float32), 0, 1)


def smooth_strokes(digit: np.ndarray, size: int) -> np.ndarray:
    """The digit upscaled to size x size as crisp anti-aliased strokes of its own width (alpha in [0, 1])."""
    alpha = _resize(np.asarray(digit, np.float32) / 255.0, size)
    return np.clip((alpha - 0.3) / 0.3, 0, 1)


def pen_strokes(digit: np.ndarray, size: int, pen_px: float) -> np.ndarray:
    """The digit's centre line (skeleton) redrawn with a round pen `pen_px` wide on size x size (alpha)."""
    from scipy import ndimage
    from skimage.morphology import skeletonize

    fine = 2 * size  # draw at twice the size, then average down: anti-aliased edges
    skeleton = skeletonize(_resize(np.asarray(digit, np.float32) / 255.0, fine) > 0.45)
    distance = ndimage.distance_transform_edt(~skeleton)
    alpha = np.clip(pen_px + 0.5 - distance, 0, 1)  # radius pen_px / 2 at twice the size
    return alpha.reshape(size, 2, size, 2).mean(axis=(1, 3)).astype(np.float32)


def marker_strokes(digit: np.ndarray, size: int, grow_px: float) -> np.ndarray:
    """The digit's own strokes (as `smooth_strokes`) traced with a fatter pen: each side grown by `grow_px`."""
    from scipy import ndimage

    inside = smooth_strokes(digit, 2 * size) > 0.5  # at twice the size, then averaged down: anti-aliased
    distance = ndimage.distance_transform_edt(~inside)
    alpha = np.clip(2 * grow_px + 0.5 - distance, 0, 1)
    return alpha.reshape(size, 2, size, 2).mean(axis=(1, 3)).astype(np.float32)


def _paste(alpha: np.ndarray, height: int, width: int, top: int, left: int) -> np.ndarray:
    canvas = np.zeros((height, width), np.float32)
    canvas[top:top + alpha.shape[0], left:left + alpha.shape[1]] = alpha
    return canvas


def _ink_on(alpha: np.ndarray, paper, ink) -> np.ndarray:
    """RGB uint8: `ink` colour over `paper` (a colour or an [H, W, 3] float image) with coverage `alpha`."""
    a = alpha[..., None]
    return np.clip(np.asarray(paper, np.float32) * (1 - a) + np.asarray(ink, np.float32) * a, 0, 255)


def _rgb(pixels: np.ndarray):
    from PIL import Image

    return Image.fromarray(np.round(pixels).astype(np.uint8), "RGB")


def phone_photo(digit: np.ndarray, seed: int = 0, width: int = 1200, height: int = 900) -> bytes:
    """Dark blue-black ink on cream paper, light falling off across the sheet, a soft corner shadow, sensor
    noise, JPEG 85, stored rotated with EXIF orientation 6 (as phones do); upright `width` x `height`."""
    return _photo(digit, np.random.default_rng(seed), width, height)


def _photo(digit: np.ndarray, rng: np.random.Generator, width: int = 1200, height: int = 900) -> bytes:
    from PIL import Image
    from scipy import ndimage

    unit = height / 900
    box = int(rng.integers(300, 420) * unit)
    alpha = _paste(smooth_strokes(digit, box), height, width, int(rng.integers(120 * unit, height - box - 60 * unit)),
                   int(rng.integers(250 * unit, width - box - 250 * unit)))
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    light = 0.78 + 0.2 * ((xs / width - 0.5) * np.cos(angle) + (ys / height - 0.5) * np.sin(angle))
    shadow = np.zeros((height, width), np.float32)
    shadow[: int(height * 0.35), : int(width * 0.3)] = 1.0  # the phone's shadow in the top-left corner
    shadow = ndimage.gaussian_filter(shadow[::4, ::4], 12 * unit)
    shadow = np.asarray(Image.fromarray(shadow, "F").resize((width, height), Image.Resampling.BILINEAR))
    light = light * (1 - 0.45 * shadow)
    paper = np.array([222, 214, 196], np.float32) * rng.uniform(0.9, 1.0)
    pixels = _ink_on(alpha, paper, (35, 40, 80)) * light[..., None]
    pixels += rng.standard_normal(pixels.shape, np.float32) * 4
    stored = _rgb(pixels).transpose(Image.Transpose.ROTATE_90)  # pixels stored turned, EXIF turns them back
    exif = Image.Exif()
    exif[0x0112] = 6
    return _encode(stored, "JPEG", quality=85, exif=exif.tobytes())


def _lined(digit: np.ndarray, rng: np.random.Generator) -> bytes:
    """Notebook paper: blue ruled lines across the sheet, a red margin line, the digit written over them."""
    size, box = 840, 420
    spacing = int(rng.integers(48, 64))
    paper = np.full((size, size, 3), (250, 249, 244), np.float32)
    for row in range(int(rng.integers(20, 40)), size, spacing):
        paper[row:row + 2] = (140, 170, 225)
    margin = int(rng.integers(90, 120))
    paper[:, margin:margin + 2] = (225, 90, 90)
    alpha = _paste(smooth_strokes(digit, box), size, size, int(rng.integers(100, 300)), int(rng.integers(200, 380)))
    pixels = _ink_on(alpha, paper, (25, 25, 40)) + rng.normal(0, 2, paper.shape)
    return _encode(_rgb(pixels), "JPEG", quality=90)


def render(kind: str, digit: np.ndarray, seed: int = 0) -> bytes:
    """Encoded bytes of `digit` (uint8 28x28, white on black) handed over as `kind` (see KINDS)."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    dark = (20, 20, 20)
    if kind in ("canvas", "jpeg"):
        pixels = _ink_on(smooth_strokes(digit, 280), (255, 255, 255), dark)
        return _encode(_rgb(pixels), "PNG") if kind == "canvas" else _encode(_rgb(pixels), "JPEG", quality=30)
    if kind == "transparent_canvas":
        alpha = np.round(smooth_strokes(digit, 280) * 255).astype(np.uint8)
        rgba = np.dstack([np.full((280, 280, 3), 20, np.uint8), alpha])
        return _encode(Image.fromarray(rgba, "RGBA"), "PNG")
    if kind == "thin_pen":  # the thinnest brush on a large canvas: 2 px strokes, a few pixels of 28
        return _encode(_rgb(_ink_on(pen_strokes(digit, 560, 2.0), (255, 255, 255), dark)), "PNG")
    if kind == "bold_marker":  # strokes 2.4 px of 28 wider each: about twice MNIST's typical width
        return _encode(_rgb(_ink_on(marker_strokes(digit, 280, 12.0), (255, 255, 255), dark)), "PNG")
    if kind == "small_corner":  # a 70 px digit frame in a corner of a 560 px canvas, drawn with a 5 px wider pen
        alpha = _paste(marker_strokes(digit, 70, 2.5), 560, 560, int(rng.integers(10, 40)), int(rng.integers(10, 40)))
        return _encode(_rgb(_ink_on(alpha, (255, 255, 255), dark)), "PNG")
    if kind == "phone_photo":
        return _photo(digit, rng)
    if kind == "lined_paper":
        return _lined(digit, rng)
    raise ValueError(f"unknown kind {kind!r}; choose from {', '.join(KINDS)}")


EMPTY_KINDS = ("blank_photo", "ruled_lines", "specks")


def render_empty(kind: str, seed: int = 0) -> bytes:
    """Encoded bytes of a sheet without a digit: `blank_photo` (paper under uneven light with a shadow, as
    `phone_photo`), `ruled_lines` (notebook paper, as `lined_paper`) or `specks` (dust on white paper)."""
    rng = np.random.default_rng(seed)
    nothing = np.zeros((28, 28), np.uint8)
    if kind == "blank_photo":
        return _photo(nothing, rng)
    if kind == "ruled_lines":
        return _lined(nothing, rng)
    if kind == "specks":
        paper = np.full((600, 800, 3), 250, np.float32)
        for _ in range(40):
            y, x, r = int(rng.integers(0, 597)), int(rng.integers(0, 797)), int(rng.integers(1, 4))
            paper[y:y + r, x:x + r] = 60
        return _encode(_rgb(paper), "PNG")
    raise ValueError(f"unknown kind {kind!r}; choose from {', '.join(EMPTY_KINDS)}")


def prepare_kind(kind: str, images: np.ndarray, seed: int = 0) -> tuple[np.ndarray, list[bytes], dict]:
    """Render every image as `kind` and preprocess it as the API does: (uint8 [N, 28, 28], renders, stats).

    An image the preprocessing refuses counts as an all-black input (and in `stats["refused"]`).
    """
    seen, renders, refused, seconds, widths = [], [], 0, 0.0, []
    for index, digit in enumerate(images):
        data = render(kind, digit, seed + index)
        renders.append(data)
        started = time.perf_counter()
        try:
            prepared = imaging.prepare_digit(data)
            seen.append(prepared.digit)
            widths.append(prepared.report.get("stroke_px_after", 0.0))
        except imaging.BlankImageError:
            seen.append(np.zeros((28, 28), np.uint8))
            refused += 1
        seconds += time.perf_counter() - started
    stats = {"refused": refused, "ms_per_image": round(1000 * seconds / max(1, len(images)), 2),
             "stroke_px": round(float(np.mean(widths)), 3) if widths else None}
    return np.stack(seen), renders, stats


def benchmark(denoise_fn, images: np.ndarray, kinds=KINDS, seed: int = 0) -> dict:
    """Score `denoise_fn` ([N, 28, 28, 1] -> same) on `images` (uint8 [N, 28, 28]) handed over as each kind.

    Per kind: `fidelity_ssim` (mean SSIM of the preprocessed 28x28 input against the original digit),
    `outcome_psnr` (mean PSNR of the denoised input, gaussian noise 0.5 drawn with `seed`, against the
    original digit), `refused`, `ms_per_image` (decode + preprocess) and the mean `stroke_px` after it.
    """
    original = imaging.to_model_input(images)
    table = {}
    for kind in kinds:
        seen, _, stats = prepare_kind(kind, images, seed)
        clean = imaging.to_model_input(seen)
        noisy = noise.add_noise(clean, "gaussian", NOISE_LEVEL, np.random.default_rng(seed))
        denoised = np.asarray(denoise_fn(noisy), np.float32)
        table[kind] = {"fidelity_ssim": round(float(metrics.ssim_per_image(original, clean).mean()), 4),
                       "outcome_psnr": round(float(metrics.psnr_per_image(original, denoised).mean()), 3),
                       **stats}
    return {"images": len(images), "seed": seed, "noise": f"gaussian:{NOISE_LEVEL:g}", "kinds": table}


def markdown_table(results: dict) -> str:
    """The benchmark as a markdown table, each kind's gap to `canvas` beside its scores."""
    kinds = results["kinds"]
    reference = kinds.get("canvas")
    lines = ["| kind | fidelity SSIM | Δ vs canvas | outcome PSNR (dB) | Δ vs canvas | refused | stroke px "
             "| ms/image |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for kind, row in kinds.items():
        ssim_gap = f"{row['fidelity_ssim'] - reference['fidelity_ssim']:+.3f}" if reference else ""
        psnr_gap = f"{row['outcome_psnr'] - reference['outcome_psnr']:+.2f}" if reference else ""
        lines.append(f"| {kind} | {row['fidelity_ssim']:.3f} | {ssim_gap} | {row['outcome_psnr']:.2f} | "
                     f"{psnr_gap} | {row['refused']} | {row['stroke_px']} | {row['ms_per_image']} |")
    return "\n".join(lines)


def examples(denoise_fn, digit: np.ndarray, kinds=KINDS, seed: int = 0) -> dict:
    """For the figure: per kind (the render as the person sees it, the 28x28 the model saw, the denoised one)."""
    from PIL import Image, ImageOps

    shown = {}
    for kind in kinds:
        data = render(kind, digit, seed)
        picture = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGBA")
        picture.thumbnail((160, 160))
        flat = Image.new("RGBA", picture.size, (200, 200, 200, 255))  # transparency shows as grey
        seen = imaging.to_model_input(imaging.prepare_digit(data).digit)
        noisy = noise.add_noise(seen, "gaussian", NOISE_LEVEL, np.random.default_rng(seed))
        shown[kind] = (np.asarray(Image.alpha_composite(flat, picture).convert("RGB")), seen[0, ..., 0],
                       np.asarray(denoise_fn(noisy), np.float32)[0, ..., 0])
    return shown


def figure(shown: dict, path, title: str | None = None) -> None:
    """report/real_inputs.png: one column per kind, rows: the upload, the 28x28 the model saw, the output."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(shown)
    fig, axes = plt.subplots(3, len(kinds), figsize=(len(kinds) * 1.45, 4.6), squeeze=False)
    for column, kind in enumerate(kinds):
        for row, (image, label) in enumerate(zip(shown[kind], ("upload", "model input", "denoised"))):
            axis = axes[row, column]
            axis.imshow(image, cmap=None if image.ndim == 3 else "gray", vmin=0, vmax=1 if image.ndim == 2 else None,
                        interpolation="nearest" if image.ndim == 2 else "antialiased")
            axis.set_xticks([])
            axis.set_yticks([])
            if column == 0:
                axis.set_ylabel(label, fontsize=9)
        axes[0, column].set_title(kind.replace("_", " "), fontsize=8)
    fig.suptitle(title or "Real inputs: what was handed over, what the model saw, its output "
                 f"(gaussian {NOISE_LEVEL:g})")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
