"""EE5179 Q-2 (and the ML-assignment's "autoencoders are data-specific"): Fashion-MNIST through the served
MNIST models, MNIST through the served Fashion-MNIST models, each beside its own test set."""

from __future__ import annotations

import numpy as np

from denoiser.evaluation.studies.common import HEADLINE, NOISE_SEED, Claim, Context, Outcome, one_per_class, scored
from denoiser.evaluation.studies.page import grid, pair, table
from denoiser.evaluation.studies.served import served_models
from denoiser.imaging.noise import add_noise

DATASETS = ("mnist", "fashion-mnist")


def other(dataset: str) -> str:
    """The dataset a model was not trained on."""
    return DATASETS[1 - DATASETS.index(dataset)]


def run(context: Context) -> Outcome:
    """Score every served model on its own test images and on the other dataset's, clean and at σ=0.5."""
    noise, level = HEADLINE
    tests = {name: context.split(name, test=context.sizes.cross) for name in DATASETS}
    models = {name: served_models(context, name) for name in DATASETS}
    results, rows = {}, []
    for trained_on, group in models.items():
        for model in group:
            print(f"  {model.label}", flush=True)
            results[model.label] = {
                target: {"clean": scored(model.denoise, tests[target].test_x),
                         "noisy": scored(model.denoise, tests[target].test_x, noise, level)}
                for target in (trained_on, other(trained_on))}
            own, foreign = results[model.label][trained_on], results[model.label][other(trained_on)]
            rows.append([model.label, trained_on, pair(own["clean"]), pair(own["noisy"]), pair(foreign["clean"]),
                         pair(foreign["noisy"]), f"{foreign['noisy']['psnr'] - own['noisy']['psnr']:+.2f}"])
    noisy_input = {name: scored(lambda images: images, tests[name].test_x, noise, level) for name in DATASETS}
    figures = {}
    for trained_on in DATASETS:
        target = other(trained_on)
        shown = tests[target].test_x[one_per_class(tests[target].test_y)]
        noisy = add_noise(shown, noise, level, NOISE_SEED)
        rows_shown = {f"{target}": shown}
        rows_shown.update({f"{m.name} (clean in)": np.clip(m.denoise(shown), 0, 1) for m in models[trained_on]})
        rows_shown[f"σ={level}"] = noisy
        rows_shown.update({f"{m.name} (σ={level} in)": np.clip(m.denoise(noisy), 0, 1) for m in models[trained_on]})
        figures[trained_on] = context.figure(f"{target}-through-{trained_on}")
        grid(rows_shown, figures[trained_on], f"{target} test images through the {trained_on} models")
    body = ["## Own test set against the other dataset", "",
            f"PSNR / SSIM of each model's output against the clean image: clean input (reconstruction) and gaussian "
            f"σ={level} input (denoising). Noisy input alone: MNIST {noisy_input['mnist']['psnr']:.2f} dB, "
            f"Fashion-MNIST {noisy_input['fashion-mnist']['psnr']:.2f} dB.", ""]
    body += table(["model", "trained on", "own: clean in", f"own: σ={level} in", "other: clean in",
                   f"other: σ={level} in", f"σ={level} PSNR change"], rows)
    body += ["", "## Fashion-MNIST through the MNIST models", "",
             context.link(figures["mnist"], "fashion through mnist models"), "",
             "## MNIST through the Fashion-MNIST models", "",
             context.link(figures["fashion-mnist"], "mnist through fashion models"), ""]
    for trained_on, group in models.items():
        change = {m.label: results[m.label][other(trained_on)]["noisy"]["psnr"]
                  - results[m.label][trained_on]["noisy"]["psnr"] for m in group}
        order = sorted(change, key=change.get)
        body.append(f"- {trained_on} models on {other(trained_on)} at σ={level}: "
                    + ", ".join(f"{label} {change[label]:+.1f} dB" for label in order) + ".")
    mnist_models = [m.label for m in models["mnist"]]
    drops = {label: results[label]["fashion-mnist"]["noisy"]["psnr"] - results[label]["mnist"]["noisy"]["psnr"]
             for label in mnist_models}
    worst, mildest = min(drops, key=drops.get), max(drops, key=drops.get)
    reverse = {m.label: results[m.label]["mnist"]["noisy"]["psnr"] - results[m.label]["fashion-mnist"]["noisy"]["psnr"]
               for m in models["fashion-mnist"]}
    claims = [Claim("EE5179", "\"reconstruction of mnist fashion dataset images with trained autoencoder\" "
                    "(a figure, no number)", "a grid of Fashion-MNIST reconstructions by the MNIST autoencoder",
                    f"σ={level} PSNR change on Fashion-MNIST vs MNIST: {worst} {drops[worst]:+.1f} dB, "
                    f"{mildest} {drops[mildest]:+.1f} dB"),
              Claim("ML-assignment", "\"Autoencoders are data-specific ... only be able to compress data similar "
                    "to what they have been trained on\"", "stated, not measured",
                    f"σ={level} PSNR on the other dataset vs the own: MNIST models {drops[worst]:+.1f} to "
                    f"{drops[mildest]:+.1f} dB on Fashion-MNIST; Fashion-MNIST models "
                    + ", ".join(f"{label} {change:+.1f} dB" for label, change in reverse.items()) + " on MNIST")]
    headline = (f"Fashion-MNIST at σ={level} through MNIST models: {worst} {drops[worst]:+.1f} dB vs its own test "
                f"set, {mildest} {drops[mildest]:+.1f} dB")
    data_used = [f"test: the first {context.sizes.cross:,} images of each official test set (MNIST, Fashion-MNIST), "
                 f"one noise draw (seed {NOISE_SEED})",
                 f"models: every served export of both datasets ({sum(map(len, models.values()))}), through "
                 "`tf.saved_model.load` and the `denoise` signature; nothing is trained or chosen here"]
    return Outcome(body, data_used, headline, {"scores": results, "noisy_input": noisy_input}, claims)
