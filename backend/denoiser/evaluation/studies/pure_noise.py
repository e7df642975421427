"""EE5179 Q-2: pure noise through every served model. What does each hallucinate?

Two kinds of input that hold no image at all: uniform noise in [0, 1] (the report's random images) and
gaussian σ=0.5 on a black frame (a blank canvas under the training noise). Each output is described by
its brightness, whether it is blank (almost no pixel above 0.5), and the class a 10-nearest-neighbour
vote (cosine distance, so brightness does not matter) over the model's own training images gives the
outputs that are not blank: a model that hallucinates digits gives confident votes.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from denoiser.evaluation.studies.common import NOISE_SEED, Claim, Context, Outcome
from denoiser.evaluation.studies.page import grid, table
from denoiser.evaluation.studies.served import served_models
from denoiser.imaging.noise import add_noise
from denoiser.training import data

SHOWN = 6
NEIGHBOURS = 10
BLANK_INK = 0.01  # an output with fewer than 1% of its pixels above 0.5 (8 of 784) counts as blank


def inputs(count: int) -> dict[str, np.ndarray]:
    """The two noise-only inputs, `count` of each, from the fixed seed."""
    rng = np.random.default_rng(NOISE_SEED)
    uniform = rng.random((count, 28, 28, 1), dtype=np.float32)
    blank = add_noise(np.zeros((count, 28, 28, 1), np.float32), "gaussian", 0.5, NOISE_SEED)
    return {"uniform [0, 1]": uniform, "σ=0.5 on black": blank}


def describe(outputs: np.ndarray, neighbours, train_labels: np.ndarray, class_names: list[str]) -> dict:
    """Brightness, blank share and the 10-NN class vote of the non-blank outputs among training images."""
    flat = outputs.reshape(len(outputs), -1)
    ink = (flat > 0.5).mean(axis=1)
    drawn = flat[ink >= BLANK_INK]
    summary = {"mean_intensity": float(outputs.mean()), "blank_share": float(np.mean(ink < BLANK_INK)),
               "top_class": None, "top_class_share": 0.0, "vote_agreement": None}
    if len(drawn):
        votes = train_labels[neighbours.kneighbors(drawn)[1]]
        majority = np.array([np.bincount(row, minlength=len(class_names)).argmax() for row in votes])
        top, count = Counter(majority.tolist()).most_common(1)[0]
        summary.update(top_class=class_names[top], top_class_share=count / len(drawn),
                       vote_agreement=float(np.mean(votes == majority[:, None])))
    return summary


def run(context: Context) -> Outcome:
    """Noise through every served model: a figure of outputs and a table of what they resemble."""
    from sklearn.neighbors import NearestNeighbors

    noise_inputs = inputs(min(context.sizes.sample, 1000))
    models = [model for name in data.DATASET_NAMES for model in served_models(context, name)]
    index = {}
    for name in data.DATASET_NAMES:
        split = context.split(name)
        flat = split.train_x.reshape(len(split.train_x), -1)
        index[name] = (NearestNeighbors(n_neighbors=NEIGHBOURS, metric="cosine").fit(flat), split.train_y)
    results, rows, outputs = {}, [], {}
    for model in models:
        dataset = model.card.get("dataset", "mnist")
        neighbours, labels = index[dataset]
        results[model.label] = {}
        for kind, images in noise_inputs.items():
            out = np.clip(model.denoise(images), 0.0, 1.0)
            outputs[model.label, kind] = out[:SHOWN]
            stats = describe(out, neighbours, labels, data.CLASS_NAMES[dataset])
            results[model.label][kind] = stats
            drawn = stats["top_class"] is not None
            rows.append([model.label, kind, f"{stats['mean_intensity']:.3f}", f"{stats['blank_share']:.0%}",
                         f"{stats['top_class']} ({stats['top_class_share']:.0%})" if drawn else "-",
                         f"{stats['vote_agreement']:.0%}" if drawn else "-"])
    shown = {"input": np.concatenate([images[:SHOWN] for images in noise_inputs.values()])}
    shown.update({model.name: np.concatenate([outputs[model.label, kind] for kind in noise_inputs])
                  for model in models})
    figure = context.figure("outputs")
    grid(shown, figure, f"Left {SHOWN}: uniform noise; right {SHOWN}: σ=0.5 on black")
    mean_in = {kind: float(images.mean()) for kind, images in noise_inputs.items()}
    body = ["## What each model makes of noise", "", context.link(figure, "outputs on pure noise"), "",
            "Input brightness: " + ", ".join(f"{kind} {value:.3f}" for kind, value in mean_in.items())
            + f". Per model and input: mean output intensity; share of blank outputs (fewer than {BLANK_INK:.0%} of "
            f"pixels above 0.5); among the others, the class most are assigned by a {NEIGHBOURS}-nearest-neighbour "
            "vote (cosine distance on raw pixels) over the model's own training images, with the share of outputs "
            f"it takes, and how unanimous the votes are (share of the {NEIGHBOURS} neighbours agreeing with the "
            "majority; 10-20% would mean no class in particular).", ""]
    body += table(["model", "input", "mean intensity", "blank outputs", "most common class", "vote agreement"], rows)
    # EE5179's figure is MNIST's: its claim is judged on the MNIST models only.
    mnist_labels = [model.label for model in models if model.card.get("dataset", "mnist") == "mnist"]
    digit_like = max(mnist_labels, key=lambda label: results[label]["uniform [0, 1]"]["vote_agreement"] or 0.0)
    strongest = results[digit_like]["uniform [0, 1]"]
    claims = [Claim("EE5179", "\"random noise image reconstruction using trained encoder\" (a figure, no number)",
                    "uniform noise through the MNIST autoencoder, by eye",
                    f"most class-like MNIST model output on uniform noise: {digit_like}, {strongest['top_class']} for "
                    f"{strongest['top_class_share']:.0%} of inputs (vote agreement {strongest['vote_agreement']:.0%})")]
    headline = (f"most class-like MNIST hallucination: {digit_like} turns uniform noise into "
                f"'{strongest['top_class']}' {strongest['top_class_share']:.0%} of the time")
    data_used = [f"{len(next(iter(noise_inputs.values()))):,} images of each noise kind, drawn with seed {NOISE_SEED}",
                 "class vote: 10 nearest neighbours (raw pixels) among the first "
                 f"{context.sizes.train:,} training images of the model's dataset (the held-out split's training part)",
                 f"models: every served export ({len(models)}), through `tf.saved_model.load` and the `denoise` "
                 "signature; nothing is trained or chosen here"]
    return Outcome(body, data_used, headline, results, claims)
