"""Digit-image denoiser: a package by job, each importing only the layers below it.

    cli         the `denoiser` command line (top)
    serving     the Flask API            evaluation   scores, reports, studies
                                         training     data, tf.data pipeline, train
    latent      the latent map and typicality
    models      architectures, baselines, export, the TFLite fast path, served models on disk
    imaging     decoding and preprocessing uploads, noise, image metrics (bottom)

Serving never imports training or evaluation (tests/pipeline/test_layers.py checks the whole graph).
"""

__version__ = "0.1.0"
