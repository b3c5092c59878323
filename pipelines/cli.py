"""The `tartip` command line: ingest, demo, calendar, and the commands of later stages."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipelines import paths


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Tartip: executive-discipline analytics for a district akimat.

    \b
    Example:
      tartip demo --out data/demo && tartip ingest data/demo
    """


def _db_option(f):
    """The --db option shared by the commands that open the database."""
    return click.option(
        "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
        default=None, help="Database file (default: $TARTIP_DB or data/tartip.duckdb).",
    )(f)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@_db_option
@click.option("--org", "org_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Organisation directory (default: data/org/otyrar.toml).")
@click.option("--validate/--no-validate", default=True, show_default=True,
              help="Check the rules on what was loaded.")
def ingest(inputs: tuple[Path, ...], db_path: Path | None, org_file: Path | None, validate: bool) -> None:
    """Load export files (or folders of them) into the database, then finish every stage.

    Prints one line per file: kind, rows read, loaded (new / updated / unchanged),
    quarantined, skipped; then what the model, validation and publish stages did. A file
    already loaded is not loaded again, but any stage left behind (by a crash) is finished.
    Exits non-zero when a file cannot be read at all.

    \b
    Example:
      tartip ingest data/demo --db data/tartip.duckdb
    """
    from pipelines.ingest import run

    ok = run(list(inputs), db_path or paths.default_db(), org_file or paths.DEFAULT_ORG, validate=validate)
    sys.exit(0 if ok else 1)


@main.command()
@_db_option
@click.option("--org", "org_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Organisation directory (default: data/org/otyrar.toml).")
@click.option("--full", is_flag=True, help="Rebuild the whole model, check every rule and publish, "
                                           "even when nothing is behind (after a change of settings).")
def refresh(db_path: Path | None, org_file: Path | None, full: bool) -> None:
    """Finish every stage (model, validation, publish) that is behind the loaded files.

    Loads nothing: repairs a run that was killed, or rebuilds after a change of the
    organisation directory (`--org`) or, with `--full`, of the settings.

    \b
    Example:
      tartip refresh --db data/tartip.duckdb
      tartip refresh --full
    """
    from pipelines.ingest import run

    run([], db_path or paths.default_db(), org_file or paths.DEFAULT_ORG, full=full)


@main.command()
@_db_option
def tidy(db_path: Path | None) -> None:
    """Rewrite the tables and the snapshot that loads left with deleted rows (what the inbox watcher
    does when idle): for a quiet hour after the day's `tartip ingest`, so that no load's commit has to.

    Exits 1 when another process holds the database.

    \b
    Example (cron, at night):
      tartip tidy --db data/tartip.duckdb
    """
    from pipelines.watch import BUSY, Busy
    from pipelines.watch import tidy as run

    db_path = db_path or paths.default_db()
    if not db_path.exists():
        raise click.ClickException(f"no database / дерекқор жоқ / базы нет: {db_path}")
    try:
        run(db_path)
    except Busy:
        click.echo(BUSY, err=True)
        sys.exit(1)


@main.command()
@click.argument("inbox", type=click.Path(file_okay=False, path_type=Path), default=paths.DATA / "inbox")
@_db_option
@click.option("--org", "org_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Organisation directory (default: data/org/otyrar.toml).")
@click.option("--poll", is_flag=True, help="Look at the folder every second instead of waiting for the "
                                           "system's file events (a network share that sends none).")
@click.option("--once", is_flag=True, help="Load what the inbox holds now, then stop (for cron).")
@click.option("--idle", type=click.FloatRange(min=0), default=None,
              help="Seconds without a file after which the database is tidied (the deleted rows of the "
                   "day's loads rewritten away, so that the next file need not); default 30.")
