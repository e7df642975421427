"""Issue 33: where is the served denoiser unsure, and how much of the class is left in the noise at all?

On MNIST's validation split (never the test split: these numbers choose the served uncertainty map and risk
score), with the served default denoiser (mnist, highest version) and the served mnist classifier (the reader):

1. per-pixel uncertainty maps from eight stochastic passes: re-noising with extra gaussian σ 0.1 / 0.2 / 0.3
   (`uncertainty.spread`, the map /denoise offers), eight one-pixel shifts (np.roll in, np.roll back) and eight
   samples of the served VAE's posterior; each map is scored by its Pearson correlation with the real error
   |denoised - clean| over every pixel, and by the ROC AUC of its sum for predicting a wrong denoised class;
2. risk scores: the single pass 1 - max p (`reading.risk`, what /denoise answers) against 1 - the mean, over the
   eight re-noised passes (σ 0.1), of the probability of the single pass's class;
3. the yardstick: two "noisy readers" of different design (`noisy_readers`) trained on noisy training digits
   read the noisy validation digits directly: a denoiser as good as the better one would change the class of
   the clean-correct digits it gets wrong, a bound of sorts on what 9,000 digits support.
"""

from __future__ import annotations

import numpy as np

from denoiser.evaluation.figures import plt
from denoiser.evaluation.readings import classifier_for, load_classifier, risk_auc
from denoiser.evaluation.studies import noisy_readers
from denoiser.evaluation.studies.common import NOISE_SEED, SPLIT, Claim, Context, Outcome
from denoiser.evaluation.studies.page import save, table
from denoiser.imaging import to_model_input
from denoiser.models import reading, uncertainty
from denoiser.models.scoring import in_batches, noisy_copy, signature_function, signature_outputs
from denoiser.models.store import discover
from denoiser.training import data

LEVELS = (0.5, 0.7, 0.9)
RENOISE = (0.1, 0.2, 0.3)
SHIFTS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1))  # (rows, columns)
PASSES = uncertainty.PASSES
TARGETS = {0.7: 0.03, 0.9: 0.09}  # issue 33's bounds on the changed rate


def _latest(context: Context, name: str, kind: str = "denoiser"):
    """The highest version directory of `name` under the models directory (the API's choice)."""
    versions = discover(context.models_dir, kind=kind).get(name)
    if not versions:
        raise FileNotFoundError(f"no {name} under {context.models_dir} (make train)")
    return context.models_dir / name / str(versions[-1])


