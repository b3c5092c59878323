"""The inbox: a process that stays up and loads every export dropped into a folder.

A day's export copied into the inbox goes through the same `ingest.run` as `tartip ingest`, but
Python, DuckDB and Great Expectations are loaded once, when the watcher starts, not for each file.
Loaded files move to `loaded/<date>/`, files that cannot be read to `rejected/` beside a
`<name>.error.txt` that says why; the database is never touched by a half-written file. When no
file has come for a while, it rewrites the tables (and the snapshot) that the day's loads left with
deleted rows, so that the next file's commits need not (tidy).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import queue
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import click
import duckdb

from pipelines import db, ingest, load, publish, stages

LOADED, REJECTED = "loaded", "rejected"
# a file seen only as created or modified (no close or rename event: network shares, polling)
# is taken once it has not changed for this many seconds
SETTLE_SECONDS = 2.0
# another process holds the database (a `tartip ingest` run): try again after this many seconds
BUSY_RETRY_SECONDS = 2.0
BUSY = "the database is busy (another load) / дерекқор бос емес / база занята"
# after a load (or the start), this many seconds without a file: time to tidy the database
IDLE_SECONDS = 30.0


def is_export(path: Path, inbox: Path) -> bool:
    """An export file lying in the inbox itself (not in loaded/ or rejected/), named as
    `tartip ingest` takes files from a folder (load.is_export_name)."""
    return path.parent == inbox and load.is_export_name(path)


def waiting(inbox: Path) -> list[Path]:
    """The exports in the inbox now, oldest first."""
    files = []
    for p in inbox.iterdir():
        with contextlib.suppress(FileNotFoundError):  # taken away meanwhile
            if p.is_file() and is_export(p, inbox):
                files.append((p.stat().st_mtime_ns, p.name, p))
    return [p for *_, p in sorted(files)]


def settled(path: Path, now: float | None = None) -> bool:
    """True when nothing has written to the file for SETTLE_SECONDS."""
    return (now or time.time()) - path.stat().st_mtime >= SETTLE_SECONDS


def _free_name(folder: Path, name: str) -> Path:
    """folder/name, or folder/stem.N.suffix when a file of that name is already there."""
    folder.mkdir(parents=True, exist_ok=True)
    target, n = folder / name, 1
    while target.exists():
        p = Path(name)
        target, n = folder / f"{p.stem}.{n}{p.suffix}", n + 1
    return target


def file_away(path: Path, inbox: Path, error: str | None = None, today: dt.date | None = None) -> Path:
    """Move a file out of the inbox: to loaded/<date>/, or with error to rejected/ beside
    <name>.error.txt holding the error (the file is never lost, and never taken twice)."""
    if error is None:
        target = _free_name(inbox / LOADED / (today or dt.date.today()).isoformat(), path.name)
    else:
        target = _free_name(inbox / REJECTED, path.name)
    path.replace(target)
    if error is not None:
        target.with_name(target.name + ".error.txt").write_text(
            "Файл жүктелмеді / Файл не загружен:\n" + error.strip() + "\n", encoding="utf-8")
    return target


class Busy(Exception):
    """Another process holds the database's write lock."""


@contextlib.contextmanager
def _busy_when_locked():
    """Turn DuckDB's error on a database another process holds into Busy."""
    try:
        yield
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            raise Busy(str(e)) from e
        raise


def _ingest(files: list[Path], db_path: Path, org_file: Path, echo: Callable[..., None]) -> bool:
    """`ingest.run` (no files: the stages' catch-up), leaving its checkpoint to the idle tidy (the next
    connection, tidy's, replays the log and checkpoints it at close); Busy when another process holds
    the database."""
    with _busy_when_locked():
        return ingest.run(files, db_path, org_file, echo=echo, checkpoint=False)


def tidy(db_path: Path, echo: Callable[..., None] = click.echo) -> list[str]:
    """Rewrite the tables of the database (db.compact) that loads left with deleted rows, and copy them
    to the public snapshot again; return what was rewritten. Busy when another process holds the
    database.

    Each day's load replaces the rows of the tasks it measures again; DuckDB keeps the old ones in
    the file until a commit compacts the table, which pace_vacuum lets happen every few days — a
    file that lands on such a day costs seconds more (region demo: 9.5–11.1 s against 5.8–7.6 s).
    Done here, while no file waits, the next files' commits find nothing to compact.
    """
    started = time.perf_counter()
    with _busy_when_locked():
        con = db.connect(db_path)
    try:
        done = db.compact(con)
        published, model = stages.state(con, "publish"), stages.state(con, "model")
        # the public snapshot is a copy of the main file: copied again once its tables are compact (only
        # as it is, the stages up to date, never ahead of them)
        if done and published and model and published.load_id == model.load_id:
            publish.publish(con, db_path)
            done.append(publish.public_path(db_path).name)
    finally:
        con.close()
    echo(f"tidied / ықшамдалды / уплотнено: {', '.join(done) or '-'} ({time.perf_counter() - started:.1f} s)")
    return done


def _busy(what: str, echo: Callable[..., None]) -> None:
    """Say that the database is busy and wait before trying again."""
    echo(f"{what}: {BUSY} — again in {BUSY_RETRY_SECONDS:.0f} s", err=True)
    time.sleep(BUSY_RETRY_SECONDS)


