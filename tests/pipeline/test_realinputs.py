"""Real inputs through the API's preprocessing: drawings, pens, photos, ruled paper, and sheets with no digit.

Thresholds come from measurements on training digits (never the test split): with the preprocessing
of this commit the first 12 training digits reach a mean fidelity SSIM of 0.77 (bold marker) to 0.87
(phone photo) against the original 28x28 digit; the previous preprocessing reached 0.64 on the plain
canvas (it centred the mass at 13.5 instead of MNIST's 14) and 0.41 to 0.58 on the pen kinds.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from denoiser import imaging
from denoiser.evaluation import realinputs
from denoiser.imaging import metrics, strokes
from denoiser.training import data

FIDELITY = 0.70  # mean SSIM over the digits below; measured 0.77 to 0.87, the old code 0.41 to 0.64


@pytest.fixture(scope="module")
def digits() -> np.ndarray:
    """Six training digits (uint8 [6, 28, 28])."""
    try:
        return data.load_dataset("mnist", allow_keras=False).x_train[:6]
    except data.DatasetNotFoundError:
        pytest.skip("no MNIST IDX files (see /work/shared/datasets)")


def encode(pixels: np.ndarray, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=fmt, **options)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", realinputs.KINDS)
def test_every_kind_keeps_the_digit(digits, kind):
    seen = np.stack([imaging.prepare_digit(realinputs.render(kind, digit, index)).digit
                     for index, digit in enumerate(digits)])
    for digit in seen:
        rows, cols = np.nonzero(digit)
        assert 19 <= max(rows.max() - rows.min(), cols.max() - cols.min()) + 1 <= 21
        assert np.allclose(ndimage.center_of_mass(digit.astype(float)), (14, 14), atol=1.0)
    fidelity = metrics.ssim_per_image(imaging.to_model_input(digits), imaging.to_model_input(seen))
    assert fidelity.mean() > FIDELITY, fidelity


def test_thin_pen_and_bold_marker_reach_mnist_stroke_width(digits):
    for index, digit in enumerate(digits[:3]):
        thin = imaging.prepare_digit(realinputs.render("thin_pen", digit, index))
        bold = imaging.prepare_digit(realinputs.render("bold_marker", digit, index))
        assert thin.report["stroke_px_before"] < 1.0 < bold.report["stroke_px_before"] - 2
        widths = strokes.mnist_widths(np.stack([thin.digit, bold.digit]))
        assert np.all((widths > strokes.MNIST_LOW - 0.3) & (widths < strokes.MNIST_HIGH + 0.3)), widths
        assert abs(widths[0] - widths[1]) < 1.2, widths


def test_small_digit_in_a_corner_is_not_bolder_than_the_same_digit_drawn_large(digits):
    for digit in digits[:3]:
        pen = 14.0  # the same pen for both drawings
        large = 255 - np.round(realinputs.pen_strokes(digit, 400, pen) * 255).astype(np.uint8)
        small = np.full((560, 560), 255, np.uint8)
        small[20:90, 470:540] = 255 - np.round(realinputs.pen_strokes(digit, 70, pen) * 255).astype(np.uint8)
        widths = strokes.mnist_widths(np.stack([imaging.prepare(encode(large)), imaging.prepare(encode(small))]))
        assert widths[1] <= widths[0] + 0.4, widths


def known_drawing(digit: np.ndarray, size=(2400, 1600), frame=600, at=(1500, 700)):
    """A dark digit on white paper, its 28-px frame drawn `frame` px large with its corner at `at` (x, y);
    returns (RGB pixels, the ink's expected [x, y, w, h])."""
    alpha = realinputs.smooth_strokes(digit, frame)
    rows, cols = np.nonzero(alpha > 0.5)
    width, height = size
    canvas = np.zeros((height, width), np.float32)
    canvas[at[1]:at[1] + frame, at[0]:at[0] + frame] = alpha
    pixels = np.round(255 - canvas[..., None] * np.array([225, 215, 160])).astype(np.uint8)
    box = [at[0] + cols.min(), at[1] + rows.min(), cols.max() - cols.min() + 1, rows.max() - rows.min() + 1]
    return pixels, box


def test_crop_box_is_in_the_uploaded_image_pixels(digits):
    pixels, box = known_drawing(digits[0])
    prepared = imaging.prepare_digit(encode(pixels, "JPEG", quality=90))  # decoded at 1024 px, scaled back
    assert all(isinstance(value, int) for value in prepared.crop)
    assert np.allclose(prepared.crop, box, atol=12), (prepared.crop, box)


def test_crop_box_of_an_exif_rotated_photo_is_upright(digits):
    pixels, box = known_drawing(digits[1], size=(1200, 1600), frame=500, at=(500, 900))
    stored = Image.fromarray(pixels).transpose(Image.Transpose.ROTATE_90)  # 1600 x 1200 as stored
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    prepared = imaging.prepare_digit(buffer.getvalue())
    assert np.allclose(prepared.crop, box, atol=10), (prepared.crop, box)
    upright = imaging.prepare(encode(pixels, "JPEG", quality=90))
    assert np.abs(prepared.digit.astype(int) - upright.astype(int)).mean() < 5


def test_resize_mode_crop_is_the_whole_image(digits):
    prepared = imaging.prepare_digit(encode(np.kron(digits[0], np.ones((3, 2), np.uint8))), mode="resize")
    assert prepared.crop == [0, 0, 56, 84] and prepared.report == {"mode": "resize"}


@pytest.mark.parametrize(("kind", "message"), [("blank_photo", "blank paper"), ("ruled_lines", "ruled lines"),
                                               ("specks", "specks")])
def test_sheets_without_a_digit_are_refused(kind, message):
    for seed in range(2):
        with pytest.raises(imaging.BlankImageError, match=message):
            imaging.prepare_digit(realinputs.render_empty(kind, seed))


def test_photo_report_says_what_was_done(digits):
    report = imaging.prepare_digit(realinputs.render("phone_photo", digits[0], 0)).report
    assert report["mode"] == "mnist" and report["inverted"] is True and report["background_removed"] is True
    lined = imaging.prepare_digit(realinputs.render("lined_paper", digits[0], 0)).report
    assert lined["lines_removed"] >= 5 and lined["components_kept"] >= 1


def test_benchmark_and_table(digits):
    def identity(images):
        return images

    results = realinputs.benchmark(identity, digits[:2], kinds=("canvas", "jpeg"))
    assert set(results["kinds"]) == {"canvas", "jpeg"}
    assert results["kinds"]["canvas"]["fidelity_ssim"] > FIDELITY
    assert "| canvas |" in realinputs.markdown_table(results)