def watch(inbox: Path, db_path: Path | None, org_file: Path | None, poll: bool, once: bool,
          idle: float | None) -> None:
    """Stay up and load every export put into INBOX (default: data/inbox), one by one.

    The same load as `tartip ingest`, without its start-up for each file (Python, DuckDB and Great
    Expectations are loaded once). A loaded file moves to INBOX/loaded/<date>/; a file that cannot
    be read to INBOX/rejected/, beside NAME.error.txt with the reason. Copy or save a file into the
    folder; a file still being written is taken once it is closed (or, with --poll, unchanged for 2 s).
    When no file has come for --idle seconds (and before --once stops), the tables and the snapshot
    that the loads left with deleted rows are rewritten. Stop with Ctrl-C.

    \b
    Example:
      tartip watch data/inbox --db data/tartip.duckdb
      cp day_export.csv data/inbox/
    """
    from pipelines.watch import IDLE_SECONDS, serve

    serve(inbox, db_path or paths.default_db(), org_file or paths.DEFAULT_ORG, poll=poll, once=once,
          idle=IDLE_SECONDS if idle is None else idle)


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=paths.DATA / "demo", show_default=True, help="Folder to write into.")
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed.")
@click.option("--scale", type=click.Choice(["district", "region", "national"]),
              default="district", show_default=True,
              help="district: one akimat, all four sources; region / national: EDMS cards "
                   "of 20 / 200 organisations (200k / 10M cards) as one CSV.")
def demo(out: Path, seed: int, scale: str) -> None:
    """Write a year (2025) of realistic demo exports.

    \b
    Example:
      tartip demo --out data/demo --seed 42
      tartip demo --out /tmp/national --scale national
    """
    from pipelines import users
    from pipelines.demo.write import write_demo

    for f in write_demo(out, seed, scale):
        click.echo(f"{f}  ({f.stat().st_size / 1e6:.1f} MB)")
    path, password = users.write_demo(out)
    click.echo(f"{path}: DEMO users {', '.join(n for n, _, _ in users.DEMO_USERS)}, password {password} "
               "(for the demo data only / только для демо-данных)")


@main.command(name="calendar")
@click.argument("year", type=int)
def calendar_cmd(year: int) -> None:
    """Print the working-day calendar of Kazakhstan for a year.

    Holidays, moved days off, working weekend days and the override file's entries,
    then working days per month.

    \b
    Example:
      tartip calendar 2025
    """
    from pipelines import calendar

    cal = calendar.build(year, year)
    special, months = calendar.year_summary(cal, year)
    kinds = {"holiday": "праздник / мереке", "day_off_moved": "перенос выходного / ауыстырылған",
             "working_weekend": "рабочий выходной / жұмыс күні", "working": "рабочий / жұмыс күні",
             "weekend": "выходной / демалыс"}
    click.echo(f"Kazakhstan working calendar {year}")
    for r in special.itertuples():
        flag = "working" if r.is_working_day else "day off"
        act = f"  [{r.act}]" if isinstance(r.act, str) else ""
        click.echo(f"  {r.date:%d.%m.%Y} {r.date:%a}  {flag:8}  {kinds[r.day_kind]:32}  "
                   f"{r.name_ru} / {r.name_kk}{act}")
    click.echo("Working days per month / жұмыс күндері:")
    for r in months.itertuples():
        click.echo(f"  {year}-{r.month:02d}: {r.working_days:2d} of {r.days}")
    click.echo(f"  total: {int(months['working_days'].sum())}")


LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def login_warnings(host: str) -> list[str]:
    """What `serve` warns about before it listens on an address: nobody can log in, or anybody can."""
    from pipelines import users

    out = []
    secrets = [Path.cwd() / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml"]
    sso = any(p.exists() and "[auth" in p.read_text(encoding="utf-8") for p in secrets)
    if not users.read().users and not sso:
        out.append(f"no login is configured: no users in {users.users_path()} and no single sign-on; create one "
                   "with `tartip users add NAME --role head` / вход не настроен: пользователей нет")
    anon = users.anonymous_role()
    if anon and host not in LOCAL_HOSTS:
        out.append(f"anonymous_role = {anon.name!r}: anyone who reaches {host} sees the dashboard without a login "
                   "/ без входа видно всем в сети")
    return out


@main.command()
@_db_option
@click.option("--port", type=int, default=8501, show_default=True, help="Port.")
@click.option("--host", default="localhost", show_default=True,
              help="Address to listen on: localhost, or 0.0.0.0 / the server's address for the LAN.")
@click.option("--users", "users_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Users file (default: $TARTIP_USERS, [access] users_file, ~/.config/tartip/users.toml).")
@click.option("--headless/--no-headless", default=True, show_default=True,
              help="Do not try to open a browser.")
def serve(db_path: Path | None, port: int, host: str, users_file: Path | None, headless: bool) -> None:
    """Start the dashboard (login first; see the README for users and single sign-on).

    Errors reach the browser as a short message; their details only the server's log.

    \b
    Example:
      tartip serve --db data/tartip.duckdb --port 8501
      tartip serve --host 0.0.0.0 --users /etc/tartip/users.toml
    """
    import os

    if users_file:
        os.environ["TARTIP_USERS"] = str(users_file.resolve())
    for w in login_warnings(host):
        click.echo(f"warning: {w}", err=True)
    env = dict(os.environ, TARTIP_DB=str((db_path or paths.default_db()).resolve()))
    app = paths.ROOT / "dashboards" / "app.py"
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
           "--server.address", host, "--server.headless", str(headless).lower(),
           "--browser.gatherUsageStats", "false", "--client.showErrorDetails", "none",
           "--client.toolbarMode", "viewer"]
    # become the server (no child left behind when this process is stopped)
    os.execve(sys.executable, cmd, env)


@main.group(name="users")
def users_cmd() -> None:
    """Manage the dashboard's users: the users file outside the code tree, argon2id hashes.

    The file is $TARTIP_USERS, else [access] users_file of data/roles.toml, else
    ~/.config/tartip/users.toml; every change is written to the audit log.

    \b
    Example:
      tartip users add aigerim --role head
      tartip users add marat --role department_head --unit DEP-EDU
      tartip users list
    """


def _users_file(f):
    """The --users option of the users commands."""
    return click.option("--users", "users_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Users file (default: $TARTIP_USERS, [access] users_file or "
                             "~/.config/tartip/users.toml).")(f)


def _new_password(from_stdin: bool) -> str:
    """A new password: one line of stdin, or typed twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password / Пароль", hide_input=True, confirmation_prompt=True)


def _audit(db_path: Path | None, event: str, name: str, role: str | None = None) -> None:
    """Log a change of the users file beside the database."""
    import getpass

    from pipelines import audit

    audit.record(db_path or paths.default_db(), event, name, role, detail=f"by {getpass.getuser()} (cli)")


def _change(db_path: Path | None, event: str, name: str, fn, *args):
    """Apply one change to the users file (a refusal is the command's error) and log it."""
    from pipelines import users

    try:
        result = fn(*args)
    except users.UsersError as e:
        raise click.ClickException(str(e)) from e
    _audit(db_path, event, name, getattr(result, "role", None))
    return result


@users_cmd.command(name="add")
@click.argument("name")
@click.option("--role", "role_name", required=True, help="A role of data/roles.toml (head, org_inspection, "
                                                          "department_head, analyst, viewer).")
@click.option("--unit", default=None, help="Department code, for a role that sees its own unit only.")
@click.option("--email", default=None, help="E-mail the single sign-on maps to this user.")
@click.option("--sso-only", is_flag=True, help="No password: the user logs in with single sign-on only.")
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of stdin.")
@_users_file
@_db_option
def users_add(name, role_name, unit, email, sso_only, password_stdin, users_file, db_path) -> None:
    """Add a user; asks for the password twice.

    \b
    Example:
      tartip users add aigerim --role head
      tartip users add dana --role analyst --email dana@otyrar.gov.kz --sso-only
    """
    from pipelines import users

    password = None if sso_only else _new_password(password_stdin)
    u = _change(db_path, "user_added", name, users.add, name, role_name, password, unit, email, users_file)
    click.echo(f"{u.name}: {u.role}{' ' + u.unit if u.unit else ''} -> {users_file or users.users_path()}")


@users_cmd.command(name="passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of stdin.")
@_users_file
@_db_option
def users_passwd(name, password_stdin, users_file, db_path) -> None:
    """Set a user's password.

    \b
    Example:
      tartip users passwd aigerim
    """
    from pipelines import users

    _change(db_path, "password_changed", name, users.set_password, name, _new_password(password_stdin), users_file)
    click.echo(f"{name}: password changed / пароль изменён")


@users_cmd.command(name="remove")
@click.argument("name")
@_users_file
@_db_option
def users_remove(name, users_file, db_path) -> None:
    """Remove a user.

    \b
    Example:
      tartip users remove marat
    """
    from pipelines import users

    _change(db_path, "user_removed", name, users.remove, name, users_file)
    click.echo(f"{name}: removed / удалён")


@users_cmd.command(name="unlock")
@click.argument("name")
@_db_option
def users_unlock(name, db_path) -> None:
    """Lift the lock of an account after too many wrong passwords.

    \b
    Example:
      tartip users unlock marat
    """
    _audit(db_path, "unlock", name)
    click.echo(f"{name}: unlocked / разблокирован")


@users_cmd.command(name="list")
@_users_file
def users_list(users_file) -> None:
    """List the users: name, role, unit, e-mail, how they log in (never a hash).

    \b
    Example:
      tartip users list
    """
    from pipelines import users

    uf = users.read(users_file)
    click.echo(f"{users_file or users.users_path()}{' (DEMO)' if uf.demo_password else ''}")
    for u in uf.users.values():
        how = "+".join(x for x, on in (("password", u.password_hash), ("sso", u.email)) if on)
        click.echo(f"{u.name:20} {u.role:16} {u.unit or '-':12} {u.email or '-':30} {how}")


@main.command()
@_db_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=paths.ROOT / "docs" / "schema.md", show_default=True, help="Markdown file to write.")
def schema(db_path: Path | None, out: Path) -> None:
    """Write the schema page (every table and column, kk/ru/en) from the database.

    \b
    Example:
      tartip schema --out docs/schema.md
    """
    from pipelines import db
    from pipelines import schema as schema_docs

    con = db.connect(db_path or paths.default_db(), read_only=True)
    try:
        click.echo(schema_docs.write_markdown(con, out))
    finally:
        con.close()


