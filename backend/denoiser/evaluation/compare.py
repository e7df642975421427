"""Architecture comparison: denoiser compare --archs dense,conv,conv-pool --epochs 15.

Trains each architecture with the same data, noise mix, epochs and seed (through the training
CLI), then scores each export with bare TensorFlow on the test split at the given gaussian
levels, and prints (and optionally writes) a markdown table. Existing exports can be scored
without training via --models.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import tensorflow as tf

from denoiser.imaging import to_model_input
from denoiser.models.export import read_metadata
from denoiser.models.scoring import score, signature_function
from denoiser.training import data, train


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line flags."""
    parser = argparse.ArgumentParser(prog="denoiser compare", description=__doc__,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--archs", default="dense,sparse,conv,conv-bn,conv-deep,conv-pool",
                        help="comma-separated architectures")
    parser.add_argument("--models", default="", help="comma-separated exported model dirs to score as well")
    parser.add_argument("--dataset", default="mnist", choices=data.DATASET_NAMES)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--levels", default="0,0.3,0.5,0.7")
    parser.add_argument("--output-dir", default="runs/compare")
    parser.add_argument("--markdown", default=None, help="also write the table to this file")
    parser.add_argument("--seed", type=int, default=0, help="seed of the test noise draws")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> str:
    """Train and score; returns the markdown table."""
    args = parse_args(argv)
    model_dirs = [Path(p) for p in args.models.split(",") if p]
    for arch in filter(None, args.archs.split(",")):
        flags = ["--dataset", args.dataset, "--arch", arch, "--epochs", str(args.epochs), "--name",
                 f"{args.dataset}-{arch}", "--output-dir", args.output_dir]
        model_dirs.append(train.main(flags + (["--data-dir", args.data_dir] if args.data_dir else [])))
    levels = [float(level) for level in args.levels.split(",")]
    clean = to_model_input(data.load_dataset(args.dataset, args.data_dir).x_test)
    header = ["model", "arch", "params", "train s"] + [f"σ={level:g} PSNR / SSIM" for level in levels]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for model_dir in model_dirs:
        card = read_metadata(model_dir)
        denoise = signature_function(tf.saved_model.load(str(model_dir)))
        cells = []
        for level in levels:
            result = score(denoise, clean, "gaussian" if level else "none", level, args.seed)["denoised"]
            cells.append(f"{result['psnr']:.2f} / {result['ssim']:.3f}")
        lines.append("| " + " | ".join([str(model_dir), card["arch"], f"{card['params']:,}",
                                         str(card["training"]["seconds"])] + cells) + " |")
        print(lines[-1], flush=True)
    table = "\n".join(lines) + "\n"
    if args.markdown:
        Path(args.markdown).write_text(
            f"Test split of {args.dataset}, all {len(clean):,} images, one noise draw (seed {args.seed}).\n\n"
            + table)
    print(table)
    return table


if __name__ == "__main__":
    main()
