"""Run every rule (or some), record the results, build the Data Docs."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines import db
from pipelines.validate import catalogue, deadlines, expectations


def docs_root_for(db_path: Path | str) -> Path:
    """Where the Data Docs of a database go: tartip.duckdb -> tartip_docs/ beside it."""
    p = Path(db_path).resolve()
    return p.parent / f"{p.stem}_docs"


@dataclass
class RuleResult:
    """One line of the summary table."""

    rule: catalogue.Rule
    checked: int
    violations: int
    seconds: float

    @property
    def status(self) -> str:
        """pass, or fail when a record was flagged."""
        return "fail" if self.violations else "pass"


def default_as_of(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The date the data speaks for (the model's data_as_of: latest export, not today)."""
    row = db.one(con, "select as_of from data_as_of")
    return row[0] if row and row[0] else dt.date.today()


def run(con: duckdb.DuckDBPyConnection, rule_ids: list[str] | None = None, as_of: dt.date | None = None,
        docs_root: Path | None = None, done=None, progress=None) -> tuple[int, list[RuleResult], Path | None]:
    """Check the rules on the loaded data in one transaction; return (run id, results, Data Docs index).

    docs_root: where to build the Data Docs (None: run the suites without building them).
    done: the stages.State to record in the same transaction (the pipeline's validate stage).
    progress: a stages.Progress told which rule or suite runs.
    """
    from pipelines import stages

    rules = catalogue.load()
    if rule_ids:
        unknown = set(rule_ids) - {r.id for r in rules} - {r.clause for r in rules}
        if unknown:
            raise ValueError(f"unknown rule / неизвестное правило: {', '.join(sorted(unknown))}")
        rules = [r for r in rules if r.id in rule_ids or r.clause in rule_ids]
    as_of = as_of or default_as_of(con)
    run_id = db.one(con, "select coalesce(max(run_id), 0) + 1 from validation_runs")[0]
    run_at = dt.datetime.now()
    results: dict[str, RuleResult] = {r.id: RuleResult(r, 0, 0, 0.0) for r in rules}
    by_id = catalogue.by_id(rules)
    docs_index = None
    con.begin()
    try:
        step = progress.stage if progress else (lambda what: None)
        for rule in rules:
            if rule.kind == "deadline":
                step(f"validate: {rule.id}")
                t = time.perf_counter()
                checked, bad = deadlines.run(con, rule, run_id, as_of)
                results[rule.id] = RuleResult(rule, checked, bad, time.perf_counter() - t)
        suites = {r.suite for r in rules if r.kind != "deadline"}
        if suites:
            step("validate: starting Great Expectations")
            ctx = expectations.context(docs_root)
            for path in expectations.suite_files():
                t = time.perf_counter()
                step(f"validate: suite {path.stem}")
                for chunk, outcomes in enumerate(expectations.run_suite(ctx, con, path), 1):
                    step(f"validate: suite {path.stem}, {chunk} chunk(s) checked")
                    spent = (time.perf_counter() - t) / max(len(outcomes), 1)
                    for o in outcomes:
                        if o.rule_id not in by_id:
                            continue
                        res = results[o.rule_id]
                        res.checked += o.checked
                        res.violations += len(o.failed)
                        res.seconds += spent
                        expectations.write(con, by_id[o.rule_id], run_id, o.failed)
                    t = time.perf_counter()
            if docs_root:
                from pipelines.validate import docs_offline

                step("validate: Data Docs")
                ctx.build_data_docs()
                docs_index = docs_root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
                docs_offline.localise(docs_index.parent)
        for res in results.values():
            r = res.rule
            con.execute(
                "insert into validation_runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [run_id, run_at, as_of, r.id, r.clause, r.kind, r.severity, r.title_kk, r.title_ru, r.title_en,
                 res.checked, res.violations, res.status, round(res.seconds, 3)],
            )
        if done is not None:
            stages.mark(con, "validate", done, sum(r.violations for r in results.values()))
        stages.kill_point("validate")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return run_id, list(results.values()), docs_index