def print_validation(results, lang: str = "ru", echo=click.echo) -> None:
    """The summary table of a validation run."""
    head = {"ru": ("правило", "пункт", "проверено", "нарушений", "важность", "описание"),
            "kk": ("ереже", "тармақ", "тексерілді", "бұзушылық", "маңызы", "сипаттама"),
            "en": ("rule", "clause", "checked", "violations", "severity", "title")}[lang]
    echo(f"{head[0]:18} {head[1]:10} {head[2]:>10} {head[3]:>10}  {head[4]:8} {head[5]}")
    for r in results:
        echo(f"{r.rule.id:18} {r.rule.clause:10} {r.checked:>10,} {r.violations:>10,}  {r.rule.severity:8} "
             f"{r.rule.title(lang)}")
    for sev in ("error", "warning"):
        rs = [r for r in results if r.rule.severity == sev]
        echo(f"{sev}: {sum(r.violations for r in rs):,} violations in {sum(r.status == 'fail' for r in rs)} "
             f"of {len(rs)} rules")


@main.command()
@_db_option
@click.option("--rule", "rules", multiple=True, help="Rule id or clause to run (repeatable; default: all).")
@click.option("--strict", is_flag=True, help="Exit non-zero when any error-severity rule finds a violation.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Judge overdue tasks as of this date (default: the latest export loaded).")
@click.option("--lang", type=click.Choice(["kk", "ru", "en"]), default="ru", show_default=True)
def validate(db_path: Path | None, rules: tuple[str, ...], strict: bool, as_of, lang: str) -> None:
    """Check the loaded data against every rule of the regulation.

    Writes the flags to `violations` and a summary to `validation_runs`, builds the
    Great Expectations Data Docs (HTML, offline) and prints where they are.

    \b
    Example:
      tartip validate --rule R-9.21 --strict
    """
    from pipelines import db
    from pipelines.validate import run

    con = db.connect(db_path or paths.default_db())
    try:
        db.init(con)
        if not db.table_exists(con, "task_assignments"):
            raise click.ClickException("nothing loaded yet / данные не загружены: run `tartip ingest` first")
        from pipelines import publish

        try:
            db_file = db_path or paths.default_db()
            run_id, results, docs = run.run(con, list(rules) or None, as_of.date() if as_of else None,
                                            docs_root=run.docs_root_for(db_file))
        except ValueError as e:
            raise click.ClickException(str(e)) from e
        publish.publish(con, db_file)
    finally:
        con.close()
    click.echo(f"validation run #{run_id}")
    print_validation(results, lang)
    if docs:
        click.echo(f"Data Docs: {docs}")
    if strict and any(r.rule.severity == "error" and r.violations for r in results):
        sys.exit(2)


