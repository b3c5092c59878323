"""Run every rule (or some), record the results, build the Data Docs."""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import functools
import hashlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import duckdb

from pipelines import db, settings
from pipelines.validate import catalogue, deadlines, expectations, flags


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


def fingerprint() -> str:
    """A digest of the rules (catalogue, suites, frames, deadline SQL) and the settings they read:
    a change means the next pipeline run checks every record again."""
    from pipelines.paths import DATA, EXPECTATIONS

    h = hashlib.sha256()
    for path in sorted(EXPECTATIONS.rglob("*")) + [DATA / "settings.toml"]:
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _scope(con: duckdb.DuckDBPyConnection, since: int) -> None:
    """What the loads after `since` changed: temp.scope_documents, their EDMS documents, and
    temp.scope_sources, the task sources of the registers among them (the model rebuilds those
    registers' tasks whole and leaves the others' as they were: model._core_scoped)."""
    from pipelines import model

    con.execute(f"""
        create or replace temp table scope_documents as
        select document_id from documents
        where key_hash in (select key_hash from raw_edms where load_id > {int(since)})
    """)
    sources = model.task_sources(model.fresh_kinds(con, since))
    con.execute("create or replace temp table scope_sources (source varchar)")
    if sources:
        con.executemany("insert into scope_sources values (?)", [[s] for s in sources])


def _kept(con: duckdb.DuckDBPyConnection, doc: dict, rule_ids: list[str], run_id: int,
          scope: str) -> list[tuple[str, int]]:
    """Close the flags of a suite's rules for the records it checks again (the scope), and return
    (rule id, flags) of the others: they hold on for this run as they are, unchanged since.

    scope: the predicate of the records checked again (expectations.scope_sql; 'true': all, 'false': none).
    """
    rules = (f"rule_id in ({db.literal_list(rule_ids)}) "
             f"and record_table = {db.literal(doc['meta']['record_table'])}")
    if scope != "false":
        flags.close(con, run_id, f"{rules} and ({scope})")
    return flags.held(con, run_id, rules) if scope != "true" else []


def _check_suite(con: duckdb.DuckDBPyConnection, ctx, path: Path, results: dict[str, RuleResult], run_id: int,
                 prev_run: int | None, step, docs: bool = False,
                 gx: concurrent.futures.Executor | None = None) -> Iterator[bool]:
    """Run one GX suite and write its flags; with prev_run (an incremental run) a suite with a scope
    checks only the records in it and keeps prev_run's flags of the others. docs: store its result
    for the Data Docs. gx: the executor GX checks in (expectations.run_suite).

    A generator: once the suite's frame is ready, and before it writes a flag, it yields whether GX
    already checks it (expectations.run_suite's pause); the caller goes on with it later (_finish).
    It ends without yielding when there is nothing to check."""
    t = time.perf_counter()
    doc = expectations.load_suite(path)
    scoped = prev_run is not None and expectations.scopable(doc)
    mine = sorted({e["meta"]["rule_id"] for e in doc["expectations"]})
    if not expectations.scopable(doc) and doc["meta"].get("record_table"):
        # a suite checked whole: skipped when its frame has not changed since the previous run
        digest, counts = expectations.frame_digest(con, doc)
        con.execute("insert into suite_digests values (?, ?, ?)", [run_id, doc["name"], digest])
        if prev_run is not None and db.one(con, "select count(*) from suite_digests where run_id = ? "
                                           "and suite = ? and digest = ?", [prev_run, doc["name"], digest])[0]:
            step(f"validate: suite {path.stem} unchanged since run #{prev_run}")
            for rid, n in _kept(con, doc, mine, run_id, scope="false"):
                if rid in results:
                    results[rid].violations += n
            for rid, n in counts:
                if rid in results:
                    results[rid].checked += n
            return
    # the records of the scope, worked out once for the flags kept and the frame checked
    where = expectations.scope_sql(con, doc) if scoped else None
    if scoped:
        step(f"validate: suite {path.stem}, earlier results of unchanged records")
        for rid, n in _kept(con, doc, mine, run_id, where):
            results[rid].violations += n
        step(f"validate: suite {path.stem}, records of the new loads")
    else:
        step(f"validate: suite {path.stem}")
        _kept(con, doc, [r for r in mine if r in results], run_id, "true")
    chunk = 0
    for outcomes in expectations.run_suite(ctx, con, path, where, docs=docs, pause=True, gx=gx):
        if isinstance(outcomes, bool):  # ready: the time until the caller goes on is not this suite's
            spent = time.perf_counter() - t
            yield outcomes
            t = time.perf_counter() - spent
            continue
        chunk += 1
        step(f"validate: suite {path.stem}, {chunk} chunk(s) checked")
        spent = (time.perf_counter() - t) / max(len(outcomes), 1)
        for o in outcomes:
            res = results.get(o.rule_id)
            if res is None:  # a rule not asked for (tartip validate --rule)
                continue
            if not scoped:
                res.checked += o.checked
            res.violations += len(o.failed)
            res.seconds += spent
            expectations.write(con, res.rule, run_id, o)
        t = time.perf_counter()
    if scoped:  # the records checked: those of the scope just stored in suite_checks, and the others'
        for rid, n in expectations.checked_counts(con, doc):
            results[rid].checked += n


