"""Imaging: turning an upload into the model's 28x28 white-on-black input, one forward path for training
and serving.

decode (`decode`) -> grey -> noise estimate (`noise_level`) -> locate the digit (`ink` on clean images,
`noisy` on a smoothed copy of noisy ones) -> crop -> fit -> centre (`prepare`). Stroke widths are brought
towards MNIST's for clean drawings only (`strokes`); a noisy upload's own pixels reach the model. Pixel
conventions shared by everything (`pixels`).

Built on OpenCV (headless), scikit-image, SciPy, Pillow and numpy. This package imports nothing else from
`denoiser`: training, evaluation and serving import it, never the other way round.
"""


from denoiser.imaging.decode import DEFAULT_MAX_PIXELS, FORMATS, WORKING_SIZE, open_image, open_image_sized, to_grey
from denoiser.imaging.errors import BlankImageError, ImageTooLargeError, InvalidImageError
from denoiser.imaging.pixels import IMAGE_SIZE, encode_png, to_data_url, to_model_input, to_uint8
from denoiser.imaging.prepare import (
    BORDER,
    FIT_SIZE,
    MIN_CONTRAST,
    MNIST_CENTRE,
    PREPROCESS_MODES,
    Prepared,
    mnist_digit,
    prepare,
    prepare_digit,
    prepare_image,
    resize_form,
)

__all__ = ["BORDER", "DEFAULT_MAX_PIXELS", "FIT_SIZE", "FORMATS", "IMAGE_SIZE", "MIN_CONTRAST", "MNIST_CENTRE",
           "PREPROCESS_MODES", "WORKING_SIZE", "BlankImageError", "ImageTooLargeError", "InvalidImageError",
           "Prepared", "encode_png", "mnist_digit", "open_image", "open_image_sized", "prepare",
           "prepare_digit", "prepare_image", "resize_form", "to_data_url", "to_grey", "to_model_input", "to_uint8"]
