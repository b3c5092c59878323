"""Load export files into the raw tables: one transaction per file, quarantine, load log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines import db, readers, stages
from pipelines.readers import CSV_SUFFIXES, EXCEL_SUFFIXES, Layout, ReadError
from pipelines.sources import Source

TOTALS = r"^\s*(итого|всего|барлығы|барлыгы|жиыны|жиынтығы|total)([\s:.,]|$)"


@dataclass
class Summary:
    """What one file load did (the CLI prints it as one line)."""

    file: str
    kind: str = "-"
    status: str = "loaded"  # loaded | unchanged | failed
    rows_read: int = 0
    rows_loaded: int = 0
    rows_new: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_quarantined: int = 0
    rows_skipped: int = 0
    sheets: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    message: str = ""
    load_id: int | None = None
    meta: dict = field(default_factory=dict)


def is_export_name(path: Path) -> bool:
    """A name an export file can have: a CSV or workbook suffix, not hidden, not an office lock
    file (~$…); a file still being downloaded (.part, .crdownload, .tmp) has none of the suffixes."""
    return path.suffix.lower() in CSV_SUFFIXES | EXCEL_SUFFIXES and not path.name.startswith(("~$", "."))


def find_files(paths: list[Path]) -> list[Path]:
    """Expand folders into the export files they hold (sorted), keep files as given."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and is_export_name(f))
        else:
            out.append(p)
    return out


def _mapped_select(layout: Layout, relation: str, width: int, numbered: bool) -> str:
    """SELECT that maps a relation of c0..cN text columns (+ ord when numbered) to a source's raw columns."""
    src = layout.source
    by_field = {name: j for j, name in layout.mapping.items()}
    # CSV rows are numbered after the insert from their rowid (read_csv keeps the file's order;
    # WITH ORDINALITY would halve the load speed); workbook rows carry their ordinal
    cols = [f"ord + {layout.header_row} as row_no" if numbered else "null::integer as row_no"]
    for f in src.field_names:
        cols.append(f"c{by_field[f]} as {f}" if f in by_field else f"null::varchar as {f}")
    extras = [(j, layout.extras.get(j, f"column_{j + 1}")) for j in range(width)
              if j not in layout.mapping]
    if extras:
        pairs = ", ".join(f"{db.literal(h)}, c{j}" for j, h in extras)
        cols.append(f"case when coalesce({', '.join(f'c{j}' for j, _ in extras)}) is null "
                    f"then null else json_object({pairs}) end as extra")
    else:
        cols.append("null::varchar as extra")
    first = ", ".join(f"c{j}" for j in range(min(3, width)))
    cols.append(f"regexp_matches(lower(concat_ws(' ', {first})), {db.literal(TOTALS)}) as is_total")
    # empty cells arrive as NULL from both readers; whitespace-only rows end up "skipped"
    cols.append(f"coalesce({', '.join(f'c{j}' for j in range(width))}) is null as is_empty")
    return f"select {', '.join(cols)} from {relation}"



EMPTY = 255  # quarantine_reason of an empty line: dropped, neither loaded nor quarantined


def _reasons(src: Source) -> list[tuple[str, str, str]]:
    """(SQL condition, reason ru, reason kk) of each way a row fails; index 0 is "skipped"."""
    filled = " + ".join(f"({f} is not null and {f} <> '')::int" for f in src.field_names)
    # totals rows, and footers such as a signature line: one filled cell at most
    skip = f"(is_total or ({filled}) + (extra is not null)::int <= 1)"
    return [(skip, "итоговая строка, подпись или примечание без обязательных полей",
             "қорытынды жол, қолтаңба немесе міндетті өрістері жоқ ескерту"), *src.quarantine]


def _insert_raw(con, layout: Layout, relation: str, width: int, lineage: dict, numbered: bool) -> int:
    """Insert the rows of one sheet into the raw table, with their quarantine reason; return the count.

    Every expression is computed once per row in one pass over the file (the key date is
    parsed once and serves both the key and the checks).
    """
    src = layout.source
    # only the columns the file has are written; the others keep their default (null)
    present = [f for f in src.field_names if f in layout.mapping.values()]
    has_extra = len(layout.mapping) < width
    keyh = ", ".join(f"coalesce(lower(cast({k} as varchar)), '')" for k in src.key)
    rowh = ", ".join(src.field_names) + ", extra"
    reason = f"when is_empty then {EMPTY} " + " ".join(
        f"when {c} then {i}" for i, (c, _, _) in enumerate(_reasons(src)))
    columns = ["load_id", "source_file", "file_sha256", "sheet", "row_no", *present,
               *(["extra"] if has_extra else []), "key_hash", "row_hash", "quarantine_reason"]
    sql = f"""
        insert into {src.table} ({', '.join(columns)})
        select {lineage['load_id']}, {db.literal(lineage['source_file'])}, {db.literal(lineage['sha'])},
               {db.literal(layout.sheet) if layout.sheet else 'null'}, row_no,
               {', '.join(present)}, {'extra, ' if has_extra else ''}
               case when is_total then null else hash({keyh}) end,
               hash({rowh}),
               case {reason} end
        from (
            select *, parse_date({src.key_date}) as key_date
            from ({_mapped_select(layout, relation, width, numbered)})
        )
    """
    return db.one(con, sql)[0]


