"""Training: from a dataset on disk to an exported SavedModel.

Loading datasets (`data`), the training configuration (`config`), augmentation (`augment`), the tf.data
pipeline that adds noise on the fly (`pipeline`), distribution strategies (`distribute`), the `denoiser
train` command (`train`) and tuning the classical baselines on validation (`tune_baselines`).

May import `denoiser.imaging`, `denoiser.models` and `denoiser.latent`; serving never imports it.
"""
