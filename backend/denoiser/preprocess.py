"""The names training, evaluation and serving use from `denoiser.imaging`, in one place: pixel conventions,
decoding uploads and the forward path that turns them into the model's input (see `denoiser.imaging`)."""

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
