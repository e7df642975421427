"""The uncertainty study's yardsticks: classifiers trained on noisy training digits, which read a noisy digit
with no denoiser, so that what they get wrong says how much of the class 9,000 noisy digits let a model find.

Two recipes of different design, so that the bound does not rest on one network's shortcomings:
- `plain`: the served reader's own architecture at width 32 (`classifier.build`), Adam at 1e-3, 25 epochs;
- `deep`: three batch-normalised blocks of two 3x3 convolutions (32 / 64 / 128 channels), random shifts of up
  to two pixels, Adam with a cosine decay from 2e-3, 40 epochs.

Both see a fresh noisy copy of every training digit each epoch (gaussian σ drawn per image from SIGMA, clipped
to [0, 1], seeded) and are checked on the noisy validation digits every CHECK_EVERY epochs (reported only: the
last epoch is the one used).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

SIGMA = (0.3, 1.0)  # the training noise: σ uniform in this range, per image
SEED = 42
BATCH = 64
CHECK_EVERY = 5


@dataclass(frozen=True)
class Recipe:
    name: str
    description: str  # for the study's page
    epochs: int
    learning_rate: float
    cosine: bool  # decay the learning rate to 0 over the epochs (else constant)
    build: Callable  # () -> keras.Model ending in a softmax


def _plain():
    from denoiser.models import classifier

    return classifier.build(10, 32)


def _deep():
    from denoiser.models.unet import build_reader

    return build_reader(32, dense=128, shift=2)


RECIPES = (
    Recipe("plain", "the reader's architecture at width 32 (`classifier.build(10, 32)`), Adam at 1e-3", 25, 1e-3,
           False, _plain),
    Recipe("deep", "three batch-normalised blocks of two 3x3 convolutions (32 / 64 / 128 channels), random shifts "
           "of up to 2 pixels, Adam with a cosine decay from 2e-3", 40, 2e-3, True, _deep),
)
RECIPES_BY_NAME = {recipe.name: recipe for recipe in RECIPES}


def noisy_batch(rng: np.random.Generator, clean: np.ndarray) -> np.ndarray:
    """`clean` under gaussian noise of a σ drawn per image from SIGMA, clipped to [0, 1]."""
    sigma = rng.uniform(*SIGMA, (len(clean), 1, 1, 1))
    return np.clip(clean + sigma * rng.normal(size=clean.shape), 0.0, 1.0).astype(np.float32)


def train(recipe: Recipe, train_x, train_y, checks: dict[float, np.ndarray], val_y, epochs: int) -> tuple:
    """Train `recipe` for `epochs` epochs (seeded), printing progress. Returns the model and its validation
    curve: [{"epoch", "<σ>": accuracy on checks[σ]}] every CHECK_EVERY epochs and at the last."""
    import keras

    from denoiser.training.train import make_deterministic

    make_deterministic(SEED)
    model = recipe.build()
    rate = recipe.learning_rate
    if recipe.cosine:
        rate = keras.optimizers.schedules.CosineDecay(rate, epochs * -(-len(train_x) // BATCH))
    model.compile(optimizer=keras.optimizers.Adam(rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    rng, curve, started = np.random.default_rng(SEED), [], time.perf_counter()
    for epoch in range(1, epochs + 1):
        fitted = model.fit(noisy_batch(rng, train_x), train_y, batch_size=BATCH, epochs=1, verbose=0).history
        line = (f"{recipe.name} noisy reader epoch {epoch}/{epochs}: loss {fitted['loss'][0]:.3f}, accuracy "
                f"{fitted['accuracy'][0]:.3f}, {time.perf_counter() - started:.0f} s")
        if epoch % CHECK_EVERY == 0 or epoch == epochs:
            read = {level: float(np.mean(model.predict(x, batch_size=500, verbose=0).argmax(1) == val_y))
                    for level, x in checks.items()}
            curve.append({"epoch": epoch, **{f"{level:g}": round(value, 4) for level, value in read.items()}})
            line += "; noisy validation " + " / ".join(f"{100 * value:.1f}%" for value in read.values())
        print(line, flush=True)
    return model, curve
