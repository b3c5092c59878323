"""The ingest job: load files one transaction each, rebuild the model, print a line per file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipelines import db, load, model, org, publish
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


def run(inputs: list[Path], db_path: Path, org_file: Path, echo=click.echo, validate: bool = True) -> bool:
    """Load every file, rebuild the model once and check the rules; True when every file could be read."""
    directory = org.load(org_file)
    files = load.find_files(inputs)
    if not files:
        echo(f"no export files in / файлдар жоқ: {', '.join(map(str, inputs))}", err=True)
        return False
    con = db.connect(db_path)
    ok, changed = True, False
    try:
        db.init(con)
        if sys.stderr.isatty():
            con.execute("set enable_progress_bar = true")
        for path in files:
            try:
                s = load.load_file(
                    con, path,
                    resolve=lambda src, load_id: model.unresolved(con, directory, load_id),
                )
            except ReadError as e:
                ok = False
                echo(f"ERROR {e}", err=True)
                continue
            changed |= s.status == "loaded"
            echo(format_summary(s))
        if changed or not db.table_exists(con, "task_assignments"):
            model.build(con, directory)
        n = db.one(con, "select count(*) from task_assignments")[0]
        echo(f"model: {n} task assignments in {db_path}")
        if changed and validate:
            from pipelines.validate import run as validation

            run_id, results, docs = validation.run(con, docs_root=validation.docs_root_for(db_path))
            echo(f"validation run #{run_id}: "
                 f"{sum(r.violations for r in results if r.rule.severity == 'error'):,} errors, "
                 f"{sum(r.violations for r in results if r.rule.severity == 'warning'):,} warnings"
                 + (f"; Data Docs: {docs}" if docs else ""))
        if changed or not publish.public_path(db_path).exists():
            public, _ = publish.publish(con, db_path)
            echo(f"published for the dashboard and analysts: {public}")
    finally:
        con.close()
    return ok
