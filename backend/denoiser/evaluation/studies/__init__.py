"""The seed reports' studies, reproduced under one held-out protocol (`denoiser study NAME`), and `trust`, which
ranks the served denoisers by how often they change a test image's class (read from their cards).

Each study is a module with `run(context) -> Outcome`; the registry below names them in the order the
index lists them. Modules are imported only when their study runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from denoiser.evaluation.studies.common import Context, Outcome


@dataclass(frozen=True)
class Study:
    """A registered study: its page title, the seed report(s) it reproduces and the module that runs it."""

    name: str
    title: str
    reports: str
    module: str

    @property
    def run(self) -> Callable[[Context], Outcome]:
        """The module's `run` function."""
        return importlib.import_module(f"{__name__}.{self.module}").run


STUDIES = {study.name: study for study in (
    Study("dataset", "The MNIST data: classes, pixels, mean digits, PCA and t-SNE", "ML-assignment (000)",
          "dataset"),
    Study("pca-vs-ae", "PCA against autoencoders with the same 30-number code", "EE5179 (004), Q-1", "pca_vs_ae"),
    Study("hidden-size", "Hidden size of a fully connected autoencoder: 64, 128, 256", "EE5179 (004), Q-2",
          "hidden_size"),
    Study("sparsity", "Sparse (L1) over-complete autoencoders", "EE5179 (004), Q-3", "sparsity"),
    Study("noise-levels", "Every architecture at every noise level", "EE5179 (004), Q-4, and DL-project (001)",
          "noise_levels"),
    Study("architectures", "The league table of architectures", "all seed reports' architectures",
          "architectures"),
    Study("cross-dataset", "Fashion-MNIST through MNIST models, and the reverse", "EE5179 (004), Q-2",
          "cross_dataset"),
    Study("pure-noise", "Pure noise through every model: what it hallucinates", "EE5179 (004), Q-2", "pure_noise"),
    Study("trust", "Which architectures hallucinate: does the class survive denoising?",
          "none (issue 33, trust what comes out)", "trust"),
    Study("uncertainty", "Where is the model unsure, and how much class is left in the noise?",
          "none (issue 33, trust what comes out)", "uncertainty"),
)}