def memory_limit() -> str:
    """DuckDB's cap while the suites check every record ($TARTIP_VALIDATE_MEMORY_LIMIT, 2.5GB): below
    the pipeline's 3 GB, so that GX (its import, its frames, what pandas keeps) has room beside the
    blocks DuckDB still holds from the model build — the national peak came there, at 3.9 of the
    4 GiB budget. An incremental run's suites check the new loads' records only: no cap."""
    return os.environ.get("TARTIP_VALIDATE_MEMORY_LIMIT", "2.5GB")


def _suites(con: duckdb.DuckDBPyConnection, docs_root: Path | None, since: int | None,
            results: dict[str, RuleResult], run_id: int, prev_run: int | None, step,
            meanwhile: Once | None = None) -> Path | None:
    """Every GX suite (since: only the records of the loads after it, where a suite has a scope);
    return the Data Docs index when docs_root asks for them.

    Without Data Docs (a day's run) the suites go with GX one after the other in one thread while
    this one prepares the next suites' frames, then does `meanwhile` (the day's deadline rules), then
    writes each suite's flags in turn (_finish): GX's Python on one core, DuckDB on the other. A
    frame too large to hold beside others waits for those before it to be written. The flags are
    numbered in the same order either way: meanwhile's, then the suites' in their order.
    With Data Docs (a full run) each suite is checked and written before the next is begun: GX's
    context stores the suites' results on this thread, which must not meet a check in GX's."""
    step("validate: starting Great Expectations")
    # GX's context is made at its first use, in GX's thread: a day's small frames may all go to the
    # GX worker process (gx_worker), and nothing of GX then runs in this one
    ctx = functools.cache(lambda: expectations.context(docs_root))
    if since is not None:
        _scope(con, since)
    ready: list[Iterator[bool]] = []  # the suites begun and not yet written, in their order
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="gx") as gx, expectations.brisk_switching():
        try:
            for path in expectations.suite_files():
                suite = _check_suite(con, ctx, path, results, run_id, prev_run if since is not None else None,
                                     step, docs=docs_root is not None, gx=gx)
                with_gx = next(suite, None)
                if with_gx is None:  # nothing to check, or done
                    continue
                ready.append(suite)
                if docs_root is not None or not with_gx:
                    _finish(ready, meanwhile)
            _finish(ready, meanwhile)
        finally:  # an error on the way: the suites begun end (their frames dropped) before GX's thread
            for suite in ready:
                suite.close()
    con.execute("drop table if exists temp.scope_documents; drop table if exists temp.scope_sources")
    if not docs_root:
        return None
    from pipelines.validate import docs_offline

    step("validate: Data Docs")
    ctx().build_data_docs()
    index = docs_root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    docs_offline.localise(index.parent)
    return index


def _finish(ready: list[Iterator[bool]], meanwhile: Once | None) -> None:
    """Do `meanwhile` (once), then finish the suites begun in their order (their flags written)."""
    if meanwhile is not None:
        meanwhile()
    while ready:
        for _ in ready.pop(0):
            raise RuntimeError("a suite paused twice")  # run_suite pauses once


