"""Reproduce the seed reports' studies under one held-out protocol: denoiser study NAME [NAME ...].

With no NAME every study runs, in the index's order. Each writes docs/studies/<name>.md (the command
that regenerates it, the data used, its run time, tables and figures under docs/studies/figures/) and
<name>.json (its numbers), then docs/studies/README.md is rebuilt: the index and the seed reports'
claims beside ours. `--quick` shrinks every subset and epoch budget (for tests; its pages say so) and
writes to runs/studies-quick unless --output-dir says otherwise.
"""

from __future__ import annotations

import argparse
import shlex
import time
from pathlib import Path

from denoiser.evaluation.studies import STUDIES
from denoiser.evaluation.studies.common import Context
from denoiser.evaluation.studies.index import write_index
from denoiser.evaluation.studies.page import write

DEFAULT_OUTPUT = Path("docs/studies")
QUICK_OUTPUT = Path("runs/studies-quick")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line flags; unknown study names are refused with the list of known ones."""
    parser = argparse.ArgumentParser(prog="denoiser study", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"studies to run: {', '.join(STUDIES)}")
    parser.add_argument("--data-dir", default=None, help="directory with the IDX files (../shared/datasets)")
    parser.add_argument("--quick", action="store_true", help="tiny subsets and 2 epochs (tests, development)")
    parser.add_argument("--output-dir", type=Path, default=None,
                        help=f"default {DEFAULT_OUTPUT} ({QUICK_OUTPUT} with --quick)")
    parser.add_argument("--models-dir", type=Path, default=Path("models"), help="the served exports")
    parser.add_argument("--fallback-models-dir", type=Path, default=Path("runs/seed"),
                        help="exports used for names not (yet) under --models-dir")
    parser.add_argument("--models", default="", help="comma-separated model names to score (default: all)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in STUDIES]
    if unknown:
        parser.error(f"unknown study {', '.join(map(repr, unknown))}; choose from: {', '.join(STUDIES)}")
    args.names = args.names or list(STUDIES)
    args.output_dir = args.output_dir or (QUICK_OUTPUT if args.quick else DEFAULT_OUTPUT)
    return args


def command(name: str, args: argparse.Namespace) -> str:
    """The command line that regenerates study `name` with these flags (defaults left out)."""
    parts = ["denoiser", "study", name]
    if args.data_dir:
        parts += ["--data-dir", args.data_dir]
    if args.quick:
        parts.append("--quick")
    if args.output_dir != (QUICK_OUTPUT if args.quick else DEFAULT_OUTPUT):
        parts += ["--output-dir", str(args.output_dir)]
    if args.models_dir != Path("models"):
        parts += ["--models-dir", str(args.models_dir)]
    if args.fallback_models_dir != Path("runs/seed"):
        parts += ["--fallback-models-dir", str(args.fallback_models_dir)]
    if args.models:
        parts += ["--models", args.models]
    return shlex.join(parts)


def main(argv: list[str] | None = None) -> list[Path]:
    """Run the named studies; returns the pages written."""
    args = parse_args(argv)
    pages = []
    for name in args.names:
        study = STUDIES[name]
        context = Context(name=name, command=command(name, args), output_dir=args.output_dir,
                          data_dir=args.data_dir, quick=args.quick, models_dir=args.models_dir,
                          fallback_models_dir=args.fallback_models_dir,
                          model_names=tuple(filter(None, args.models.split(","))))
        print(f"study {name}: {study.title}", flush=True)
        started = time.perf_counter()
        outcome = study.run(context)
        seconds = time.perf_counter() - started
        pages.append(write(context, study.title, study.reports, outcome, seconds))
        print(f"study {name}: {seconds:.0f} s -> {pages[-1]}; {outcome.headline}", flush=True)
    write_index(args.output_dir)
    return pages


if __name__ == "__main__":
    main()
