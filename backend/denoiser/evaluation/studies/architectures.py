"""The league table: every served MNIST architecture with its size, training cost, validation score, test
PSNR/SSIM at each gaussian level on all test images, and its speed through the exported signature."""

from __future__ import annotations

import os

from denoiser.evaluation.figures import plt
from denoiser.evaluation.studies.common import NOISE_SEED, Claim, Context, Outcome, scored
from denoiser.evaluation.studies.page import pair, save, table
from denoiser.evaluation.studies.served import latency_ms, served_models, throughput
from denoiser.imaging.noise import add_noise

LEVELS = (0.3, 0.5, 0.7, 0.9)
THROUGHPUT_IMAGES = 2000


def _training(card: dict) -> dict:
    """What the card says about training: images, epochs run, best epoch, seconds, validation PSNR at σ=0.5."""
    training = card.get("training", {})
    validation = card.get("metrics", {}).get("validation", {}).get("gaussian:0.5", {}).get("denoised", {})
    return {"n_train": training.get("n_train"), "epochs_run": training.get("epochs_run"),
            "best_epoch": training.get("best_epoch"), "seconds": training.get("seconds"),
            "validation_psnr": validation.get("psnr")}


def _plot(entries: list[dict], path):
    """Test PSNR at σ=0.5 against batch-1 latency, marker area by parameter count."""
    fig, axis = plt.subplots(figsize=(7, 4.4))
    placed: list[tuple[float, float]] = []
    for entry in entries:
        point = (entry["latency_ms"], entry["test"]["0.5"]["psnr"])
        axis.scatter(*point, s=20 + entry["params"] / 4000, alpha=0.6)
        # A label next to an earlier point's goes below its marker, so the two stay readable.
        crowded = any(abs(point[0] - x) < 0.3 and abs(point[1] - y) < 0.3 for x, y in placed)
        axis.annotate(entry["name"], point, fontsize=8, xytext=(6, -11 if crowded else 4), textcoords="offset points")
        placed.append(point)
    axis.set_xlabel("batch-1 latency through the SavedModel signature (ms, median)")
    axis.set_ylabel("test PSNR at σ=0.5 (dB)")
    axis.set_title("marker area: parameters", fontsize=9)
    axis.grid(alpha=0.3)
    fig.tight_layout()
    return save(fig, path)