class Once:
    """Work to do once, at the first call (later calls do nothing)."""

    def __init__(self, work):
        self._work = work

    def __call__(self) -> None:
        if self._work is not None:
            work, self._work = self._work, None
            work()


def _deadline_rules(con: duckdb.DuckDBPyConnection, rules: list[catalogue.Rule], as_of: dt.date,
                    since: int | None, run_id: int, prev_run: int | None, results: dict[str, RuleResult],
                    step) -> None:
    """Judge the deadline rules (those nothing they read changed for stand as prev_run judged them)
    and settle their flags: those unchanged since the previous run are kept.

    An incremental run does this while GX checks the day's suites (_suites' meanwhile): DuckDB on
    this thread, GX's Python on the other core. The flags are numbered before any suite's either way."""
    found = flags.gather(con)
    tasks = deadlines.tasks_relation(con, as_of)
    stand = deadlines.standing(con, [r for r in rules if r.kind == "deadline"], as_of, tasks, since, prev_run)
    if stand:
        step(f"validate: {len(stand)} deadline rule(s) unchanged since run #{prev_run}")
    for rule in rules:
        if rule.kind == "deadline" and rule.id in stand:
            results[rule.id] = RuleResult(rule, *stand[rule.id], 0.0)
        elif rule.kind == "deadline":
            step(f"validate: {rule.id}")
            t = time.perf_counter()
            checked, bad = deadlines.run(con, rule, as_of, tasks)
            results[rule.id] = RuleResult(rule, checked, bad, time.perf_counter() - t)
    step("validate: deadline flags")
    flags.settle(con, found, run_id, "kind = 'deadline' and rule_id in ("
                 f"{db.literal_list(r.id for r in rules if r.kind == 'deadline' and r.id not in stand)})")
    con.execute(f"drop table {found}")


# DuckDB errors of our own SQL: checking again would fail alike
_OWN_ERRORS = (duckdb.ParserException, duckdb.BinderException, duckdb.CatalogException)


def run(con: duckdb.DuckDBPyConnection, rule_ids: list[str] | None = None, as_of: dt.date | None = None,
        docs_root: Path | None = None, done=None, progress=None,
        since: int | None = None) -> tuple[int, list[RuleResult], Path | None]:
    """Check the rules on the loaded data in one transaction (_run); return (run id, results, Data Docs index).

    Should DuckDB fail on the way (the transaction is then rolled back), the rules are checked once
    more with DuckDB under its whole cap (db.full_cap): the suites lower it to leave GX's frames
    room, and DuckDB 2.0.1 can corrupt the run's uncommitted rows while it evicts them under a low
    cap ("Corrupted uncompressed string segment", invalid unicode; a national first load met it on
    one database of two, and a 1M-row database validated with the suites' caps at 150 MB in about
    half its runs: `benchmarks/pipeline.py pressure`). The second run costs its time again, and more memory.
    The corruption can also end in a crash, which no except sees: a validation that died unfinished
    (unfinished_marker) makes the next one run under the whole cap from the start.
    """
    args = (con, rule_ids, as_of, docs_root, done, progress, since)
    say = progress.echo if progress else click.echo
    marker = unfinished_marker(con)
    crashed = marker is not None and marker.exists()  # the previous validation died (a crash, a kill)
    if crashed:
        say("validation: the previous one stopped unfinished (a crash or a kill); checking under DuckDB's whole "
            "memory cap / предыдущая проверка прервана: проверка с полным лимитом памяти DuckDB / алдыңғы "
            "тексеру аяқталмай тоқтады: DuckDB жадының толық шегімен тексеріледі", err=True)
    elif marker is not None:
        marker.touch()
    try:
        if not crashed:
            try:
                return _run(*args)
            except duckdb.Error as e:
                if isinstance(e, _OWN_ERRORS):
                    raise
                cause = e.__context__ if isinstance(e, duckdb.TransactionException) and e.__context__ else e
                say(f"validation: DuckDB failed under its lowered memory cap ({str(cause).splitlines()[0][:200]}); "
                    "checking every rule again under its whole cap / DuckDB сбой при пониженном лимите памяти: "
                    "правила проверяются заново с полным лимитом / DuckDB жад шегі төмендегенде қате берді: "
                    "ережелер толық шекпен қайта тексеріледі", err=True)
        with db.full_cap():
            return _run(*args)
    finally:  # not reached by a crash: the marker stays for the next run
        if marker is not None:
            marker.unlink(missing_ok=True)


