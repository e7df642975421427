"""Evaluation: how good a model is, measured on the test split.

Scoring a model against the baselines and writing its report (`evaluate`, `report`, `figures`), whether the
class survives denoising, by the dataset's reference classifier (`readings`), the real-input and noisy-input
benchmarks (`realinputs`, `noisyinputs`), the latent map's report and study (`latent_report`,
`latent_figures`, `latent_study`), training the seed reports' architectures under one protocol (`compare`)
and repeating their studies (`study`, `studies/`, with `trust`: which served architectures change the class
most).

Sits on top: may import training, latent, models and imaging; nothing in the package imports it.
"""
