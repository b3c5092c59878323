"""The ingest job: load files one transaction each, rebuild the model, print a line per file."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from pipelines import db, load, model, org, stages
from pipelines.readers import ReadError


def format_summary(s: load.Summary) -> str:
    """One line per file for the CLI."""
    name = Path(s.file).name
    if s.status == "unchanged":
        return f"{name}: {s.kind}, unchanged — {s.message}"
    line = (f"{name}: {s.kind}, read {s.rows_read}, loaded {s.rows_loaded} "
            f"(new {s.rows_new}, updated {s.rows_updated}, unchanged {s.rows_unchanged}), "
            f"quarantined {s.rows_quarantined}, skipped {s.rows_skipped}")
    if s.sheets:
        line += f"; sheets: {', '.join(s.sheets)}"
    if s.message:
        line += f"; {s.message}"
    if s.unresolved:
        shown = ", ".join(s.unresolved[:5]) + (" …" if len(s.unresolved) > 5 else "")
        line += (f"\n    {len(s.unresolved)} unit name(s) not in the directory / "
                 f"анықтамалықта жоқ атаулар: {shown}")
    return line


def run(inputs: list[Path], db_path: Path, org_file: Path, echo=click.echo, validate: bool = True,
        full: bool = False, checkpoint: bool = True) -> bool:
    """Load every file, then finish every stage that is behind; True when every file could be read.

    With no inputs (`tartip refresh`) only the stages run. A file already loaded is not loaded
    again, but the stages still catch up: a run killed at any point is repaired by running again.
    checkpoint: False leaves the run's commits in DuckDB's write-ahead log when the database is
    closed (as durable: the next connection replays it) — the inbox watcher checkpoints while idle
    (watch.tidy) instead of at the end of each file (~0.08 s of a demo day).
    """
    directory = org.load(org_file)
    files = load.find_files(inputs)
    if inputs and not files:
        echo(f"no export files in / файлдар жоқ: {', '.join(map(str, inputs))}", err=True)
        return False
    with contextlib.ExitStack() as stack:
        if validate:
            from pipelines.validate import expectations

            expectations.preload()  # ~2 s of imports, done while DuckDB loads and builds the model
            stack.enter_context(expectations.brisk_switching())  # the import's thread beside DuckDB
        con = db.connect(db_path)
        stack.callback(con.close)
        if not checkpoint:  # set at the end, so that the snapshots' files are still checkpointed at detach
            stack.callback(con.execute, "pragma disable_checkpoint_on_shutdown")
        return _run(con, files, db_path, org_file, directory, echo, validate, full)


def _run(con, files: list[Path], db_path: Path, org_file: Path, directory: org.Directory, echo, validate: bool,
         full: bool) -> bool:
    """Load the files on an open connection, then catch up the stages (run)."""
    ok = True
    db.init(con)
    with stages.Progress(con, enabled=None if echo is click.echo else False) as progress:
        if echo is click.echo:
            echo = progress.echo
        for path in files:
            progress.stage(f"ingest: {Path(path).name}")
            try:
                s = load.load_file(
                    con, path,
                    resolve=lambda src, load_id: model.unresolved(con, directory, load_id),
                )
            except ReadError as e:
                ok = False
                echo(f"ERROR {e}", err=True)
                continue
            echo(format_summary(s))
        stages.kill_point("ingested")
        stages.catch_up(con, db_path, org_file, directory, echo=echo, validate=validate, full=full,
                        progress=progress)
    return ok