def pass_maps(denoise, vae, noisy: np.ndarray, seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{method: (map [N, 28, 28], its passes [PASSES, N, 28, 28, 1])} for every stochastic pass."""
    found = {}
    for extra in RENOISE:
        answers = []

        def kept(images, answers=answers):  # spread's own passes, kept for the 8-pass risk score
            answers.append(in_batches(denoise, images))
            return answers[-1]

        spread = uncertainty.spread(kept, noisy, seed, PASSES, extra)
        found[f"re-noise σ={extra:g}"] = (spread[..., 0], answers[0].reshape(PASSES, *noisy.shape))
    shifted = np.stack([np.roll(in_batches(denoise, np.roll(noisy, shift, (1, 2))), np.negative(shift), (1, 2))
                        for shift in SHIFTS[:PASSES]])
    found["one-pixel shifts"] = (shifted.std(0)[..., 0], shifted)
    def encode(images):  # [N, 2, latent]: the posterior's mean and log variance
        out = vae["encode"](images)
        return np.stack([out["latent"], out["log_variance"]], 1)

    posterior = in_batches(encode, noisy)
    mean, deviation = posterior[:, 0], np.exp(posterior[:, 1] / 2)
    rng = np.random.default_rng(seed)
    samples = np.stack([in_batches(lambda z: vae["decode"](z)["images"],
                                   (mean + deviation * rng.normal(size=mean.shape)).astype(np.float32))
                        for _ in range(PASSES)])
    found["VAE posterior"] = (samples.std(0)[..., 0], samples)
    return found


def _auc_text(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def _plot(results: dict, path):
    """Map-error correlation and wrong-class AUC per method against σ; accuracies of the readers per σ."""
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    methods = list(results["maps"])
    for method in methods:
        per = results["maps"][method]
        axes[0].plot(LEVELS, [per[f"{s:g}"]["correlation"] for s in LEVELS], marker="o", label=method)
        axes[1].plot(LEVELS, [per[f"{s:g}"]["auc"] or np.nan for s in LEVELS], marker="o", label=f"map sum: {method}")
    for key, label in (("single", "risk 1 - max p"), ("passes", "risk, 8 re-noised passes")):
        axes[1].plot(LEVELS, [results["risk"][f"{s:g}"][key] or np.nan for s in LEVELS], marker="s", linestyle="--",
                     color="black" if key == "single" else "grey", label=label)
    axes[0].set_ylabel("correlation of map with |denoised - clean|")
    axes[1].set_ylabel("ROC AUC for a wrong denoised class")
    bars = (("noisy", "reader on noisy"), ("noisy_reader", "better noisy reader on noisy"),
            ("denoised", "denoiser + reader"))
    for index, (key, label) in enumerate(bars):
        axes[2].bar(np.arange(len(LEVELS)) + (index - 1) * 0.27,
                    [100 * results["yardstick"][f"{s:g}"][key] for s in LEVELS], 0.27, label=label)
    axes[2].set_xticks(np.arange(len(LEVELS)), [f"{s:g}" for s in LEVELS])
    axes[2].set_ylabel("validation digits read right (%)")
    axes[2].set_ylim(0, 100)
    for axis, where in zip(axes, ("upper right", "center right", "lower left")):
        axis.set_xlabel("gaussian noise σ")
        axis.grid(alpha=0.3)
        axis.legend(fontsize=7, loc=where)
    fig.tight_layout()
    return save(fig, path)


def run(context: Context) -> Outcome:
    """Maps, risk scores and the noisy reader on the validation split; tables, a figure and claims."""
    import tensorflow as tf

    dataset = context.dataset("mnist")
    train_x, train_y, val_x, val_y = data.split_validation(dataset.x_train, dataset.y_train, SPLIT.val_fraction,
                                                           SPLIT.seed)
    sizes = context.sizes
    if context.quick:
        train_x, train_y = train_x[:sizes.train], train_y[:sizes.train]
    train_x = to_model_input(train_x)
    clean, labels = to_model_input(val_x[:sizes.validation]), val_y[:sizes.validation]
    model_dir, vae_dir = _latest(context, "mnist"), _latest(context, "mnist-vae")
    classifier_dir = classifier_for(model_dir, "mnist")
    if classifier_dir is None:
        raise FileNotFoundError(f"no mnist-classifier under {context.models_dir} (denoiser train-classifier)")
    denoise = signature_function(tf.saved_model.load(str(model_dir)))
    classify = load_classifier(classifier_dir)
    vae_loaded = tf.saved_model.load(str(vae_dir))
    vae = {name: signature_outputs(vae_loaded, name) for name in ("encode", "decode")}
    names = {"denoiser": f"mnist/{model_dir.name}", "reader": f"mnist-classifier/{classifier_dir.name}",
             "vae": f"mnist-vae/{vae_dir.name}"}
    print(f"uncertainty: {len(clean)} validation digits, {names}", flush=True)

    clean_right = in_batches(classify, clean).argmax(1) == labels
    noisy = {level: noisy_copy(clean, "gaussian", level, NOISE_SEED) for level in LEVELS}
    results: dict = {"models": names, "images": len(clean), "clean_accuracy": round(float(clean_right.mean()), 4),
                     "maps": {}, "risk": {}, "yardstick": {}}
    denoised_labels = {}
    for level in LEVELS:
        key = f"{level:g}"
        denoised = in_batches(denoise, noisy[level])
        probabilities = in_batches(classify, denoised)
        denoised_labels[level] = probabilities.argmax(1)
        wrong = denoised_labels[level] != labels
        error = np.abs(denoised - clean)[..., 0]
        found = pass_maps(denoise, vae, noisy[level], NOISE_SEED + 1)
        for method, (spread, _) in found.items():
            results["maps"].setdefault(method, {})[key] = {
                "correlation": round(float(np.corrcoef(spread.ravel(), error.ravel())[0, 1]), 4),
                "auc": risk_auc(wrong, spread.sum((1, 2)))}
        passes = found[f"re-noise σ={uncertainty.EXTRA_SIGMA:g}"][1]
        mean_p = np.mean([in_batches(classify, answers) for answers in passes], axis=0)
        results["risk"][key] = {"wrong": round(float(wrong.mean()), 4),
                                "single": risk_auc(wrong, reading.risk(probabilities)),
                                "passes": risk_auc(wrong, 1.0 - mean_p[np.arange(len(wrong)), denoised_labels[level]])}
        print(f"uncertainty σ={key}: maps and risk scores done", flush=True)

    readers = {}
    for recipe in noisy_readers.RECIPES:
        epochs = sizes.epochs if context.quick else recipe.epochs
        model, curve = noisy_readers.train(recipe, train_x, train_y, noisy, labels, epochs)
        readers[recipe.name] = {"description": recipe.description, "epochs": epochs, "curve": curve,
                                "right": {level: model.predict(noisy[level], batch_size=500, verbose=0).argmax(1)
                                          == labels for level in LEVELS}}
    for level in LEVELS:
        own = {name: {"read": round(float(reader["right"][level].mean()), 4),
                      "changed": round(float(np.mean(~reader["right"][level][clean_right])), 4)}
               for name, reader in readers.items()}
        best = min(own, key=lambda name: own[name]["changed"])
        results["yardstick"][f"{level:g}"] = {
            "noisy": round(float(np.mean(in_batches(classify, noisy[level]).argmax(1) == labels)), 4),
            "noisy_reader": own[best]["read"],
            "denoised": round(float(np.mean(denoised_labels[level] == labels)), 4),
            "changed": round(float(np.mean(denoised_labels[level][clean_right] != labels[clean_right])), 4),
            "reader_changed": own[best]["changed"], "best_reader": best, "readers": own}
    results["readers"] = {"sigma": list(noisy_readers.SIGMA), "train_images": len(train_x),
                          "seed": noisy_readers.SEED,
                          **{name: {key: reader[key] for key in ("description", "epochs", "curve")}
                             for name, reader in readers.items()}}
    return _outcome(context, results)


def _outcome(context: Context, results: dict) -> Outcome:
    """The page body, data used, headline and claims of the study's numbers."""
    maps, risk, yard, names = results["maps"], results["risk"], results["yardstick"], results["models"]
    percent = lambda value: f"{100 * value:.1f}%"  # noqa: E731
    body = ["## Uncertainty maps: which follows the real error?", "",
            f"Each map is the per-pixel standard deviation over {PASSES} passes of {names['denoiser']} (the VAE row: "
            f"{PASSES} decoded samples of {names['vae']}'s posterior for the noisy digit, another model). "
            "**Correlation**: Pearson, over every pixel of every validation digit, between the map and the real "
            "error |denoised - clean|. **AUC**: how well the map's sum flags a digit the reader "
            f"({names['reader']}) reads as a wrong class after denoising.", ""]
    body += table(["passes", *(f"correlation σ={s:g}" for s in LEVELS), *(f"AUC σ={s:g}" for s in LEVELS)],
                  [[method, *(f"{per[f'{s:g}']['correlation']:.3f}" for s in LEVELS),
                    *(_auc_text(per[f"{s:g}"]["auc"]) for s in LEVELS)] for method, per in maps.items()])
    best = {s: max(maps, key=lambda m: maps[m][f"{s:g}"]["correlation"]) for s in LEVELS}
    served = f"re-noise σ={uncertainty.EXTRA_SIGMA:g}"
    body += ["", "Follows the error best: " + ", ".join(f"σ={s:g} {best[s]}" for s in LEVELS)
             + f" (the served map: {served}, `uncertainty.spread`).", "",
             "## Risk scores: one pass or eight?", "",
             "ROC AUC for a wrong denoised class of the single-pass risk, 1 - the reader's top probability on the "
             "denoised digit (`reading.risk`, what /denoise answers), and of 1 - the mean probability of that "
             f"same class over the {PASSES} re-noised passes (σ {uncertainty.EXTRA_SIGMA:g}), which costs "
             f"{PASSES} more denoisings and readings.", ""]
    body += table(["σ", "wrong denoised class", "AUC 1 - max p (single pass)", f"AUC {PASSES} re-noised passes"],
                  [[f"{s:g}", percent(risk[f"{s:g}"]["wrong"]), _auc_text(risk[f"{s:g}"]["single"]),
                    _auc_text(risk[f"{s:g}"]["passes"])] for s in LEVELS])
    readers = results["readers"]
    names_of = list(noisy_readers.RECIPES_BY_NAME)
    body += ["", "## How much class is left in the noise?", "",
             f"The noisy readers, trained on fresh noisy copies of the {readers['train_images']:,} training digits "
             f"each epoch (gaussian σ uniform in [{readers['sigma'][0]:g}, {readers['sigma'][1]:g}] per image, seed "
             f"{readers['seed']}), read the noisy validation digits with no denoiser:", ""]
    body += [f"- **{name}**: {readers[name]['description']}, {readers[name]['epochs']} epochs;" for name in names_of]
    body += ["", "**Changed**: the share of digits the reader reads right when clean "
             f"({percent(results['clean_accuracy'])} of them) whose denoised digit reads as another class; **as "
             "good as the better noisy reader**: the share of those same digits the better of the two gets wrong, "
             "the changed rate of a denoiser that kept exactly as much of the class as that reader finds.", ""]
    body += table(["σ", "reader on noisy", *(f"{name} noisy reader on noisy" for name in names_of),
                   "denoiser + reader", "changed", "changed, as good as the better noisy reader"],
                  [[f"{s:g}", percent(yard[f"{s:g}"]["noisy"]),
                    *(percent(yard[f"{s:g}"]["readers"][name]["read"]) for name in names_of),
                    percent(yard[f"{s:g}"]["denoised"]), f"**{percent(yard[f'{s:g}']['changed'])}**",
                    f"{percent(yard[f'{s:g}']['reader_changed'])} ({yard[f'{s:g}']['best_reader']})"]
                   for s in LEVELS])
    targets = [(f"{s:g}", bound, yard[f"{s:g}"]) for s, bound in TARGETS.items()]
    under = [s for s, bound, at in targets if bound < at["reader_changed"]]
    verdict = (f"At σ={' and '.join(under)} the target is under both noisy readers' own error: a denoiser would "
               f"have to keep more of the class than either reader trained on the same {readers['train_images']:,} "
               "noisy digits finds in them." if under else "Both lie above the better noisy reader's own error.")
    body += ["", "Issue 33's targets for changed: " + "; ".join(
        f"σ={s} at most {percent(bound)}, where {names['denoiser']} changes {percent(at['changed'])} and the better "
        f"noisy reader gets {percent(at['reader_changed'])} wrong" for s, bound, at in targets) + f". {verdict}"]
    body += ["", "The noisy readers' progress on the noisy validation digits (reported, not used to stop): "
             + "; ".join(f"{name} epoch {row['epoch']}: " + " / ".join(percent(row[f'{s:g}']) for s in LEVELS)
                         for name in names_of for row in readers[name]["curve"])
             + f" at σ {' / '.join(f'{s:g}' for s in LEVELS)}.", "",
             context.link(_plot(results, context.figure("summary")), "map-error correlation, wrong-class AUC and "
                          "accuracy per noise level"), ""]
    seven, nine = yard["0.7"], yard["0.9"]
    claims = [
        Claim("issue 33", "changed <= 3% at σ=0.7 and <= 9% at σ=0.9",
              "the served denoiser + reader's changed rate (the trust study, test split)",
              f"validation: {names['denoiser']} changes {percent(seven['changed'])} / {percent(nine['changed'])}; "
              f"a denoiser as good as the better of two noisy readers trained on {readers['train_images']:,} digits "
              "would change "
              f"{percent(seven['reader_changed'])} / {percent(nine['reader_changed'])}"),
        Claim("issue 33", "an uncertainty map that shows where the output is unsure",
              f"models/uncertainty.py: {served} over {PASSES} passes",
              "correlation with the real error at σ=0.7: " + ", ".join(
                  f"{method} {maps[method]['0.7']['correlation']:.2f}" for method in maps)),
        Claim("issue 33", "a risk score that flags a changed class",
              "models/reading.py: 1 - max p, single pass",
              f"AUC at σ=0.7: single pass {_auc_text(risk['0.7']['single'])}, {PASSES} re-noised passes "
              f"{_auc_text(risk['0.7']['passes'])}")]
    headline = (f"best map at σ=0.7: {best[0.7]} (r={maps[best[0.7]]['0.7']['correlation']:.2f}); changed at σ=0.7: "
                f"{percent(seven['changed'])}, against {percent(seven['reader_changed'])} for a denoiser as good as "
                "the better noisy reader")
    data_used = [f"MNIST training file (`../shared/datasets`) split by `data.split_validation` (fraction "
                 f"{SPLIT.val_fraction}, seed {SPLIT.seed}); the first {results['images']:,} validation digits "
                 f"under gaussian noise (noise seed {NOISE_SEED}, the passes' extra noise seed {NOISE_SEED + 1}); "
                 "the test split is never read",
                 f"served models under `{context.models_dir}`: {names['denoiser']}, {names['reader']} and "
                 f"{names['vae']}, through their SavedModel signatures",
                 f"the two noisy readers trained here on {readers['train_images']:,} training digits, "
                 + " and ".join(f"{name} {readers[name]['epochs']} epochs" for name in names_of)]
    return Outcome(body, data_used, headline, results, claims)