def unfinished_marker(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file beside the database that a validation leaves while it runs (<db>.validating): found
    at the start of the next one, the last one died unfinished (a crash DuckDB's corruption can end
    in, or a kill) and this one runs under DuckDB's whole cap. None for a database in memory."""
    path = db.file_path(con)
    return Path(path + ".validating") if path else None


def _run(con: duckdb.DuckDBPyConnection, rule_ids: list[str] | None, as_of: dt.date | None,
         docs_root: Path | None, done, progress, since: int | None) -> tuple[int, list[RuleResult], Path | None]:
    """Check the rules on the loaded data in one transaction; return (run id, results, Data Docs index).

    docs_root: where to build the Data Docs (None: run the suites without building them).
    done: the stages.State to record in the same transaction (the pipeline's validate stage).
    progress: a stages.Progress told which rule or suite runs.
    since: the load the previous run (the latest, of every rule) covered — suites with a
    meta.scope then check only the records of the EDMS documents loaded after it and keep the
    previous run's flags of the others (the deadline rules, which move with the data date, and
    the registers' suites always check everything).
    """
    from pipelines import stages

    rules = catalogue.load()
    if rule_ids:
        unknown = set(rule_ids) - {r.id for r in rules} - {r.clause for r in rules}
        if unknown:
            raise ValueError(f"unknown rule / неизвестное правило: {', '.join(sorted(unknown))}")
        rules = [r for r in rules if r.id in rule_ids or r.clause in rule_ids]
    as_of = as_of or default_as_of(con)
    run_id, prev_run = db.one(con, "select coalesce(max(run_id), 0) + 1, max(run_id) from validation_runs")
    if rule_ids or prev_run is None or db.one(
            con, f"select count(distinct rule_id) from validation_runs where run_id = {prev_run}")[0] < len(rules):
        since = None  # the previous run did not check every rule: nothing to carry
    run_at = dt.datetime.now()
    results: dict[str, RuleResult] = {r.id: RuleResult(r, 0, 0, 0.0) for r in rules}
    docs_index = None
    con.begin()
    try:
        step = progress.stage if progress else (lambda what: None)
        judge = Once(lambda: _deadline_rules(con, rules, as_of, since, run_id, prev_run, results, step))
        if since is None:  # a full run judges them first; an incremental one while GX checks (_suites)
            judge()
        suites = {r.suite for r in rules if r.kind != "deadline"}
        if suites:
            with db.memory_cap(con, memory_limit()) if since is None else contextlib.nullcontext():
                docs_index = _suites(con, docs_root, since, results, run_id, prev_run, step, judge)
        judge()
        # one statement for the run's lines (a statement per rule cost more than writing them)
        lines = [[run_id, run_at, as_of, r.rule.id, r.rule.clause, r.rule.kind, r.rule.severity, r.rule.title_kk,
                  r.rule.title_ru, r.rule.title_en, r.checked, r.violations, r.status, round(r.seconds, 3)]
                 for r in results.values()]
        con.execute(
            "insert into validation_runs (run_id, run_at, as_of, rule_id, clause, kind, severity, title_kk, "
            "title_ru, title_en, records_checked, violations, status, seconds) values "
            + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(lines)),
            [v for line in lines for v in line])
        keep = int(settings.load().get("validation", {}).get("keep_flag_runs", 0))
        if since is None and not rule_ids:  # a rule no longer in the catalogue holds no flag
            flags.close(con, run_id, f"rule_id not in ({db.literal_list(results)})")
        if keep > 0:  # older runs keep their counts, not their flags
            flags.prune(con, run_id, keep)
        if done is not None:
            stages.mark(con, "validate", done, sum(r.violations for r in results.values()))
        stages.kill_point("validate")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return run_id, list(results.values()), docs_index
