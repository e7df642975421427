"""Imaging: turning an upload into the model's 28x28 white-on-black input, one forward path for training
and serving.

decode (`decode`) -> grey -> noise estimate (`noise_level`) -> locate the digit (`ink` on clean images,
`noisy` on a smoothed copy of noisy ones) -> crop -> fit -> centre (`prepare`). Stroke widths are brought
towards MNIST's for clean drawings only (`strokes`); a noisy upload's own pixels reach the model. Pixel
conventions shared by everything (`pixels`).

Built on OpenCV (headless), scikit-image, SciPy, Pillow and numpy. This package imports nothing else from
`denoiser`: training, evaluation and serving import it, never the other way round.
"""
