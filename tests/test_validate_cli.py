"""`tartip validate` and the validation run by `tartip ingest`; Data Docs that open offline."""

from __future__ import annotations

import duckdb
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.validate import docs_offline


def test_ingest_runs_the_checks_and_validate_prints_the_table(tmp_path, fixtures):
    db = tmp_path / "t.duckdb"
    r = CliRunner().invoke(main, ["ingest", str(fixtures / "edms_ru_cp1251.csv"), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "validation run #1" in r.output and "errors" in r.output
    r = CliRunner().invoke(main, ["validate", "--db", str(db), "--rule", "R-9.21", "--lang", "kk"])
    assert r.exit_code == 0, r.output
    assert "Calculating Metrics" not in r.output  # GX progress bars are silenced
    assert "R-9.21-CARD" in r.output and "орындау карточкасы" in r.output.lower()
    r = CliRunner().invoke(main, ["validate", "--db", str(db), "--rule", "R-9.21", "--strict"])
    assert r.exit_code == 2  # 01-12/2 is "Исполнен" without an execution card
    r = CliRunner().invoke(main, ["validate", "--db", str(db), "--rule", "R-8.5-CONTROLLER", "--strict"])
    assert r.exit_code == 0
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(distinct run_id) from validation_runs").fetchall() == [(4,)]
    con.close()


def test_data_docs_are_built_and_need_no_network(tmp_path, fixtures):
    db = tmp_path / "t.duckdb"
    CliRunner().invoke(main, ["ingest", str(fixtures / "edms_kk_bom.csv"), "--db", str(db), "--no-validate"])
    r = CliRunner().invoke(main, ["validate", "--db", str(db)])
    index = tmp_path / "t_docs" / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    assert f"Data Docs: {index}" in r.output
    assert index.exists()
    assert docs_offline.external_assets(index.parent) == set()


def test_validate_on_an_empty_database_says_what_to_do(tmp_path):
    r = CliRunner().invoke(main, ["validate", "--db", str(tmp_path / "empty.duckdb")])
    assert r.exit_code != 0 and "tartip ingest" in r.output


def test_unknown_rule_is_a_clear_error(tmp_path, fixtures):
    db = tmp_path / "t.duckdb"
    CliRunner().invoke(main, ["ingest", str(fixtures / "edms_kk_bom.csv"), "--db", str(db), "--no-validate"])
    r = CliRunner().invoke(main, ["validate", "--db", str(db), "--rule", "R-0.0"])
    assert r.exit_code != 0 and "R-0.0" in r.output


def test_ingest_switches_threads_briskly_while_gx_is_imported_beside_duckdb(tmp_path, fixtures, monkeypatch):
    """GX is imported in a thread of its own while DuckDB loads (expectations.preload): the interpreter
    changes threads every SWITCH_SECONDS meanwhile, and not when nothing is validated."""
    import sys

    from pipelines import ingest, load, paths
    from pipelines.validate import expectations

    before = sys.getswitchinterval()
    seen: list[float] = []
    real = load.load_file

    def loading(*args, **kwargs):
        seen.append(sys.getswitchinterval())
        return real(*args, **kwargs)

    monkeypatch.setattr(load, "load_file", loading)
    for validate in (True, False):
        assert ingest.run([fixtures / "edms_kk_bom.csv"], tmp_path / f"{validate}.duckdb", paths.DEFAULT_ORG,
                          echo=lambda *a, **k: None, validate=validate)
        assert sys.getswitchinterval() == before
    assert seen == [expectations.SWITCH_SECONDS, before]
