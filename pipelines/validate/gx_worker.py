"""Great Expectations in a process of its own, for the small frames of the inbox watcher's days.

A thread of GX's shares the interpreter with the thread that runs DuckDB's statements: each statement
waits for GX's pure Python to hand the interpreter back, and GX's checks wait for the Python between
the statements. In a process of its own GX has the other core to itself. A demo day's rules in-process
(medians of 10 rounds): 0.96 s with GX in a thread, 0.77 s with GX in the worker (0.62 s with GX's
checks replaced by a sleep as long: the bound).

The inbox watcher starts the worker when it starts (`tartip watch`). A single `tartip ingest` does
not: a new process imports pandas, DuckDB and GX before its first check, ~1 s more than GX's import in
a thread of the command's own, which the command's day would wait for (a demo day 3.4-3.7 s against
3.2 s). Frames over expectations.SMALL_FRAME rows and runs with Data Docs stay in GX's thread: a
frame's copy in a second process would count twice in the memory budget. A worker that died is
replaced by GX's thread for the rest of the run, and the watcher starts another for the next file.

The worker is `python -m pipelines.validate.gx_worker`, a child that reads (suite, frame) pickles
on its stdin and answers each with what GX found (expectations.check) on a pipe of its own; it ends
when its stdin closes, so also when the watcher is killed.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import pickle
import subprocess
import sys

from pipelines.paths import ROOT

_RUNNING: dict[str, Worker] = {}


class WorkerDied(RuntimeError):
    """The worker process ended while it was asked for a check."""


class Worker:
    """A worker process; each check is a Future, sent and awaited by one thread of this process (which
    waits on the pipe without holding the interpreter)."""

    def __init__(self) -> None:
        # run from the folder this package is in, so that `-m` finds this code, whatever the caller's folder
        self.process = subprocess.Popen([sys.executable, "-m", "pipelines.validate.gx_worker"], cwd=ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.calls = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="gx-worker")

    def submit(self, doc: dict, df) -> concurrent.futures.Future:
        """Check one chunk with a suite in the worker: the Future of expectations.check's result."""
        return self.calls.submit(self._call, doc, df)

    def _call(self, doc: dict, df):
        try:
            pickle.dump((doc, df), self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.process.stdin.flush()
            ok, value = pickle.load(self.process.stdout)
        except (EOFError, OSError, ValueError, pickle.UnpicklingError) as e:  # ValueError: its pipes closed
            raise WorkerDied(f"GX's worker process ended (exit {self.process.poll()})") from e
        if not ok:
            raise value
        return value, None

    def close(self) -> None:
        """End the worker (at once, whatever it does) and the thread that talks to it: every check
        still asked of it fails with WorkerDied (none is cancelled, which its caller would not expect)."""
        self.process.kill()
        self.process.wait()
        self.calls.shutdown(wait=True)
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):  # what a check had half written cannot be flushed
                pipe.close()

    def alive(self) -> bool:
        """Whether its process still runs."""
        return self.process.poll() is None


def start() -> Worker:
    """The process's GX worker, started now if none runs or the last one died (it imports GX in the
    background)."""
    if "worker" in _RUNNING and not _RUNNING["worker"].alive():
        stop()
    if "worker" not in _RUNNING:
        _RUNNING["worker"] = Worker()
    return _RUNNING["worker"]


def running() -> Worker | None:
    """The worker started in this process, or None."""
    return _RUNNING.get("worker")


def stop() -> None:
    """End the worker, if one runs (also after it died: WorkerDied)."""
    worker = _RUNNING.pop("worker", None)
    if worker is not None:
        worker.close()


def main() -> None:
    """The worker: answer each (suite, frame) read on stdin with (True, findings) or (False, error)."""
    from pipelines.validate import expectations

    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what GX or a library prints goes to stderr, not into the answers
    requests = sys.stdin.buffer
    expectations.warm_up()
    while True:
        try:
            doc, df = pickle.load(requests)
        except EOFError:  # the watcher closed the pipe, or was killed
            return
        try:
            found, _ = expectations.check(lambda doc=doc: expectations.definition(None, doc), df)
            answer = (True, found)
        except Exception as e:  # noqa: BLE001 — told to the caller, which raises it
            answer = (False, e if _picklable(e) else RuntimeError(repr(e)))
        pickle.dump(answer, answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()


def _picklable(error: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(error))
        return True
    except Exception:  # noqa: BLE001
        return False


if __name__ == "__main__":
    main()