def _quarantine_rows(con, src: Source, load_id: int) -> tuple[int, int, int]:
    """Move this load's unloadable rows from raw to quarantine; return (skipped, quarantined, empty)."""
    reasons = _reasons(src)
    case_ru = " ".join(f"when {i} then {db.literal(ru)}" for i, (_, ru, _) in enumerate(reasons))
    case_kk = " ".join(f"when {i} then {db.literal(kk)}" for i, (_, _, kk) in enumerate(reasons))
    struct = ", ".join(f"{f} := {f}" for f in src.field_names) + ", extra := extra"
    where = f"load_id = {load_id} and quarantine_reason is not null"
    empty = db.one(con, f"select count(*) from {src.table} where load_id = {load_id} "
                        f"and quarantine_reason = {EMPTY}")[0]
    con.execute(f"""
        insert into quarantine
        select load_id, {db.literal(src.kind)}, source_file, file_sha256, sheet, row_no,
               case quarantine_reason {case_ru} end, case quarantine_reason {case_kk} end,
               to_json(struct_pack({struct})), null,
               case when quarantine_reason = 0 then 'skipped' else 'invalid' end
        from {src.table} where {where} and quarantine_reason <> {EMPTY}
    """)
    con.execute(f"delete from {src.table} where {where}")
    skipped, bad = db.one(con, f"""
        select count(*) filter (where reason_code = 'skipped'),
               count(*) filter (where reason_code = 'invalid')
        from quarantine where load_id = {load_id} and raw_line is null
    """)
    return skipped, bad, empty


def _changes(con, src: Source, load_id: int) -> tuple[int, int, int]:
    """Count this load's rows that are new, updated or unchanged against earlier loads."""
    return db.one(con, f"""
        with cur as (select key_hash, row_hash from {src.table} where load_id = {load_id}),
        prev as (
            select key_hash, arg_max(row_hash, load_id) as row_hash
            from {src.table}
            where load_id < {load_id} and key_hash in (select key_hash from cur)
            group by key_hash
        )
        select count(*) filter (where p.key_hash is null),
               count(*) filter (where p.row_hash <> c.row_hash),
               count(*) filter (where p.row_hash = c.row_hash)
        from cur c left join prev p using (key_hash)
    """)


def _load_csv(con, path: Path, load_id: int, lineage: dict, summary: Summary):
    """Read a CSV file with DuckDB's read_csv into the raw table; return (source, rows, rejects)."""
    f = readers.open_csv(path)
    try:
        layout = f.layout
        n = layout.width
        rej = f"rejects_{load_id}"
        columns = "{" + ", ".join(f"'c{j}': 'VARCHAR'" for j in range(n)) + "}"
        relation = (
            f"read_csv({db.literal(str(f.path))}, delim={db.literal(f.delimiter)}, quote='\"', escape='\"', "
            f"header=false, skip={layout.header_row}, columns={columns}, auto_detect=false, "
            f"store_rejects=true, rejects_table='{rej}', rejects_scan='{rej}_scan')"
        )
        inserted = _insert_raw(con, layout, relation, n, lineage, numbered=False)
        table = layout.source.table
        con.execute(f"update {table} set row_no = rowid - (select min(rowid) from {table} where load_id = {load_id}) "
                    f"+ {layout.header_row + 1} where load_id = {load_id}")
        # a line's first error: errors of the whole line (one over DuckDB's line limit) have no column
        rejects = con.execute(
            f"select line, arg_min(error_message, coalesce(column_idx, 0)), trim(any_value(csv_line), e'\\r\\n') "
            f"from {rej} group by line order by line"
        ).fetchall()
        if rejects:
            # rowids count accepted records only: a row moves down by the number of rejected
            # lines before it. The j-th rejected line (1-based, sorted) at line L moves every row
            # numbered L - (j - 1) or more, in one statement however many lines were rejected.
            con.execute(f"""
                update {table} set row_no = row_no + (
                    select count(*) from (
                        select line - row_number() over (order by line) + 1 as threshold
                        from (select distinct line from {rej})
                    ) where threshold <= {table}.row_no
                ) where load_id = {load_id}
            """)
            con.executemany(
                "insert into quarantine values (?, ?, ?, ?, null, ?, ?, ?, null, ?, 'invalid')",
                [[load_id, layout.source.kind, lineage["source_file"], lineage["sha"], line,
                  f"строка CSV повреждена: {message}", f"CSV жолы бүлінген: {message}", csv_line]
                 for line, message, csv_line in rejects],
            )
        con.execute(f"drop table if exists {rej}; drop table if exists {rej}_scan")
        summary.meta = {"encoding": f.encoding, "delimiter": f.delimiter,
                        "exported_at": layout.exported_at}
        return layout.source, inserted, len(rejects)
    finally:
        f.close()