def run(context: Context) -> Outcome:
    """Score and time every served MNIST model; rank by test PSNR at σ=0.5."""
    models = served_models(context, "mnist")
    clean = context.split("mnist").test_x
    speed_images = add_noise(clean[:THROUGHPUT_IMAGES], "gaussian", 0.5, NOISE_SEED)
    entries = []
    for model in models:
        print(f"  {model.label}", flush=True)
        entries.append({"name": model.name, "label": model.label, "path": str(model.path),
                        "arch": model.card.get("arch"), "params": int(model.card.get("params", 0)),
                        "command": model.card.get("training", {}).get("command", ""),
                        **_training(model.card),
                        "test": {f"{level:g}": scored(model.denoise, clean, "gaussian", level) for level in LEVELS},
                        "images_per_second": throughput(model.denoise, speed_images),
                        "latency_ms": latency_ms(model.denoise, speed_images[0])})
    load = os.getloadavg()[0]  # speed is only comparable between runs on an otherwise idle machine
    entries.sort(key=lambda entry: -entry["test"]["0.5"]["psnr"])
    noisy = {f"{level:g}": scored(lambda images: images, clean, "gaussian", level) for level in LEVELS}

    def number(value, form: str) -> str:
        return "-" if value is None else format(value, form)

    rows = [[f"**{entry['label']}**" if rank == 0 else entry["label"], f"{entry['params']:,}",
             number(entry["n_train"], ","), f"{entry['epochs_run']} ({entry['best_epoch']})",
             number(entry["seconds"], ".0f"), number(entry["validation_psnr"], ".2f"),
             *(pair(entry["test"][f"{level:g}"]) for level in LEVELS),
             f"{entry['images_per_second']:,.0f}", f"{entry['latency_ms']:.2f}"] for rank, entry in enumerate(entries)]
    rows.append(["noisy input", "-", "-", "-", "-", "-", *(pair(noisy[f"{level:g}"]) for level in LEVELS), "-", "-"])
    figure = _plot(entries, context.figure("psnr-latency"))
    body = ["## League table", "",
            f"Ranked by test PSNR at σ=0.5 (DESIGN.md's headline: all {len(clean):,} test images). Training columns "
            "come from each model card (images, epochs run with the early-stopping epoch in brackets, seconds on "
            "the machine that trained it, validation PSNR at σ=0.5 on the held-out validation split). Test: "
            "PSNR / SSIM, one noise draw per level. Speed: images/s in batches of 500, and the median of 100 "
            f"single-image calls in ms, both through the exported `denoise` signature on {os.cpu_count()} CPU "
            f"cores (TensorFlow's default threads); the 1-minute load average at the end was {load:.1f}.", ""]
    body += table(["model", "params", "train images", "epochs (best)", "train s", "val σ=0.5 PSNR",
                   *(f"test σ={level:g}" for level in LEVELS), "images/s", "batch-1 ms"], rows)
    body += ["", context.link(figure, "PSNR against latency"), "", "Models (path and the command that trained it):",
             ""]
    body += [f"- `{entry['path']}`: {entry['command']}" for entry in entries]
    leader, results = entries[0], {"entries": entries, "noisy": noisy, "load_average": load}
    by_arch = {entry["arch"]: entry for entry in entries}
    claims = []
    for arch, report, quote, measured in (
            ("conv-bn", "ML-assignment", "\"R2 Score ... for validation, the value of R2 Score is 0.8869\" "
             "(σ=0.5)", "R² on its validation split after 25 epochs, one noise draw made before training; no "
             "test-set number"),
            ("conv-pool", "EE5179", "pooling/unpooling conv autoencoder: \"Validation accuracy: 81.4% Error: 0.086\"",
             "Keras \"accuracy\" and loss on validation, 10 epochs")):
        if arch in by_arch:
            entry = by_arch[arch]
            claims.append(Claim(report, quote, measured,
                                f"{entry['label']}: test R² {entry['test']['0.5']['r2']:.3f}, MSE "
                                f"{entry['test']['0.5']['mse']:.4f}, PSNR {entry['test']['0.5']['psnr']:.2f} dB at "
                                f"σ=0.5; best here: {leader['label']} {leader['test']['0.5']['psnr']:.2f} dB"))
    if "conv" in by_arch and "conv-deep" in by_arch:
        conv, deep = by_arch["conv"], by_arch["conv-deep"]
        claims.append(Claim("DL-project", "\"One way to improve performance could be to increase the complexity of "
                            "the model by adding more layers\" (the deeper LeakyReLU variant)",
                            "proposed; the deeper model was built but never trained or scored",
                            f"test PSNR at σ=0.5: conv-deep {deep['test']['0.5']['psnr']:.2f} dB "
                            f"({deep['params']:,} params) vs conv {conv['test']['0.5']['psnr']:.2f} dB "
                            f"({conv['params']:,})"))
    headline = (f"best at σ=0.5: {leader['label']} {pair(leader['test']['0.5'])}, {leader['latency_ms']:.1f} ms "
                f"batch-1; last: {entries[-1]['label']} {entries[-1]['test']['0.5']['psnr']:.2f} dB")
    data_used = [f"test: all {len(clean):,} images of the official MNIST test set, gaussian noise seed {NOISE_SEED}",
                 f"speed: {THROUGHPUT_IMAGES:,} noisy test images (σ=0.5)",
                 f"models: the {len(models)} served MNIST exports, through `tf.saved_model.load` and the `denoise` "
                 "signature; their training choices were made on the validation split (their cards)"]
    return Outcome(body, data_used, headline, results, claims)
