"""The `tartip` command line: help everywhere, documented in the README, exit codes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main

README = Path(__file__).parent.parent / "README.md"
COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_documents_every_command(command):
    assert re.search(rf"`tartip {command}\b", README.read_text(encoding="utf-8"))


def test_readme_set_up_is_two_make_targets_and_ci_calls_the_test_one():
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_calendar_command_prints_moved_days_and_month_counts():
    out = CliRunner().invoke(main, ["calendar", "2025"]).output
    assert "05.01.2025 Sun  working" in out
    assert "24.03.2025 Mon  day off" in out
    assert "2025-03: 17 of 31" in out
    assert "total: 246" in out


def test_ingest_prints_a_line_per_file_and_exit_codes(tmp_path, fixtures):
    db = tmp_path / "t.duckdb"
    r = CliRunner().invoke(main, ["ingest", str(fixtures / "edms_kk_bom.csv"), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "edms_kk_bom.csv: edms, read 2, loaded 2 (new 2, updated 0, unchanged 0), quarantined 0" in r.output
    r = CliRunner().invoke(main, ["ingest", str(fixtures / "edms_kk_bom.csv"), "--db", str(db)])
    assert "unchanged" in r.output and r.exit_code == 0
    r = CliRunner().invoke(main, ["ingest", str(fixtures / "unknown.csv"), "--db", str(db)])
    assert r.exit_code == 1
    assert "unknown.csv" in r.output and "reg_date" in r.output


def test_ingest_reports_unresolved_names(tmp_path, fixtures):
    r = CliRunner().invoke(main, ["ingest", str(fixtures / "edms_ru_cp1251.csv"), "--db", str(tmp_path / "t.db")])
    assert "Отдел цифровизации" in r.output


@pytest.mark.parametrize(("args", "code", "out", "err"), [
    (["--help"], 0, "ingest", ""),
    (["ingest", "/nonexistent/export.csv"], 1, "", "файл не найден"),
    (["no-such-command"], 2, "", "No such command"),
])
def test_the_command_leaves_with_its_code_and_every_line_printed(args, code, out, err, tmp_path):
    # `tartip` ends with os._exit (no interpreter teardown): the code must still be the command's
    # (click's usage error 2 included), and what it printed must reach the pipe
    r = subprocess.run([sys.executable, "-m", "pipelines.cli", *args, *(["--db", str(tmp_path / "t.duckdb")]
                        if args[0] == "ingest" else [])], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == code, r.stderr
    assert out in r.stdout and err in r.stderr