def _load_excel(con, path: Path, load_id: int, lineage: dict, summary: Summary):
    """Read every data sheet of a workbook (via Arrow) into the raw table; (source, rows, 0)."""
    sheets, skipped = readers.open_excel(path)
    kinds = {s.layout.source.kind for s in sheets}
    if len(kinds) > 1:
        raise ReadError(f"{path}: листы разных видов / әр түрлі парақтар: {sorted(kinds)}")
    exported, inserted = None, 0
    for i, s in enumerate(sheets):
        name = f"sheet_{load_id}_{i}"
        con.register(name, s.table)
        try:
            width = s.table.num_columns - 1
            inserted += _insert_raw(con, s.layout, name, width, lineage, numbered=True)
        finally:
            con.unregister(name)
        summary.sheets.append(s.layout.sheet)
        exported = exported or s.layout.exported_at
    if skipped:
        summary.message = "листы без данных / деректері жоқ парақтар: " + ", ".join(skipped)
    summary.meta = {"encoding": None, "delimiter": None, "exported_at": exported}
    return sheets[0].layout.source, inserted, 0


def load_file(con: duckdb.DuckDBPyConnection, path: Path, resolve=None) -> Summary:
    """Load one export file in one transaction; a file already loaded (same SHA-256) is skipped.

    resolve(kind, load_id) -> list of unresolved names is called inside the transaction.
    Raises ReadError (database unchanged) when the file cannot be read at all.
    """
    path = Path(path)
    summary = Summary(file=str(path))
    if not path.is_file():
        raise ReadError(f"{path}: файл не найден / файл табылмады")
    sha = readers.sha256(path)
    done = db.one(
        con, "select load_id, kind from load_log where file_sha256 = ? and status = 'loaded' limit 1",
        [sha],
    )
    if done:
        summary.status, summary.kind, summary.load_id = "unchanged", done[1], done[0]
        summary.message = f"уже загружен / бұрын жүктелген (load #{done[0]})"
        return summary
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES | EXCEL_SUFFIXES:
        raise ReadError(f"{path}: неизвестный формат файла / белгісіз файл пішімі ({suffix})")
    con.begin()
    try:
        load_id = db.one(con, "select coalesce(max(load_id), 0) + 1 from load_log")[0]
        lineage = {"load_id": load_id, "source_file": str(path.resolve()), "sha": sha}
        reader = _load_csv if suffix in CSV_SUFFIXES else _load_excel
        try:
            src, inserted, rejected = reader(con, path, load_id, lineage, summary)
        except duckdb.Error as e:
            raise ReadError(f"{path}: файл не читается / файл оқылмайды: {e}") from e
        summary.kind, summary.load_id = src.kind, load_id
        skipped, invalid, empty = _quarantine_rows(con, src, load_id)
        inserted -= empty
        summary.rows_read = inserted + rejected
        summary.rows_skipped = skipped
        summary.rows_quarantined = invalid + rejected
        summary.rows_loaded = inserted - skipped - invalid
        summary.rows_new, summary.rows_updated, summary.rows_unchanged = _changes(con, src, load_id)
        if resolve:
            summary.unresolved = resolve(src, load_id)
        x = summary.meta
        con.execute(
            "insert into load_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [load_id, lineage["source_file"], path.name, sha, path.stat().st_size, src.kind,
             ", ".join(summary.sheets) or None, x["encoding"], x["delimiter"], x["exported_at"],
             dt.datetime.now(), summary.rows_read, summary.rows_loaded, summary.rows_new,
             summary.rows_updated, summary.rows_unchanged, summary.rows_quarantined,
             summary.rows_skipped, "; ".join(summary.unresolved) or None, "loaded",
             summary.message or None],
        )
        stages.kill_point("ingest")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return summary