def take(path: Path, inbox: Path, db_path: Path, org_file: Path,
         echo: Callable[..., None] = click.echo) -> Path:
    """Load one file of the inbox with `ingest.run` and file it away; return where it went.

    Raises Busy (the file stays) when another process writes the database.
    """
    errors: list[str] = []

    def collect(message: str = "", err: bool = False) -> None:
        if err:
            errors.append(message)
        echo(f"  {message}", err=err)

    started = time.perf_counter()
    try:
        ok = _ingest([path], db_path, org_file, collect)
    except Busy:
        raise
    except Exception as e:  # a bug or a full disk: the file is kept aside with the trace, the watcher goes on
        if not path.exists():
            raise FileNotFoundError(path) from e
        errors.append(traceback.format_exc())
        ok = False
    target = file_away(path, inbox, None if ok else "\n".join(errors) or "unknown error")
    verdict = "loaded / жүктелді / загружен" if ok else "rejected / қабылданбады / отклонён"
    echo(f"{path.name}: {verdict} in {time.perf_counter() - started:.1f} s -> {target.relative_to(inbox)}")
    return target


def _tidy(db_path: Path, echo: Callable[..., None]) -> bool:
    """tidy, or say why not; return whether it is still to be done (the database was busy).

    A failure (a full disk) leaves the database as it was (one transaction; the snapshot is swapped
    in whole) and the watcher serving: it tries again after the next file."""
    try:
        tidy(db_path, echo)
        return False
    except Busy:
        echo(f"tidy: {BUSY} — later", err=True)
        return True
    except Exception as e:
        echo(f"tidy failed / ықшамдау сәтсіз / уплотнение не удалось: {type(e).__name__}: {e}", err=True)
        return False


def _events(inbox: Path, inbox_queue: queue.Queue, poll: bool):
    """A started watchdog observer that puts (path, complete) on the queue for every file event:
    complete when the file was closed after writing or renamed into the inbox."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    try:
        from watchdog.observers.inotify import InotifyObserver
    except ImportError:  # not Linux
        InotifyObserver = None  # noqa: N806

    class Handler(FileSystemEventHandler):
        def on_closed(self, event):
            inbox_queue.put((Path(event.src_path), True))

        def on_moved(self, event):
            inbox_queue.put((Path(event.dest_path), True))

        def on_created(self, event):
            inbox_queue.put((Path(event.src_path), False))

        def on_modified(self, event):
            inbox_queue.put((Path(event.src_path), False))

    if poll:
        observer = PollingObserver(timeout=1)
    elif Observer is InotifyObserver:
        # full events: a file renamed in from another folder is a move (complete), not a creation
        # (which waited SETTLE_SECONDS after its last write: up to 2 s more for a fresh file)
        observer = InotifyObserver(generate_full_events=True)
    else:
        observer = Observer()
    observer.schedule(Handler(), str(inbox), recursive=False)
    observer.start()
    return observer


def serve(inbox: Path, db_path: Path, org_file: Path, poll: bool = False, once: bool = False,
          echo: Callable[..., None] = click.echo, stop: Callable[[], bool] = lambda: False,
          idle: float = IDLE_SECONDS) -> int:
    """Watch the inbox and load each export put there until stopped (Ctrl-C, or stop() true);
    once: load what the inbox holds now and return. Returns the number of files taken.

    On start it finishes every stage that is behind (`tartip refresh`), which also loads Great
    Expectations, so the first file is served as fast as the next ones. After `idle` seconds with
    no file (and before `once` returns) it tidies the database.
    """
    inbox = inbox.resolve()
    for sub in ("", LOADED, REJECTED):
        (inbox / sub).mkdir(parents=True, exist_ok=True)
    events: queue.Queue = queue.Queue()
    observer = None if once else _events(inbox, events, poll)
    echo(f"inbox / кіріс папка / входящая папка: {inbox} — starting")
    from pipelines.validate import expectations, gx_worker

    gx_worker.start()  # a day's small frames are checked there; it imports GX meanwhile
    while not stop():  # the stages a crash left behind, finished before the first file
        try:
            _ingest([], db_path, org_file, lambda m="", err=False: echo(f"  {m}", err=err))
            break
        except Busy:
            _busy("start", echo)
    expectations.warm_up()  # for a large file's frames, checked in GX's thread here
    # path -> complete (closed or renamed in); what lies there already is taken as it is
    pending: dict[Path, bool] = {p: once for p in waiting(inbox)}
    taken = 0
    untidy, quiet_since = True, time.monotonic()  # the start's catch-up may have left deleted rows
    if not once:
        echo(f"watching / бақылауда / ожидание файлов: {inbox}")
    try:
        while not stop():
            try:
                # a file seen complete waits only for the events already on their way
                wait = 0.05 if any(pending.values()) else 0.25 if pending else 1.0
                path, complete = events.get(timeout=wait)
                if is_export(path, inbox):
                    pending[path] = pending.get(path, False) or complete
                continue  # drain the events before taking a file
            except queue.Empty:
                if not pending and untidy and time.monotonic() - quiet_since >= idle:
                    untidy, quiet_since = _tidy(db_path, echo), time.monotonic()
            for path, complete in sorted(pending.items(), key=lambda kv: str(kv[0])):
                try:
                    if not (complete or settled(path)):
                        continue
                    gx_worker.start()  # again, should the last one have died
                    take(path, inbox, db_path, org_file, echo)
                    taken += 1
                    untidy, quiet_since = True, time.monotonic()
                except Busy:
                    _busy(path.name, echo)
                    break
                except FileNotFoundError:  # taken away from the inbox before or while it was read
                    echo(f"{path.name}: gone from the inbox / кіріс папкадан жоқ болды / исчез из папки", err=True)
                del pending[path]
                break  # events that came meanwhile first
            if once and not pending:
                if taken:
                    _tidy(db_path, echo)
                break
    except KeyboardInterrupt:
        pass
    finally:
        if observer is not None:
            observer.stop()
            observer.join()
        gx_worker.stop()
    return taken
