"""`python -m ecdata`: the command-line face of the engine, for scripted weekly imports.

Commands: ingest, kpis, products, actions, report, team, profiles, demo, samples, batches,
undo, user.
Messages print in both languages. What it writes is recorded as done by `cli:<login>`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pandas as pd

from ecdata.delivery import Destination
from ecdata.demo import load_demo, write_sample_files
from ecdata.export import neutralise
from ecdata.i18n import Message, Refusal
from ecdata.ingest.headers import canonical_fields
from ecdata.ingest.inquiries import is_inquiry_file, read_inquiry_file
from ecdata.ingest.profiles import ProfileError, builtin_profiles
from ecdata.ingest.reader import DEFAULT_MAX_MB
from ecdata.ingest.scratch import remove_leftovers
from ecdata.ingest.upload import (
    commit,
    read_for_store,
    remember_mapping,
    remove_team_profile,
    save_team_profiles,
    team_profiles,
)
from ecdata.inquiries import inquiry_list, save_inquiry_file, saved_message
from ecdata.meeting.actions import action_items
from ecdata.meeting.agenda import people_shown
from ecdata.metrics.catalogue import KPI_COLUMNS
from ecdata.metrics.currency import CODE_OF, currency_symbol, reporting_currency
from ecdata.metrics.kpis import DIMENSIONS, GRAINS, Filters, conversion, kpi_table
from ecdata.metrics.ledger import inquiry_rules
from ecdata.metrics.products import product_table
from ecdata.metrics.review import conversion_notes
from ecdata.rates import is_rates_file, read_rates_file, save_rates
from ecdata.report import FORMATS, build_report, render
from ecdata.schedules import Schedule, send_once
from ecdata.sql import recording
from ecdata.store import Store, default_db_path
from ecdata.store.accounts import (
    ROLES,
    AccountError,
    add_user,
    list_users,
    remove_user,
    set_password,
)
from ecdata.store.backup import RestoreError, backup, restore
from ecdata.store.batches import list_batches, undo_batch
from ecdata.store.database import StoreNotGranted, acting_as
from ecdata.team.files import read_team_file, roster_frame, save_team_file
from ecdata.team.plans import is_plan_file, plan_tasks, read_plan_file, save_plan_file


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ecdata", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def with_db(p):
        p.add_argument(
            "--db",
            type=Path,
            default=None,
            help="DuckDB file (default: $ECDATA_DB or data/ecdata.duckdb)",
        )
        return p

    p = with_db(sub.add_parser("ingest", help="read export files into the store"))
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--store", help="store name for files without a store column")
    p.add_argument("--max-mb", type=float, default=DEFAULT_MAX_MB)
    p.add_argument(
        "--header-row", type=int, help="the header's row (1-based) when it is not recognised"
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="map a column to a field (e.g. '当日咨询=inquiries'; 'COLUMN=' ignores it); repeat",
    )
    p.add_argument(
        "--from", dest="date_from", type=_date, help="first day a file without dates covers"
    )
    p.add_argument("--to", dest="date_to", type=_date, help="last day (default: --from)")
    p.add_argument(
        "--accept-skips",
        action="store_true",
        help="import a file's other rows when some are left out (without it such a file is "
        "listed, not imported, and the exit code is 1)",
    )

    p = with_db(sub.add_parser("inquiries", help="list the inquiry ledger (no personal data)"))
    p.add_argument("--store", action="append", default=[], help="repeat for several")
    p.add_argument("--channel", action="append", default=[], help="an inquiry source; repeat")
    p.add_argument("--from", dest="date_from", type=_date)
    p.add_argument("--to", dest="date_to", type=_date)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = with_db(sub.add_parser("plans", help="print the work plan's tasks"))
    p.add_argument("--month", type=lambda t: dt.date.fromisoformat(f"{t}-01"), help="2026-11")
    p.add_argument("--person", help="a person's name or id")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = with_db(
        sub.add_parser("team", help="read roster, monthly ratings or task list files (plans)")
    )
    p.add_argument("paths", nargs="+", type=Path)

    p = with_db(sub.add_parser("kpis", help="print KPIs per period"))
    p.add_argument("--grain", choices=GRAINS, default="week")
    p.add_argument("--by", choices=DIMENSIONS, default="store")
    p.add_argument("--store", action="append", default=[], help="repeat for several")
    p.add_argument("--channel", action="append", default=[], help="repeat for several")
    p.add_argument("--from", dest="date_from", type=_date)
    p.add_argument("--to", dest="date_to", type=_date)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument(
        "--currency",
        help="report money in this currency (CNY, USD, …), converted at each month's rate",
    )
    p.add_argument(
        "--show-sql",
        action="store_true",
        help="print, after the table, every SQL statement that computed it with its parameters",
    )

    p = with_db(sub.add_parser("products", help="print sales per store and product"))
    p.add_argument("--store", action="append", default=[], help="repeat for several")
    p.add_argument("--from", dest="date_from", type=_date)
    p.add_argument("--to", dest="date_to", type=_date)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = with_db(sub.add_parser("actions", help="print the meeting's action items"))
    p.add_argument("--open", action="store_true", help="only those not done yet")
    p.add_argument("--week", type=_date, help="as the meeting of this week sees them")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = with_db(sub.add_parser("report", help="make the weekly meeting's report (PDF or PNG)"))
    p.add_argument("--week", help="2026-W47 or any day of the week (default: last full week)")
    p.add_argument("--store", action="append", default=[], help="repeat for several")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--format", choices=FORMATS, help="default: from --out's suffix")
    p.add_argument("--out", type=Path, help="write the report to this file (.pdf or .png)")
    p.add_argument(
        "--send",
        action="append",
        default=[],
        metavar="KIND:URL",
        help="send it: dingtalk:, wecom:, feishu:, slack: webhook URLs, or smtp://… "
        "(a signing secret in $ECDATA_SEND_SECRET); repeat for several; for cron",
    )
    p.add_argument(
        "--people", choices=("name", "initials"), help="how people are named (default: setting)"
    )

    p = sub.add_parser("user", help="accounts: add, list, remove, passwd")
    users = p.add_subparsers(dest="user_command", required=True)
    u = with_db(users.add_parser("add", help="add an account (password: prompt or stdin)"))
    u.add_argument("name")
    u.add_argument("--role", choices=ROLES, required=True)
    u.add_argument("--store", action="append", default=[], help="a viewer sees only these")
    with_db(users.add_parser("list", help="list the accounts"))
    u = with_db(users.add_parser("remove", help="remove an account"))
    u.add_argument("name")
    u = with_db(users.add_parser("passwd", help="set an account's password"))
    u.add_argument("name")

    p = with_db(sub.add_parser("backup", help="copy the whole store into a folder"))
    p.add_argument("--out", type=Path, required=True)
    p = sub.add_parser("restore", help="a new store from a backup folder")
    p.add_argument("folder", type=Path)
    p.add_argument("--db", required=True, help="a new DuckDB file, or an empty DuckLake")

    p = with_db(sub.add_parser("demo", help="load the demo company"))
    p.add_argument("--end", type=_date, help="last day of demo data (default: yesterday)")
    p = sub.add_parser("samples", help="write sample export files to try the upload with")
    p.add_argument("folder", type=Path, nargs="?", default=Path("sample_data"))
    p.add_argument("--end", type=_date, default=dt.date(2026, 11, 15))
    p = sub.add_parser("profiles", help="report profiles: list, show, export, import, remove")
    profiles = p.add_subparsers(dest="profiles_command", required=True)
    q = with_db(profiles.add_parser("list", help="every profile, shipped and the team's"))
    q.add_argument("--format", choices=("table", "markdown"), default="table")
    for name, what in (("show", "print a profile as TOML"), ("export", "write it to a file")):
        q = with_db(profiles.add_parser(name, help=what))
        q.add_argument("name")
        if name == "export":
            q.add_argument("--out", type=Path, help="default: NAME.toml")
    q = with_db(profiles.add_parser("import", help="keep the profiles of a TOML file"))
    q.add_argument("file", type=Path)
    q = with_db(profiles.add_parser("remove", help="remove a team profile"))
    q.add_argument("name")
    with_db(sub.add_parser("batches", help="list upload batches"))
    p = with_db(sub.add_parser("undo", help="undo one batch"))
    p.add_argument("batch", type=int)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    remove_leftovers()  # scratch folders of an ingest that was killed
    if args.command == "samples":
        for written in write_sample_files(args.folder, args.end):
            print(written)
        return 0
    if args.command == "restore":
        try:
            restore(args.folder, args.db).close()
        except RestoreError as refused:
            print(refused.message, file=sys.stderr)
            return 1
        print(Message("ok.restored", {"folder": str(args.folder), "db": args.db}))
        return 0
    path: Path | str = args.db or default_db_path()
    try:
        store = Store(path)
    except duckdb.IOException as error:
        if "lock" not in str(error).lower():
            raise
        if args.command == "report" and args.out and not args.send:
            # The dashboard holds the file: its server draws the report (it has the data).
            return _report_via_server(path, args)
        # The dashboard holds the embedded file: say so, and what to do, not a traceback.
        print(Message("err.db_locked", {"db": str(path)}), file=sys.stderr)
        return 3
    with store, acting_as(f"cli:{getpass.getuser()}"):
        return COMMANDS[args.command](store, args)


def _column_map(pairs: list[str]) -> dict[str, str] | None:
    """--map COLUMN=FIELD pairs as a mapping override (None without any); a bad pair is
    refused, named."""
    if not pairs:
        return None
    known = set(canonical_fields())
    mapping = {}
    for pair in pairs:
        column, sep, field_name = pair.partition("=")
        if not sep or not column.strip() or (field_name and field_name not in known):
            raise Refusal("err.bad_map", pair=pair, fields=", ".join(sorted(known)))
        mapping[column.strip()] = field_name.strip()
    return mapping


def _ingest_rates(store: Store, data: bytes, name: str) -> bool:
    """An exchange-rate table given to `ingest`: stored as one undoable batch."""
    rates = read_rates_file(data, name, into=reporting_currency(store.reader()))
    for problem in rates.problems:
        print(f"  - {problem.message}", file=sys.stderr)
    if not rates.ok:
        print(rates.error, file=sys.stderr)
        return False
    result = save_rates(store, rates.rows, name, rates.content_hash)
    print(Message("ok.rates", {"file": name, "rows": len(rates.rows), "batch": result.batch_id}))
    return True


def _ingest(store: Store, args) -> int:
    try:
        override = _column_map(args.map)
    except Refusal as refused:
        print(refused.message, file=sys.stderr)
        return 2
    period = None
    if args.date_from or args.date_to:
        period = (args.date_from or args.date_to, args.date_to or args.date_from)
    failed = 0
    for path in args.paths:
        if not path.exists():
            print(Message("err.file_not_found", {"file": str(path)}), file=sys.stderr)
            failed += 1
            continue
        data = path.read_bytes()
        if is_rates_file(data):
            failed += not _ingest_rates(store, data, path.name)
            continue
        if is_inquiry_file(data, path.name, team_profiles(store)):
            failed += not _ingest_inquiries(store, data, path.name, args)
            continue
        parsed = read_for_store(
            store,
            path,
            store_name=args.store,
            max_mb=args.max_mb,
            header_row=args.header_row,
            mapping_override=override,
            period=period,
        )
        if not parsed.ok:
            print(parsed.error, file=sys.stderr)
            failed += 1
            continue
        for note in parsed.notes:
            print(f"  {note}")
        _print_problems(parsed)
        if parsed.rows_rejected and not args.accept_skips:
            # Rows left out for a reason nobody chose: said first, nothing stored, exit 1.
            print(
                Message(
                    "err.skips_not_accepted",
                    {"file": parsed.file_name, "count": parsed.rows_rejected},
                ),
                file=sys.stderr,
            )
            failed += 1
            continue
        outcome = commit(store, parsed)
        if outcome.ok and (override or args.header_row):
            # Remembered for this layout, as the Upload page does: next week needs no --map.
            remember_mapping(store, parsed.headers, parsed.mapping_by_header(), args.header_row)
        print(outcome.message, file=sys.stdout if outcome.ok else sys.stderr)
        failed += not outcome.ok
    return 1 if failed else 0


def _ingest_inquiries(store: Store, data: bytes, name: str, args) -> bool:
    """An inquiry list given to `ingest`: into the ledger as one batch, an inquiry seen before
    updated by its id; rows left out stop it unless --accept-skips, as for any file."""
    rules = inquiry_rules(store.reader())
    inquiries = read_inquiry_file(
        data, name, args.store, rules.time_zone, rules.keep_contacts, team_profiles(store)
    )
    for problem in inquiries.problems[:20]:
        print(f"  - {problem.message}", file=sys.stderr)
    if not inquiries.ok:
        print(inquiries.error, file=sys.stderr)
        return False
    if inquiries.contacts_dropped:
        print(f"  {Message('note.contacts_dropped', {})}")
    if inquiries.problems and not args.accept_skips:
        skipped = len({p.row for p in inquiries.problems})
        print(Message("err.skips_not_accepted", {"file": name, "count": skipped}), file=sys.stderr)
        return False
    print(saved_message(inquiries, save_inquiry_file(store, inquiries)))
    return True


def _inquiries(store: Store, args) -> int:
    filters = Filters(tuple(args.store), tuple(args.channel), args.date_from, args.date_to)
    return _print_table(inquiry_list(store.reader(), filters), args.format)


def _print_problems(parsed) -> None:
    for problem in parsed.problems[:20]:
        print(f"  - {problem.message}")
    if len(parsed.problems) > 20:
        print(f"  … {Message('note.more_problems', {'count': len(parsed.problems) - 20})}")


def _plan_file(store: Store, data: bytes, name: str) -> bool:
    """A task list given to `team`: its tasks into the work plan, as one undoable batch."""
    plan = read_plan_file(data, name, roster_frame(store.reader()))
    for problem in plan.problems:
        print(f"  - {problem.message}")
    if not plan.ok:
        print(plan.error, file=sys.stderr)
        return False
    skipped = len({p.row for p in plan.problems})
    print(save_plan_file(store, plan).said(name, len(plan.rows) + skipped, skipped))
    return True


def _team(store: Store, args) -> int:
    failed = 0
    for path in args.paths:
        data = path.read_bytes() if path.exists() else b""
        if data and is_plan_file(data):
            failed += not _plan_file(store, data, path.name)
            continue
        team = read_team_file(data, path.name)
        if not team.ok:
            print(team.error, file=sys.stderr)
            failed += 1
            continue
        for note in [w for w in team.warnings] + [p.message for p in team.problems]:
            print(f"  - {note}")
        skipped = len({p.row for p in team.problems})
        print(save_team_file(store, team).said(path.name, len(team.rows) + skipped, skipped))
    return 1 if failed else 0


def _kpis(store: Store, args) -> int:
    currency = None
    if args.currency:
        currency = currency_symbol(args.currency)
        if currency is None:
            print(Message("err.unknown_currency", {"value": args.currency}), file=sys.stderr)
            return 2
    filters = Filters(
        tuple(args.store), tuple(args.channel), args.date_from, args.date_to, currency
    )
    cur = store.reader()
    with recording() as statements:
        frame = kpi_table(cur, args.grain, args.by, filters)
        # Money's currency, and any conversion or missing rate, on stderr: stdout stays data.
        money = conversion(cur, filters)
    print(
        Message("note.money_in", {"code": CODE_OF.get(money.currency, money.currency)}),
        file=sys.stderr,
    )
    for note in conversion_notes(money):
        print(note, file=sys.stderr)
    dims = ["period"] + ([args.by] if args.by != "none" else [])
    # How many store-days each ratio counts, of the row's: a ratio sums its parts only over
    # the store-days that reported all of them (kpis.py).
    days = ["store_days"] + [f"{c}_days" for c in KPI_COLUMNS if f"{c}_days" in frame]
    status = _print_table(frame[dims + KPI_COLUMNS + days], args.format)
    if args.show_sql:
        # As Datasette shows the SQL behind a table: what ran, in order, with its values.
        for i, statement in enumerate(statements, start=1):
            values = ", ".join(f"${k} = {v!r}" for k, v in sorted(statement.params.items()))
            print(f"\n-- statement {i}" + (f" ({values})" if values else ""))
            print(textwrap.dedent(statement.text).strip() + ";")
    return status


def _products(store: Store, args) -> int:
    filters = Filters(tuple(args.store), (), args.date_from, args.date_to)
    return _print_table(product_table(store.reader(), filters), args.format)


def _actions(store: Store, args) -> int:
    items = action_items(store.reader(), args.week, open_only=args.open)
    if items.empty and args.format == "table":
        print(Message("ok.no_actions", {}))
        return 0
    items = items.assign(stores=[", ".join(s) if s is not None else "" for s in items.stores])
    return _print_table(items, args.format)


def _week(text: str | None) -> dt.date | None | Message:
    """--week as 2026-W47 or a day of the week; a Message naming a bad value."""
    if not text:
        return None
    try:
        if "W" in text.upper():
            year, week = text.upper().split("-W")
            return dt.date.fromisocalendar(int(year), int(week), 1)
        return dt.date.fromisoformat(text)
    except ValueError:
        return Message("rep.bad_week", {"week": text})


def _report(store: Store, args) -> int:
    week = _week(args.week)
    if isinstance(week, Message):
        print(week, file=sys.stderr)
        return 2
    if not args.out and not args.send:
        print(Message("err.report_where", {}), file=sys.stderr)
        return 2
    try:
        destinations = [
            Destination.parse(text, os.environ.get("ECDATA_SEND_SECRET", "")) for text in args.send
        ]
        report = build_report(
            store.reader(), week, tuple(args.store), args.lang, people=args.people
        )
        if args.out:
            fmt = args.format or ("png" if args.out.suffix.lower() == ".png" else "pdf")
            seconds = render(report, {fmt: args.out})
            print(Message("rep.saved", {"file": str(args.out), "seconds": seconds}))
    except Refusal as refused:  # ReportError, a destination that is not one
        print(refused.message, file=sys.stderr)
        return 1
    failed = 0
    schedule = Schedule("cli", stores=tuple(args.store), lang=args.lang,
                        people=args.people or people_shown(store.reader()))  # fmt: skip
    first = report.week
    last = first + dt.timedelta(days=6)
    for destination in destinations:
        try:
            attempts = send_once(store.reader(), schedule, destination, first, last)
        except Refusal as refused:  # never the URL: only the destination's kind and host
            print(refused.message, file=sys.stderr)
            failed += 1
            continue
        print(Message("ok.sent", {"to": destination.label, "attempts": attempts}))
    return 1 if failed else 0


def _report_via_server(db: Path | str, args) -> int:
    """`report --out` while the dashboard runs: asked of its server, with the token it wrote
    beside the database at start (ui/server.py); err.db_locked when there is none."""
    import urllib.error
    import urllib.request

    info_file = Path(f"{db}.server.json")
    if not info_file.exists():
        print(Message("err.db_locked", {"db": str(db)}), file=sys.stderr)
        return 3
    info = json.loads(info_file.read_text(encoding="utf-8"))
    week = _week(args.week)
    if isinstance(week, Message):
        print(week, file=sys.stderr)
        return 2
    fmt = args.format or ("png" if args.out.suffix.lower() == ".png" else "pdf")
    query = [("format", fmt), ("lang", args.lang)] + [("store", s) for s in args.store]
    if week:
        query.append(("week", week.isoformat()))
    if args.people:
        query.append(("people", args.people))
    request = urllib.request.Request(
        f"{info['url']}/_ecdata/report?{urllib.parse.urlencode(query)}",
        headers={"Authorization": f"Bearer {info['token']}"},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            args.out.write_bytes(response.read())
    except urllib.error.HTTPError as error:
        if error.code == 422:
            said = json.loads(error.read())
            print(Message(said["key"], said["params"]), file=sys.stderr)
            return 1
        raise
    except urllib.error.URLError:
        # The file names a server that is gone (killed without cleaning up): as before.
        print(Message("err.db_locked", {"db": str(db)}), file=sys.stderr)
        return 3
    seconds = time.perf_counter() - started
    print(Message("rep.saved_by_server", {"file": str(args.out), "seconds": seconds}))
    return 0


def _password() -> str:
    """A new password: typed twice at a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        first = getpass.getpass(Message("acc.password", {}).text("zh") + " / Password: ")
        again = getpass.getpass("  ↻ ")
        if first != again:
            raise AccountError("acc.mismatch")
        return first
    return sys.stdin.readline().rstrip("\n")


