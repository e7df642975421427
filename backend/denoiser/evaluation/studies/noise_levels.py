"""EE5179 Q-4 and the DL-project: every served MNIST architecture at gaussian 0.3 to 0.9, salt-and-pepper
and speckle, on the same test images and the same noise draw."""

from __future__ import annotations

import numpy as np

from denoiser.evaluation.figures import plt
from denoiser.evaluation.studies.common import NOISE_SEED, Claim, Context, Outcome, one_per_class, scored
from denoiser.evaluation.studies.page import grid, pair, save, table
from denoiser.evaluation.studies.served import served_models
from denoiser.imaging.noise import add_noise

GAUSSIAN = (0.3, 0.5, 0.7, 0.8, 0.9)
OTHERS = (("salt_pepper", 0.2), ("speckle", 0.5))  # the levels the training CLI validates these kinds at
SETTINGS = tuple(("gaussian", level) for level in GAUSSIAN) + OTHERS
GRID_LEVEL = 0.9


def key(noise: str, level: float) -> str:
    """`gaussian:0.5`."""
    return f"{noise}:{level:g}"


def _plot(results: dict[str, dict], path):
    """PSNR against gaussian level (lines) and at the other noise kinds (bars), one colour per model."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.4), gridspec_kw={"width_ratios": [3, 2]})
    names = list(results)
    cmap = plt.get_cmap("tab10")
    for index, name in enumerate(names):
        style = {"color": "black", "linestyle": "--"} if name == "noisy input" else {"color": cmap(index % 10)}
        left.plot(GAUSSIAN, [results[name][key("gaussian", lv)]["psnr"] for lv in GAUSSIAN], marker="o",
                  label=name, **style)
        for group, (noise, level) in enumerate(OTHERS):
            width = 0.8 / len(names)
            right.bar(group + (index - len(names) / 2 + 0.5) * width, results[name][key(noise, level)]["psnr"],
                      width=width, color=style["color"], hatch="//" if name == "noisy input" else None)
    left.set_xlabel("gaussian noise level σ")
    left.set_ylabel("test PSNR (dB)")
    left.grid(alpha=0.3)
    left.legend(fontsize=7)
    right.set_xticks(range(len(OTHERS)), [f"{noise.replace('_', ' & ')} {level:g}" for noise, level in OTHERS])
    right.set_ylabel("test PSNR (dB)")
    right.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return save(fig, path)


def run(context: Context) -> Outcome:
    """Score every served MNIST model at every setting; one plot, one table, one example grid."""
    models = served_models(context, "mnist")
    clean = context.split("mnist", test=context.sizes.sweep).test_x
    results = {"noisy input": {key(n, lv): scored(lambda images: images, clean, n, lv) for n, lv in SETTINGS}}
    for model in models:
        print(f"  {model.label}", flush=True)
        results[model.label] = {key(n, lv): scored(model.denoise, clean, n, lv) for n, lv in SETTINGS}
    rows = [[name, *(pair(per[key(n, lv)]) for n, lv in SETTINGS)] for name, per in results.items()]
    figures = {"plot": _plot(results, context.figure("psnr")), "grid": context.figure("grid")}
    labels = context.dataset("mnist").y_test[:len(clean)]
    shown = clean[one_per_class(labels)]
    noisy = add_noise(shown, "gaussian", GRID_LEVEL, NOISE_SEED)
    grid({"original": shown, f"σ={GRID_LEVEL}": noisy,
                     **{model.name: np.clip(model.denoise(noisy), 0, 1) for model in models}},
                    figures["grid"], f"Gaussian σ={GRID_LEVEL} through every model")
    body = ["## PSNR / SSIM on the same test images and noise draw", ""]
    body += table(["model", *(f"{n.replace('_', ' & ')} {lv:g}" for n, lv in SETTINGS)], rows)
    body += ["", "Gaussian: `clip(x + σ N(0, 1))`; salt & pepper p: a pixel becomes 0 or 1 with probability p; "
             "speckle s: `clip(x + x s N(0, 1))` (DESIGN.md). The served models were trained on a mix of all three "
             "at levels 0 to 0.8, so 0.9 is outside what they saw.", "",
             context.link(figures["plot"], "PSNR against noise"), "", context.link(figures["grid"], "σ=0.9 examples"),
             "", "Models scored (the API's choice: the highest version of each name):", ""]
    body += [f"- `{model.path}`: {model.card.get('training', {}).get('command', '')}" for model in models]
    best = {setting: max((m.label for m in models), key=lambda name, s=setting: results[name][s]["psnr"])
            for setting in (key(n, lv) for n, lv in SETTINGS)}
    body += ["", "Best per setting: " + "; ".join(f"{setting} {name}" for setting, name in best.items()) + "."]
    by_arch = {model.card.get("arch"): results[model.label] for model in models}
    g = {lv: key("gaussian", lv) for lv in GAUSSIAN}
    dense = by_arch.get("dense")
    conv = by_arch.get("conv")
    default = next((m for m in models if m.name == "mnist"), models[0])  # the API's default model
    claims = []
    if dense:
        claims.append(Claim("EE5179", "fc(256) denoiser: \"validation accuracy= 81.03%\" at 0.7, \"80.7%\" at 0.9",
                            "Keras \"accuracy\" on validation, one model trained per level, 10 epochs",
                            "one dense model for all levels, test PSNR: " + ", ".join(
                                f"σ={lv} {dense[g[lv]]['psnr']:.2f}" for lv in GAUSSIAN) + " dB"))
    if conv:
        claims.append(Claim("DL-project", "\"Training Reconstruction Loss: 0.092, Testing Reconstruction Loss: "
                            "0.094\" (σ=0.5)", "binary cross-entropy on the test set, which also picked the epoch",
                            f"conv test MSE at σ=0.5 {conv[g[0.5]]['mse']:.4f}, PSNR {conv[g[0.5]]['psnr']:.2f} dB "
                            f"(noisy input {results['noisy input'][g[0.5]]['psnr']:.2f} dB)"))
    curve = " / ".join(f"{results[default.label][g[lv]]['psnr']:.1f}" for lv in GAUSSIAN)
    headline = f"{default.label}: {curve} dB at σ = {' / '.join(map(str, GAUSSIAN))}; best at σ=0.9: {best[g[0.9]]}"
    data_used = [f"test: the first {len(clean):,} images of the official MNIST test set (a subset: "
                 f"{len(models) + 1} rows x {len(SETTINGS)} settings), one noise draw per setting (seed {NOISE_SEED})",
                 f"models: the served MNIST exports ({len(models)}), loaded with `tf.saved_model.load` and called "
                 "through their `denoise` signature; their training data and epochs are in their cards (below)",
                 "nothing is trained or chosen here"]
    return Outcome(body, data_used, headline, {"psnr_ssim": results, "best": best}, claims)
