"""Which architectures hallucinate most: every served denoiser's class-survival readings side by side.

Read from the model cards (`metrics["reading"]`, written by `denoiser evaluate [--reading-only]` with the
dataset's reference classifier, readings.py) next to their PSNR/SSIM at σ=0.5 (`metrics["test"]`): nothing
is trained or scored here, so the page always shows the cards' numbers.
"""

from __future__ import annotations

from denoiser.evaluation.figures import plt
from denoiser.evaluation.readings import settings_of
from denoiser.evaluation.studies.common import Context, Outcome
from denoiser.evaluation.studies.page import save, table
from denoiser.evaluation.studies.served import served_cards
from denoiser.training.data import DATASET_NAMES

CHANGED_LEVELS = (0.5, 0.7, 0.9)
FOCUS = "gaussian:0.7"  # where denoised accuracy and the risk AUC are compared
CURVE_LEVELS = (0.0, 0.3, 0.5, 0.7, 0.9)  # 0: the card's "none:0" setting


def _setting(level: float) -> str:
    """The card's key of gaussian noise at `level` (no noise at 0)."""
    return f"gaussian:{level:g}" if level else "none:0"


def entry(name: str, version: int, card: dict) -> dict:
    """One model's row: its readings at the gaussian levels, and PSNR/SSIM at σ=0.5 from the card."""
    reading = card["metrics"]["reading"]
    per_setting = settings_of(reading)
    test = card["metrics"].get("test", {}).get("gaussian:0.5", {}).get("denoised", {})
    focus = per_setting.get(FOCUS, {})
    return {"name": name, "version": version, "label": f"{name}/{version} ({card.get('arch', '?')})",
            "dataset": card.get("dataset"), "arch": card.get("arch"), "params": card.get("params"),
            "classifier": reading.get("classifier"), "images": focus.get("n"),
            "psnr": test.get("psnr"), "ssim": test.get("ssim"),
            "changed": {f"{level:g}": per_setting.get(_setting(level), {}).get("changed")
                        for level in CURVE_LEVELS},
            "accuracy": focus.get("accuracy", {}), "risk_auc": focus.get("risk_auc")}


def _percent(value) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _number(value, form: str) -> str:
    return "-" if value is None else format(value, form)


def _rows(entries: list[dict]) -> list[list]:
    """Table rows, the model that changes most classes at σ=0.7 first; then the noisy input's reading."""
    rows = [[entry["label"], _number(entry["params"], ","),
             f"{_number(entry['psnr'], '.2f')} / {_number(entry['ssim'], '.3f')}",
             *(("**" + _percent(entry["changed"][f"{level:g}"]) + "**") if level == 0.7
               else _percent(entry["changed"][f"{level:g}"]) for level in CHANGED_LEVELS),
             _percent(entry["accuracy"].get("denoised")), _number(entry["risk_auc"], ".3f")] for entry in entries]
    noisy = entries[0]["accuracy"].get("noisy")
    rows.append(["noisy input (no denoiser)", "-", "-", "-", "-", "-", _percent(noisy), "-"])
    return rows


def inversions(entries: list[dict], level: str = "0.5") -> list[tuple[dict, dict]]:
    """Pairs (a, b) where a has the higher PSNR at σ=0.5 yet changes more classes at σ=`level`: where ranking
    by PSNR would mislead."""
    return [(a, b) for a in entries for b in entries
            if a["psnr"] is not None and b["psnr"] is not None and a["psnr"] > b["psnr"]
            and (a["changed"][level] or 0.0) > (b["changed"][level] or 0.0)]


def _plot(groups: dict[str, list[dict]], path):
    """Changed rate against gaussian σ, one line per model, one panel per dataset."""
    fig, axes = plt.subplots(1, len(groups), figsize=(5.2 * len(groups), 3.9), squeeze=False)
    for axis, (dataset, entries) in zip(axes[0], groups.items()):
        for entry in entries:
            points = [(level, entry["changed"][f"{level:g}"]) for level in CURVE_LEVELS
                      if entry["changed"][f"{level:g}"] is not None]
            axis.plot([p[0] for p in points], [100 * p[1] for p in points], marker="o", markersize=3,
                      label=f"{entry['name']} ({entry['arch']})")
        axis.set_title(dataset, fontsize=10)
        axis.set_xlabel("gaussian noise σ")
        axis.set_ylabel("changed (% of test images read right when clean)")
        axis.set_ylim(bottom=0)
        axis.grid(alpha=0.3)
        axis.legend(fontsize=7)
    fig.tight_layout()
    return save(fig, path)


