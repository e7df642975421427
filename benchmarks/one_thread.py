"""`bench` row (d1): the bare SavedModel `denoise` call with one TensorFlow thread, as a gunicorn worker has it.

TensorFlow's threading is fixed once per process, and the bench process keeps TensorFlow's defaults for
the references it compares against (the seed-style server and row (d), the signature called as a user's
own process calls it). This row therefore runs in a helper process, started with `spawn` (TensorFlow does
not survive a fork), which times the call when asked, so that it takes its turn in the same interleaved
rounds as every other path.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from pathlib import Path


def _serve_timings(connection, model_path: str) -> None:
    """In the helper: load the model with one TensorFlow thread, then time `repeats` calls per request."""
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    from benchmarks.latency import bare_calls, timed
    from denoiser.models.store import discover
    from denoiser.serving.registry import load_model

    path = Path(model_path)
    versions = discover(path.parent.parent)[path.parent.name]
    call = bare_calls(load_model(path.parent.name, int(path.name), versions, path))["bare_tf"]
    connection.send("ready")
    while (request := connection.recv()) is not None:
        repeats, warmup = request
        connection.send(timed(call, repeats, warmup))


class OneThreadBareCall:
    """Times the bare `denoise` call of the SavedModel at `model_path` in a one-thread helper process."""

    def __init__(self, model_path: Path, timeout: float = 300):
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve_timings, args=(child, str(model_path)), daemon=True)
        self.process.start()
        child.close()  # the helper's end: if the helper dies, this end reads EOF instead of waiting
        try:
            ready = self.connection.poll(timeout) and self.connection.recv() == "ready"
        except EOFError:
            ready = False
        if not ready:
            self.close()
            raise RuntimeError(f"the one-thread helper did not load {model_path} within {timeout:.0f} s")

    def timed(self, repeats: int, warmup: int) -> list[float]:
        """Milliseconds per call of `repeats` calls after `warmup` untimed ones, as `bench.timed` gives them."""
        self.connection.send((repeats, warmup))
        return self.connection.recv()

    def close(self) -> None:
        """Stop the helper process."""
        if self.process.is_alive():
            with contextlib.suppress(OSError):  # the helper is gone already
                self.connection.send(None)
            self.process.join(30)
        if self.process.is_alive():
            self.process.kill()
        self.connection.close()
