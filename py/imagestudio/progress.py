"""How far one job has got, told stage by stage to whoever asked (the web worker forwards it to the page's card).

The entry point takes an optional callback: handle(op, data, options, name, progress=callback). Without one,
every call here does nothing, so the command line and the tests are unaffected. The callback receives
(stage, label, fraction): a stage key from STAGES, a short sentence to show, and 0..1 for a progress bar.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

Callback = Callable[[str, str, float], None]

# stage -> (label, where its part of the bar starts, where it ends). Encoding is shared among its trials.
STAGES = {
    "reading": ("Reading the file", 0.0, 0.1),
    "cleaning": ("Removing metadata", 0.1, 0.6),
    "decoding": ("Decoding", 0.0, 0.3),
    "resizing": ("Resizing", 0.3, 0.4),
    "watermarking": ("Drawing the watermark", 0.4, 0.45),
    "encoding": ("Encoding", 0.45, 0.9),
    "checking": ("Checking the result", 0.9, 1.0),
}


@dataclass
class _Job:
    callback: Callback
    trials: int = 1   # encodes expected (auto quality bisects; a target size searches)
    trial: int = 0


_current: ContextVar[_Job | None] = ContextVar("imagestudio_progress", default=None)


@contextmanager
def reporting(callback: Callback | None) -> Iterator[None]:
    """Within this block, stage() and trial() call `callback` (nothing happens when it is None)."""
    token = _current.set(_Job(callback) if callback is not None else None)
    try:
        yield
    finally:
        _current.reset(token)


def stage(key: str) -> None:
    """The job enters a stage (a key of STAGES)."""
    job = _current.get()
    if job is not None:
        label, start, _end = STAGES[key]
        job.callback(key, f"{label}…", start)


def expect_trials(count: int) -> None:
    """How many encodes the quality search expects to make (the label says 'trial k of n')."""
    job = _current.get()
    if job is not None:
        job.trials, job.trial = max(1, count), 0


def trial() -> None:
    """One more encode starts."""
    job = _current.get()
    if job is None:
        return
    job.trial += 1
    job.trials = max(job.trials, job.trial)  # a search that takes longer than expected says so
    label, start, end = STAGES["encoding"]
    text = f"{label}, trial {job.trial} of {job.trials}…" if job.trials > 1 else f"{label}…"
    job.callback("encoding", text, round(start + (end - start) * (job.trial - 1) / job.trials, 3))