def _user(store: Store, args) -> int:
    try:
        if args.user_command == "add":
            add_user(store, args.name, args.role, _password(), tuple(args.store))
            print(Message("acc.added", {"name": args.name, "role": args.role}))
        elif args.user_command == "remove":
            remove_user(store, args.name)
            print(Message("acc.removed", {"name": args.name}))
        elif args.user_command == "passwd":
            set_password(store, args.name, _password())
            print(Message("acc.password_set", {"name": args.name}))
        else:
            users = list_users(store.reader())
            if users.empty:
                print(Message("acc.no_users", {}))
            else:
                users["stores"] = [", ".join(s) if s is not None else "" for s in users.stores]
                users["locked_until"] = users.locked_until.astype(str).replace("NaT", "")
                print(users.to_string(index=False))
    except AccountError as refused:
        print(refused.message, file=sys.stderr)
        return 1
    return 0


def _backup(store: Store, args) -> int:
    try:
        batches = backup(store, args.out)
    except RestoreError as refused:
        print(refused.message, file=sys.stderr)
        return 1
    print(Message("ok.backup", {"folder": str(args.out), "batches": batches}))
    return 0


def _print_table(frame: pd.DataFrame, style: str) -> int:
    if style == "csv":
        # Names starting = + - @ are made inert, as in the UI's downloads.
        neutralise(frame).to_csv(sys.stdout, index=False)
    elif style == "json":
        records = json.loads(frame.to_json(orient="records", date_format="iso"))
        for r in records:
            if "period" in r:
                r["period"] = r["period"][:10]
        print(json.dumps(records, ensure_ascii=False, indent=1))
    else:
        with pd.option_context("display.width", 250, "display.max_columns", 30):
            print(frame.to_string(index=False))
    return 0


