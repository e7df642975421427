"""The latent space: the 2-D map of a model's codes that /encode places images on (`latent_map`, built by
`build`), how typical a code is of the training data (`typicality`) and unusual training images
(`outliers`).

May import `denoiser.imaging` and `denoiser.models`; training, evaluation and serving import it.
"""
