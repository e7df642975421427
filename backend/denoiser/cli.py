"""The `denoiser` command line: one entry point, a subcommand per job (`denoiser <command> --help` for each).

Each subcommand is the `main(argv)` of the module that does the job (`python -m <module>` takes the same
arguments); `denoiser serve` runs gunicorn with the project's configuration (backend/gunicorn.conf.py), as
`make serve` does. `denoiser bench` runs the benchmarks, which live beside the package in a source checkout
(benchmarks/), not in it.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import sys
from pathlib import Path

# name: (module whose main(argv) runs it, one line of help)
COMMANDS = {
    "train": ("denoiser.training.train", "train a denoiser and export it as a versioned SavedModel with its card"),
    "train-classifier": ("denoiser.training.classifier",
                         "train a dataset's reference classifier (what /denoise's reading uses)"),
    "evaluate": ("denoiser.evaluation.evaluate",
                 "score a model on the test split (clean, real and noisy inputs) and write its report"),
    "candidates": ("denoiser.evaluation.candidates",
                   "model versions side by side on the validation split: PSNR, SSIM, class changed"),
    "tune-baselines": ("denoiser.training.tune_baselines", "tune the classical baselines of /compare on validation"),
    "compare": ("denoiser.evaluation.compare",
                "train the seed reports' architectures under one protocol and score them"),
    "fine-tune-study": ("denoiser.evaluation.fine_tuning",
                        "fine-tuning a served model against training from scratch on your own images"),
    "study": ("denoiser.evaluation.study", "repeat the seed reports' studies (docs/studies/)"),
    "latent-study": ("denoiser.evaluation.latent_study", "choose the latent map's projection on the training split"),
    "bench": ("benchmarks.latency", "latency, throughput and CPU per request of the API (make bench)"),
    "lite": ("denoiser.models.lite", "write model.tflite, the API's fast path, beside served SavedModels"),
    "reexport": ("denoiser.models.reexport", "re-export SavedModels with one copy of each weight"),
    "openapi": ("denoiser.serving.openapi", "write the API's OpenAPI document, generated from its schemas"),
    "serve": (None, "serve the API and the built UI with gunicorn (PORT, default 8000)"),
}


def _usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = [f"  {name:<{width}}  {text}" for name, (_, text) in COMMANDS.items()]
    return ("usage: denoiser <command> [options]\n\n" + (__doc__ or "").split("\n\n")[0] + "\n\ncommands:\n"
            + "\n".join(lines) + "\n\n`denoiser <command> --help` shows a command's options.")


def serve(argv: list[str]) -> None:
    """Replace this process with gunicorn serving `denoiser.serving.wsgi:app` (extra arguments go to gunicorn)."""
    # the source tree's backend/gunicorn.conf.py: beside the package (editable install), or under the working
    # directory (the api image's /app)
    places = (Path(__file__).resolve().parents[1], Path.cwd() / "backend")
    config = next((p / "gunicorn.conf.py" for p in places if (p / "gunicorn.conf.py").exists()), None)
    if config is None:
        raise SystemExit("denoiser serve: backend/gunicorn.conf.py not found; run it from the repository")
    gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))
    os.execv(gunicorn, [gunicorn, "-c", str(config), *argv, "denoiser.serving.wsgi:app"])


def complete_own_model(directory: Path) -> None:
    """Before a model trained on your own images is published: its report, examples and latent map from its
    test split, and its baselines tuned on validation (quick settings; `denoiser evaluate` redoes it in full)."""
    from denoiser.evaluation import evaluate
    from denoiser.training import tune_baselines

    evaluate.main(["--model", str(directory), "--limit", "1000", "--baseline-limit", "0",
                   "--real-inputs", "0", "--noisy-inputs", "0"])
    # the quick methods; non-local means and BM3D keep their default settings (minutes to tune on 2 cores)
    tune_baselines.main(["--model", str(directory), "--images", "100",
                         "--methods", "median,gaussian blur,total variation,wavelet"])


def classify_own_images(directory: Path) -> None:
    """After `train --data`: the images' reference classifier (what /denoise's reading uses), when they come in
    two or more classes and none is trained yet."""
    from denoiser.models import classifier
    from denoiser.models.store import discover
    from denoiser.training import classifier as training

    card = json.loads((directory / "metadata.json").read_text())
    if "data" not in card or len(card.get("class_names", [])) < 2:
        return
    models = directory.parent.parent
    if classifier.name_for(card["dataset"]) in discover(models, kind="classifier"):
        return
    print(f"training {classifier.name_for(card['dataset'])}: what your {len(card['class_names'])} classes read as",
          flush=True)
    report_classifier(training.main(["--data", card["data"]["path"], "--name", card["dataset"],
                                     "--preprocess", card["preprocess"], "--output-dir", str(models)]))


def train_classifier(argv: list[str]) -> Path:
    """`denoiser train-classifier`: train and publish; returns the new version directory."""
    from denoiser.training import classifier as training

    return training.main(argv)


def report_classifier(directory: Path) -> None:
    """A classifier's report on its test split (the training never reads it)."""
    from denoiser.evaluation import evaluate

    data_dir = json.loads((directory / "metadata.json").read_text())["training"]["config"].get("data_dir")
    evaluate.main(["--model", str(directory), *(["--data-dir", data_dir] if data_dir else [])])


def _find_benchmarks() -> None:
    """Put the source checkout holding benchmarks/ on the import path (an editable install, or the working
    directory), or say that `denoiser bench` needs one."""
    for root in (Path(__file__).resolve().parents[2], Path.cwd()):
        if (root / "benchmarks" / "__init__.py").is_file():
            if str(root) not in sys.path:
                sys.path.insert(0, str(root))
            return
    raise SystemExit("denoiser bench: run it from a source checkout (the benchmarks/ folder is not installed)")


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; `denoiser --help` lists them."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        print(f"denoiser: unknown command {command!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    if command == "serve":
        serve(rest)
        return 0
    if command == "train":
        from denoiser.training import train

        directory = train.main(rest, complete=complete_own_model)
        if directory is not None:
            classify_own_images(directory)
        return 0
    if command == "train-classifier":
        report_classifier(train_classifier(rest))
        return 0
    if command == "bench":
        _find_benchmarks()
    module = importlib.import_module(COMMANDS[command][0])
    sys.argv = [f"denoiser {command}", *rest]  # what argparse shows as the program's name
    module.main(rest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
