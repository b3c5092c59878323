"""The flags' spans of runs: a run writes only the flags that are new or changed and closes the
ones that no longer hold (sql/raw/validation.sql); the flags that still hold are not written again."""

from __future__ import annotations

import duckdb

from pipelines import db

# the columns of a flag that are not what it says (the run that wrote it, its span, its number)
SPAN = ("run_id", "until_run_id", "flag_id")


def _values(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The columns that say what a flag is, with their types: every column of `violations` but SPAN."""
    return [r for r in con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = current_database() "
        "and schema_name = 'main' and table_name = 'violations' order by column_index").fetchall()
        if r[0] not in SPAN]


def gather(con: duckdb.DuckDBPyConnection) -> str:
    """An empty temp.new_flags for the flags that rules find now (a flag's values); return its name.

    Also starts the run's flag numbers (temp.flag_next, see number): the first number not given
    yet, above every flag and every number the sequence violation_ids gave (databases numbered by it).
    """
    con.execute(f"create or replace temp table new_flags as select * exclude ({', '.join(SPAN)}) "
                "from violations limit 0")
    con.execute("""
        create or replace temp table flag_next as
        select greatest(coalesce((select max(flag_id) from violations), 0),
                        coalesce((select max(last_value) from duckdb_sequences()
                                  where database_name = current_database() and sequence_name = 'violation_ids'),
                                 0)) + 1 as n
    """)
    return "temp.new_flags"


def number(con: duckdb.DuckDBPyConnection, count: int) -> int:
    """Reserve `count` flag numbers from the run's counter (gather); return the first, the others follow.

    Flags are numbered from a counter rather than by nextval('violation_ids') per row, which made their
    insert serial: 3.5 of 8 s for the 2M deadline flags of a national first load."""
    return db.one(con, f"update temp.flag_next set n = n + {int(count)} returning n - {int(count)}")[0]


def close(con: duckdb.DuckDBPyConnection, run_id: int, where: str) -> None:
    """Close the flags that hold (written before run_id) and match `where`: they held up to the run before."""
    con.execute(f"update violations set until_run_id = {int(run_id) - 1} "
                f"where until_run_id is null and run_id < {int(run_id)} and ({where})")


def held(con: duckdb.DuckDBPyConnection, run_id: int, where: str) -> list[tuple[str, int]]:
    """(rule id, flags) of the flags that hold from before run_id and match `where`."""
    return con.execute(f"select rule_id, count(*) from violations where until_run_id is null "
                       f"and run_id < {int(run_id)} and ({where}) group by all").fetchall()


def settle(con: duckdb.DuckDBPyConnection, new: str, run_id: int, where: str) -> None:
    """Make the flags that hold and match `where` equal to the table `new` (a flag's values, by
    name): those found again unchanged are kept as they are, the others closed, and only the new
    or changed ones written by run_id.

    Equal flags pair one to one: a flag found twice (a duplicated record) holds twice, and a copy
    less closes one of them.
    """
    typed = _values(con)
    cols = ", ".join(c for c, _ in typed)
    same = " and ".join(f"o.{c} is not distinct from n.{c}" for c, _ in typed)
    # the new values in the table's types, so that equal values compare equal
    cast = ", ".join(f"cast({c} as {t}) as {c}" for c, t in typed)
    con.execute(f"""
        create or replace temp table flag_pairs as
        with o as (select flag_id, {cols} from violations
                   where until_run_id is null and run_id < {int(run_id)} and ({where})),
        n as (select rowid as new_row, {cast} from {new}),
        equal as (select o.flag_id, n.new_row from o inner join n on {same}),
        -- copies of one flag: each old copy is equal to each new one; number both and pair by number
        copies as (
            select *, min(new_row) over (partition by flag_id) as block from equal
            where flag_id in (select flag_id from equal group by all having count(*) > 1)
                or new_row in (select new_row from equal group by all having count(*) > 1)
        )
        select flag_id, new_row from equal where flag_id not in (select flag_id from copies)
        union all
        select flag_id, new_row from (
            select flag_id, new_row, dense_rank() over (partition by block order by flag_id) as i,
                dense_rank() over (partition by block order by new_row) as j
            from copies)
        where i = j
    """)
    close(con, run_id, f"({where}) and flag_id not in (select flag_id from temp.flag_pairs)")
    # numbered by their place in `new`: its rowids less its first one (a number for each rowid of its
    # span, so a gap never makes two flags share one; the numbers of the pairs kept go unused)
    first_row, span = db.one(con, f"select coalesce(min(rowid), 0), coalesce(max(rowid) - min(rowid) + 1, 0) "
                                  f"from {new}")
    first = number(con, span)
    con.execute(f"""
        insert into violations by name
        select {int(run_id)} as run_id, {cols}, null::integer as until_run_id,
            {first} + (rowid - {first_row}) as flag_id
        from {new} where rowid not in (select new_row from temp.flag_pairs)
    """)
    con.execute("drop table temp.flag_pairs")


def prune(con: duckdb.DuckDBPyConnection, run_id: int, keep: int) -> None:
    """Drop the flags that held for none of the latest `keep` runs (their counts stay in validation_runs)."""
    con.execute(f"delete from violations where until_run_id <= {int(run_id) - int(keep)}")
    con.execute(f"update validation_runs set flags_kept = false where run_id <= {int(run_id) - int(keep)} "
                "and flags_kept")