@main.command(name="docs-assets")
def docs_assets() -> None:
    """Fetch the scripts and styles of the Data Docs from the npm registry, for offline use.

    Run once by `make install`; without them the Data Docs still open, unstyled.

    \b
    Example:
      tartip docs-assets
    """
    from pipelines.validate import docs_offline

    missing = docs_offline.fetch()
    if missing:
        raise click.ClickException(f"could not fetch / не удалось получить: {', '.join(missing)}")
    click.echo(f"Data Docs assets in {docs_offline.VENDOR}")


def _public_db(db_path: Path | None) -> Path:
    """The masked snapshot the analysts' commands read."""
    from pipelines.publish import public_path

    path = public_path(db_path or paths.default_db())
    if not path.exists():
        raise click.ClickException(f"{path}: no data yet / данных нет — run `tartip ingest` first")
    return path


def _write_frame(df, fmt: str, out: Path | None) -> None:
    """Print or write a result frame as table, csv, json or parquet."""
    if fmt == "parquet":
        if not out:
            raise click.ClickException("--format parquet needs --out FILE")
        df.to_parquet(out, index=False)
    elif fmt == "csv":
        text = df.to_csv(index=False)
    elif fmt == "json":
        text = df.to_json(orient="records", force_ascii=False, date_format="iso", indent=1)
    else:
        text = df.to_string(index=False, max_rows=200)
    if fmt != "parquet":
        if out:
            out.write_text(text, encoding="utf-8")
        else:
            click.echo(text)
    if out:
        click.echo(f"{len(df)} rows -> {out}", err=True)


@main.command()
@click.argument("query", required=False)
@_db_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "parquet"]), default="table",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write to a file.")
@click.option("--limit", type=int, default=10_000, show_default=True, help="Row limit.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds before a query is stopped.")
def sql(query: str | None, db_path: Path | None, fmt: str, out: Path | None, limit: int, timeout: float) -> None:
    """Run a read-only query on the published (masked) data, or open a prompt.

    The sandbox refuses anything but SELECT / EXPLAIN, and has no access to files, the
    network, extensions or settings. Without QUERY, an interactive prompt with history
    opens (end a query with `;`, quit with `.quit`).

    \b
    Example:
      tartip sql "select department_name_ru, on_time_rate from execution_rates
                  where period_start = '2025-10-01' order by rank"
      tartip sql "select * from tasks where outcome = 'overdue'" --format csv --out overdue.csv
    """
    from pipelines import sandbox

    path = _public_db(db_path)
    if query:
        try:
            r = sandbox.run(path, query, limit, timeout)
        except sandbox.SandboxError as e:
            raise click.ClickException(str(e)) from e
        _write_frame(r.frame, fmt, out)
        if r.truncated:
            click.echo(f"(first {limit} rows / первые {limit} строк)", err=True)
        return
    _prompt(path, limit, timeout)


