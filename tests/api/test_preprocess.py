"""denoiser.imaging on real drawings made with Pillow: MNIST form, formats, EXIF, transparency, limits."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw
from scipy import ndimage

from denoiser import imaging


def assert_mnist_form(digit: np.ndarray) -> None:
    """Centred white-on-black digit: centre of mass near the middle, ink within 20x20, black border."""
    assert digit.shape == (28, 28) and digit.dtype == np.uint8
    rows, cols = np.nonzero(digit > 0)
    assert rows.max() - rows.min() < 21 and cols.max() - cols.min() < 21
    assert max(rows.max() - rows.min(), cols.max() - cols.min()) >= 19  # fitted to 20 px
    centre = ndimage.center_of_mass(digit.astype(float))
    assert np.allclose(centre, (13.5, 13.5), atol=1.0), centre
    assert digit.max() == 255
    assert np.median(digit) == 0
    assert digit[:2].max() == 0 and digit[-2:].max() == 0 or digit[:, :2].max() == digit[:, -2:].max() == 0


def test_dark_on_light_off_centre_drawing(images):
    digit = imaging.prepare(images.encode(images.draw_digit()))
    assert_mnist_form(digit)


def test_light_on_dark_drawing_is_not_inverted(images):
    drawing = images.draw_digit(size=(300, 300), centre=(80, 90), ink=255, paper=0)
    digit = imaging.prepare(images.encode(drawing))
    assert_mnist_form(digit)
    dark = imaging.prepare(images.encode(images.draw_digit(size=(300, 300), centre=(80, 90))))
    assert np.abs(digit.astype(int) - dark.astype(int)).mean() < 3


def test_transparent_canvas_with_dark_strokes(images):
    canvas = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).line([(60, 40), (200, 40), (120, 250)], fill=(20, 20, 20, 255), width=16)
    digit = imaging.prepare(images.encode(canvas))
    assert_mnist_form(digit)
    flat = Image.new("L", (280, 280), 255)
    ImageDraw.Draw(flat).line([(60, 40), (200, 40), (120, 250)], fill=20, width=16)
    assert np.abs(digit.astype(int) - imaging.prepare(images.encode(flat)).astype(int)).mean() < 3


def test_transparent_canvas_with_light_strokes(images):
    canvas = Image.new("LA", (200, 200), (255, 0))
    ImageDraw.Draw(canvas).line([(50, 30), (150, 30), (90, 180)], fill=(255, 255), width=12)
    assert_mnist_form(imaging.prepare(images.encode(canvas)))


def test_colour_jpeg_photo_like(images):
    drawing = images.draw_digit(mode="RGB", ink=(30, 30, 160), paper=(235, 230, 220))
    assert_mnist_form(imaging.prepare(images.encode(drawing, "JPEG", quality=85)))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "BMP", "WEBP", "GIF"])
def test_formats_decode_to_the_same_digit(images, fmt):
    drawing = images.draw_digit()
    reference = imaging.prepare(images.encode(drawing, "PNG"))
    digit = imaging.prepare(images.encode(drawing, fmt))
    assert_mnist_form(digit)
    assert np.abs(digit.astype(int) - reference.astype(int)).mean() < 8


def test_exif_orientation_is_honoured(images):
    upright = images.draw_digit(size=(300, 400), centre=(150, 200))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # as a camera stores a rotated shot
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to view": undoes the counter-clockwise turn
    with_exif = imaging.prepare(images.encode(stored, "JPEG", exif=exif.tobytes(), quality=95))
    expected = imaging.prepare(images.encode(upright, "JPEG", quality=95))
    ignored = imaging.prepare(images.encode(stored, "JPEG", quality=95))
    assert np.abs(with_exif.astype(int) - expected.astype(int)).mean() < 5
    assert np.abs(ignored.astype(int) - expected.astype(int)).mean() > 15


def test_gif_first_frame(images):
    first = images.draw_digit().convert("P")
    second = Image.new("L", (400, 300), 255).convert("P")
    ImageDraw.Draw(second).ellipse((50, 50, 250, 250), outline=0, width=20)
    data = images.encode(first, "GIF", save_all=True, append_images=[second], duration=100)
    assert Image.open(__import__("io").BytesIO(data)).n_frames == 2
    expected = imaging.prepare(images.encode(images.draw_digit()))
    assert np.abs(imaging.prepare(data).astype(int) - expected.astype(int)).mean() < 5


def test_sixteen_bit_grey(images):
    drawing = np.asarray(images.draw_digit(), dtype=np.uint16) * 257
    image = Image.fromarray(drawing.astype(np.uint16))
    assert_mnist_form(imaging.prepare(images.encode(image)))


@pytest.mark.parametrize("canvas", [
    Image.new("L", (200, 200), 255), Image.new("L", (200, 200), 0), Image.new("RGBA", (200, 200), (0, 0, 0, 0)),
    Image.new("RGB", (50, 50), (128, 128, 128)),
])
def test_blank_images_are_refused(images, canvas):
    with pytest.raises(imaging.BlankImageError):
        imaging.prepare(images.encode(canvas))


def test_resize_mode_only_resizes(images):
    digit = np.zeros((56, 56), np.uint8)
    digit[10:20, 4:50] = 255
    out = imaging.prepare(images.encode(Image.fromarray(digit)), mode="resize")
    assert out.shape == (28, 28)
    assert out[5:10, 2:25].mean() > 200 and out[20:].max() == 0
    with pytest.raises(imaging.BlankImageError):
        imaging.prepare(images.encode(Image.new("L", (28, 28), 0)), mode="resize")


def test_pixel_limit_is_checked_before_decoding(images):
    bomb = images.png_header_only(100_000, 100_000)
    with pytest.raises(imaging.ImageTooLargeError):
        imaging.open_image(bomb, max_pixels=25_000_000)
    with pytest.raises(imaging.ImageTooLargeError):
        imaging.open_image(images.encode(Image.new("L", (200, 200))), max_pixels=1000)


@pytest.mark.parametrize("data", [b"", b"not an image", b"\x89PNG\r\n\x1a\n" + b"\0" * 20])
def test_garbage_is_invalid(data):
    with pytest.raises(imaging.InvalidImageError):
        imaging.prepare(data)


def test_truncated_png_is_invalid(images):
    data = images.encode(images.draw_digit())
    with pytest.raises(imaging.InvalidImageError):
        imaging.prepare(data[: len(data) // 2])


def test_training_helpers_keep_their_behaviour():
    batch = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    x = imaging.to_model_input(batch)
    assert x.shape == (2, 28, 28, 1) and x.dtype == np.float32
    assert np.array_equal(imaging.to_uint8(x), batch)
    with pytest.raises(ValueError):
        imaging.to_model_input(np.zeros((1, 27, 28)))
