"""The modules GX imports unused stay placeholders through a whole run, and load when used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def python(code: str) -> str:
    """Run code in a fresh interpreter (sys.modules untouched by the tests); its standard output."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).parent.parent)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_a_whole_ingest_with_data_docs_never_uses_the_deferred_modules(tmp_path):
    # every suite, every rule and the Data Docs of a first load: if an expectation type of the suites
    # (or the rendering of its docs) needed scipy.stats or altair, its placeholder would have loaded
    out = python(f"""
from pipelines.cli import main
from pipelines.validate import deferred
try:
    main(["ingest", {str(FIXTURES / "edms_kk.xlsx")!r}, {str(FIXTURES / "protocols_kk.csv")!r},
          {str(FIXTURES / "appeals_kk.xlsx")!r}, "--db", {str(tmp_path / "t.duckdb")!r}])
except SystemExit as e:
    assert not e.code, e.code
import great_expectations
print([deferred.is_deferred(n) for n in deferred.UNUSED_BY_SUITES])
""")
    assert out.splitlines()[-1] == "[True, True]"
    assert (tmp_path / "t_docs").exists()  # the Data Docs were rendered in that process


def test_a_deferred_module_becomes_the_real_one_at_first_use():
    out = python("""
import sys
from pipelines.validate import deferred
assert deferred.defer() == ["scipy.stats", "altair"]
from great_expectations.expectations.core import expect_column_kl_divergence_to_be_less_than as kl
assert deferred.is_deferred("scipy.stats")
print(kl.stats.entropy([0.5, 0.5], [0.5, 0.5]), deferred.is_deferred("scipy.stats"),
      sys.modules["scipy.stats"].entropy is kl.stats.entropy, kl.alt.Chart.__name__)
""")
    assert out == "0.0 False True Chart"


def test_a_module_already_imported_is_left_alone():
    assert python("""
import scipy.stats
from pipelines.validate import deferred
print(deferred.defer(), deferred.is_deferred("scipy.stats"))
""") == "['altair'] False"