def _prompt(path: Path, limit: int, timeout: float) -> None:
    """An interactive SQL prompt with a history file."""
    import contextlib
    import readline

    from pipelines import sandbox

    history = Path.home() / ".tartip_history"
    with contextlib.suppress(OSError):
        readline.read_history_file(history)
    click.echo(f"tartip sql on {path} — end with ';', .tables, .quit")
    buf: list[str] = []
    while True:
        try:
            line = input("tartip> " if not buf else "   ...> ")
        except EOFError:
            break
        if not buf and line.strip() in (".quit", ".exit"):
            break
        if not buf and line.strip() == ".tables":
            line = "select distinct table_name from duckdb_columns() where schema_name = 'main';"
        buf.append(line)
        if not line.rstrip().endswith(";"):
            continue
        query, buf = "\n".join(buf), []
        try:
            r = sandbox.run(path, query, limit, timeout)
            click.echo(r.frame.to_string(index=False, max_rows=100))
            click.echo(f"({len(r.frame)} rows{', truncated' if r.truncated else ''}, {r.seconds:.2f} s)")
        except sandbox.SandboxError as e:
            click.echo(f"Error: {e}", err=True)
    readline.write_history_file(history)


@main.command()
@click.option("--parquet", "out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the Hive-partitioned Parquet files into.")
@_db_option
def export(out: Path, db_path: Path | None) -> None:
    """Write the marts as Parquet partitioned by year and organisation (Hive layout).

    tasks (by due year), execution_summary (by period year), the latest run's violations and daily_execution,
    from the published (masked) data, so other engines can read them.

    \b
    Example:
      tartip export --parquet out/parquet
    """
    import duckdb

    path = _public_db(db_path)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=True)
    org = "coalesce(nullif(org_name, ''), (select any_value(org_code) from departments))"
    exports = {
        "tasks": f"select *, year(due_date) as year, {org} as org from tasks",
        "daily_execution": f"select *, year(due_date) as year, {org} as org from daily_execution",
        "execution_summary": f"select *, year(period_start) as year, {org} as org from execution_summary",
        "violations": f"select v.*, coalesce(year(v.expected_date), year(r.run_at)) as year, {org} as org "
                      "from current_violations as v join (select distinct run_id, run_at from validation_runs) as r "
                      "using (run_id)",
    }
    try:
        for name, query in exports.items():
            target = out / name
            n = con.execute(f"select count(*) from ({query})").fetchall()[0][0]
            if n:
                con.execute(f"copy ({query}) to '{target}' "
                            "(format parquet, partition_by (year, org), overwrite_or_ignore true)")
            click.echo(f"{name}: {n} rows -> {target if n else '(nothing to write)'}")
    finally:
        con.close()


@main.command()
@click.option("--month", required=True, help="Month of the report, YYYY-MM.")
@click.option("--lang", type=click.Choice(["kk", "ru", "en"]), default="ru", show_default=True)
@click.option("--format", "formats", default="pdf,xlsx,pptx", show_default=True,
              help="Comma-separated: pdf, xlsx, pptx.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Freeze the month as known on this date (default: the latest data, as on the dashboard).")
@click.option("--org", "org", default=None,
              help="Organisation, by its name in the data (needed when the data holds several).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("out"), show_default=True)
@_db_option
def report(month: str, lang: str, formats: str, as_of, org: str | None, out: Path, db_path: Path | None) -> None:
    """Write the monthly discipline report (PDF, XLSX) and the meeting slides (PPTX).

    \b
    Example:
      tartip report --month 2025-10 --lang kk --format pdf,xlsx,pptx --out out/
    """
    import datetime as dt
    import time

    from pipelines.report import build

    started = time.perf_counter()
    try:
        first = dt.datetime.strptime(month, "%Y-%m").date()
        files = build.build(_public_db(db_path), first, lang, [f.strip() for f in formats.split(",") if f.strip()],
                            out, as_of.date() if as_of else None, org)
    except ValueError as e:
        raise click.ClickException(str(e)) from e
    for f in files:
        click.echo(f"{f}  ({f.stat().st_size / 1024:.0f} KB)")
    click.echo(f"{time.perf_counter() - started:.1f} s")


def run() -> None:
    """The `tartip` command: main(), then leave without tearing the interpreter down.

    Every command has closed its databases and printed its lines by then; unloading Great
    Expectations, pandas and the rest module by module costs ~0.7 s of every run and does
    nothing. The exit handlers (temporary directories among them) still run.
    """
    import atexit
    import os

    try:
        main()
        code = 0
    except SystemExit as e:  # click ends every command with one
        code = e.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    run()