def run(context: Context) -> Outcome:
    """Gather every served denoiser's readings from its card; rank by changed rate at σ=0.7, per dataset."""
    found = served_cards(context)
    read = [entry(name, version, card) for name, version, _, card in found
            if settings_of(card.get("metrics", {}).get("reading", {}))]
    unread = [f"{name}/{version}" for name, version, _, card in found if "reading" not in card.get("metrics", {})]
    if not read:
        raise FileNotFoundError(f"no served model under {context.models_dir} has readings in its card "
                                "(denoiser evaluate --model models/<name>/<v> --reading-only)")
    groups: dict[str, list[dict]] = {}
    order = {name: index for index, name in enumerate(DATASET_NAMES)}
    for item in sorted(read, key=lambda item: (order.get(item["dataset"], len(order)), item["dataset"],
                                               -(item["changed"]["0.7"] or 0.0))):
        groups.setdefault(item["dataset"], []).append(item)
    body = ["Each served denoiser's test images are read by its dataset's reference classifier before and after "
            "denoising (`denoiser evaluate`, readings.py; the figures come from the model cards). **Changed**: "
            "the share of test images read right when clean whose denoised image reads as another class: the "
            "digit or garment the denoiser made up. Denoised accuracy and the risk AUC (how well 1 - the "
            "classifier's top probability on the denoised image, the risk /denoise answers, flags a denoised image "
            "read as a wrong class) at σ=0.7. PSNR / SSIM at σ=0.5 from the card's test table, for comparison. "
            "Ranked by changed at σ=0.7, most first.", ""]
    results: dict = {"datasets": {}, "unread": unread}
    for dataset, entries in groups.items():
        clean = entries[0]["accuracy"].get("clean")
        body += [f"## {dataset}", "",
                 f"Classifier `{entries[0]['classifier']}`: {_percent(clean)} right on the {entries[0]['images']:,} "
                 "clean test images.", ""]
        body += table(["model", "params", "PSNR / SSIM σ=0.5", *(f"changed σ={level:g}" for level in CHANGED_LEVELS),
                       "denoised accuracy σ=0.7", "risk AUC σ=0.7"], _rows(entries))
        best_psnr = max(entries, key=lambda item: item["psnr"] or 0.0)
        fewest = entries[-1]
        body += ["", f"Fewest changes at σ=0.7: {_percent(fewest['changed']['0.7'])}, by {fewest['label']}, "
                 + ("which also has the best PSNR at σ=0.5." if best_psnr is fewest else
                    f"while the best PSNR at σ=0.5, {best_psnr['label']}, ranks "
                    f"{len(entries) - entries.index(best_psnr)} of {len(entries)} by fewest changes.")]
        misled = inversions(entries)
        body += [f"Where PSNR misleads: {len(misled)} of {len(entries) * (len(entries) - 1) // 2} pairs of models are "
                 "ranked the other way round by PSNR at σ=0.5 and by changed at σ=0.5"
                 + (": " + "; ".join(f"{a['name']} {a['psnr']:.2f} dB but {_percent(a['changed']['0.5'])} changed, "
                                     f"{b['name']} {b['psnr']:.2f} dB and {_percent(b['changed']['0.5'])}"
                                     for a, b in misled) if misled else "") + ".", ""]
        results["datasets"][dataset] = {"classifier": entries[0]["classifier"], "entries": entries,
                                        "inversions": [[a["name"], b["name"]] for a, b in misled]}
    body += [context.link(_plot(groups, context.figure("changed")), "changed rate against noise level"), ""]
    if unread:
        body += [f"Served models without readings in their card (no classifier for their dataset yet, or not "
                 f"evaluated since): {', '.join(unread)}.", ""]
    lines = []
    for dataset, entries in groups.items():
        most, fewest = entries[0], entries[-1]
        lines.append(f"{dataset}: most changed at σ=0.7 {most['label']} {_percent(most['changed']['0.7'])}, "
                     f"fewest {fewest['label']} {_percent(fewest['changed']['0.7'])}")
    data_used = [f"the model cards of the {len(found)} served denoisers under `{context.models_dir}` (highest version "
                 "of each name); nothing trained or scored here",
                 "their `metrics.reading`: the official test split through `denoiser evaluate --reading-only` (all "
                 "test images unless the card's `n` says otherwise), noise seed 0, the same draws as "
                 "`metrics.test`"]
    return Outcome(body, data_used, "; ".join(lines), results)