def _demo(store: Store, args) -> int:
    written = load_demo(store, args.end)
    print(
        Message(
            "ok.demo",
            {"rows": written["store_daily"], "agents": written["agent_daily"], "stores": 3},
        )
    )
    return 0


def _batches(store: Store, args) -> int:
    print(list_batches(store).to_string(index=False))
    return 0


def _undo(store: Store, args) -> int:
    try:
        print(undo_batch(store, args.batch))
    except Refusal as refused:
        print(refused.message, file=sys.stderr)
        return 1
    return 0


def profiles_markdown(profiles) -> str:
    """The README's table of reports: platform, report, where it is, what ecdata reads."""
    lines = [
        "| Platform | Report | Where in the platform | What ecdata reads | Profile |",
        "|---|---|---|---|---|",
    ]
    for p in profiles:
        cells = (p.platform.label("zh"), f"{p.zh} / {p.en}", p.menu, p.reads, f"`{p.id}`")
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def _profiles(store: Store, args) -> int:
    team = team_profiles(store)
    every = {p.id: p for p in (*builtin_profiles(), *team)}
    command = args.profiles_command
    if command == "list" and args.format == "markdown":
        print(profiles_markdown(every.values()))
        return 0
    if command == "list":
        frame = pd.DataFrame(
            {
                "name": list(every),
                "source": ["team" if p.user else "shipped" for p in every.values()],
                "platform": [p.platform.label("en") for p in every.values()],
                "report": [p.en for p in every.values()],
                "recognised by": [" | ".join(p.headers) for p in every.values()],
            }
        )
        print(frame.to_string(index=False))
        return 0
    if command == "import":
        try:
            saved = save_team_profiles(store, args.file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ProfileError) as refused:
            print(
                Message("err.profile", {"file": str(args.file), "why": str(refused)}),
                file=sys.stderr,
            )
            return 1
        except StoreNotGranted as refused:
            print(refused.message, file=sys.stderr)
            return 1
        for kept in saved:
            print(Message("ok.profile_saved", {"name": kept.id}))
        return 0
    if command == "remove":
        try:
            removed = remove_team_profile(store, args.name)
        except StoreNotGranted as refused:
            print(refused.message, file=sys.stderr)
            return 1
        if not removed:
            print(Message("err.no_profile", {"name": args.name}), file=sys.stderr)
            return 1
        print(Message("ok.profile_removed", {"name": args.name}))
        return 0
    profile = every.get(args.name)
    if profile is None:
        print(Message("err.no_profile", {"name": args.name}), file=sys.stderr)
        return 1
    if command == "show":
        print(profile.to_toml(), end="")
        return 0
    out = args.out or Path(f"{args.name}.toml")
    out.write_text(profile.to_toml(), encoding="utf-8")
    print(out)
    return 0


def _plans(store: Store, args) -> int:
    tasks = plan_tasks(store.reader(), args.month, args.person)
    frame = pd.DataFrame(
        {
            "person": tasks["name"],
            "task": tasks["task"],
            "goal": tasks["goal"],
            "start": tasks["start"],
            "deadline": tasks["deadline"],
            "done": tasks["done_on"],
            "on_time": tasks["on_time"].where(tasks["done"]),
            "quality": tasks["quality"],
            "kind": tasks["kind"],
        }
    )
    return _print_table(frame, args.format)


COMMANDS = {
    "inquiries": _inquiries,
    "plans": _plans,
    "profiles": _profiles,
    "ingest": _ingest,
    "team": _team,
    "kpis": _kpis,
    "products": _products,
    "actions": _actions,
    "report": _report,
    "user": _user,
    "backup": _backup,
    "demo": _demo,
    "batches": _batches,
    "undo": _undo,
}
