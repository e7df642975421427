"""Models: every denoiser the project trains or serves, and their files on disk.

The Keras architectures (`base`, `architectures`, `vae`), the classical baselines of /compare and their
tuned settings (`baselines`, `tuned_baselines`), exporting a trained model as a versioned SavedModel with its
card (`export`, `reexport`), its TFLite fast path (`lite`), finding served models on disk (`store`) and
calling a SavedModel's signatures in batches (`scoring`).

May import `denoiser.imaging` only; training, evaluation and serving import it.
"""
