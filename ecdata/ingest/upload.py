"""From a parsed export to stored facts: preview what would change, then commit as a batch."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyarrow.parquet as pq

from ecdata.i18n import Message, Refusal
from ecdata.ingest import headers as hd
from ecdata.ingest.parsed import ParsedExport
from ecdata.ingest.profiles import (
    CELL_SIGN,
    CELLS,
    Column,
    Profile,
    ProfileError,
    builtin_profiles,
    parse_profiles,
)
from ecdata.ingest.reader import first_rows, header_text, read_export
from ecdata.platforms import marketplace_of
from ecdata.store import Store
from ecdata.store.batches import (
    BatchResult,
    count_existing,
    drop_staged,
    find_same_upload,
    use_staged,
    write_batch,
)
from ecdata.store.database import ACTOR, check_company_wide
from ecdata.store.settings import (
    STORE_BATCHES,
    currency_symbol,
    set_store_currency,
    stated_currencies,
    stated_currency_rows,
    store_currency_sql,
)


@dataclass(frozen=True)
class IngestOutcome:
    file_name: str
    ok: bool
    message: Message
    batch: BatchResult | None = None
    parsed: ParsedExport | None = None


@dataclass(frozen=True)
class Preview:
    """What committing a parsed file would do, before it is done."""

    rows_new: int
    rows_replaced: int
    rows_skipped: int
    duplicate_of: int | None
    # Stored values this file would change: metric -> (sum before, sum after) over the keys
    # it replaces, and the files those values came from. Empty when nothing changes.
    changes: dict[str, tuple[float, float]] = field(default_factory=dict)
    replaced_files: tuple[str, ...] = ()


def remembered_mapping(store: Store, headers: list[str]) -> dict[str, str] | None:
    """The mapping a user chose earlier for a file with exactly these headers, if any."""
    row = (
        store.reader()
        .execute("SELECT mapping FROM header_mappings WHERE shape = ?", [hd.header_shape(headers)])
        .fetchall()
    )
    return json.loads(row[0][0]) if row else None


def remember_mapping(
    store: Store, headers: list[str], mapping: dict[str, str], header_row: int | None = None
) -> None:
    """Keep the mapping a person chose for this layout, and the header row (1-based) they
    pointed at when the aliases found none: next week's file needs neither again."""
    with store.writer() as cur:
        cur.execute(
            "INSERT OR REPLACE INTO header_mappings (shape, mapping, header_row, row_shape) "
            "VALUES (?, ?, ?, ?)",
            [
                hd.header_shape(headers),
                json.dumps(mapping, ensure_ascii=False),
                header_row,
                _row_shape(headers),
            ],
        )


def _row_shape(cells) -> str:
    """A header row's shape, without the blank cells that pad it to the table's width."""
    headers = [header_text(c, i) for i, c in enumerate(cells)]
    while headers and headers[-1] == f"column{len(headers)}":
        headers.pop()
    return hd.header_shape(headers)


def remembered_header_row(store: Store, source) -> int | None:
    """The header row a person chose earlier for a file of this layout: the first remembered
    row whose cells in this file have the shape that was remembered with it."""
    chosen = (
        store.reader()
        .execute(
            "SELECT row_shape, header_row FROM header_mappings WHERE header_row IS NOT NULL "
            "ORDER BY saved_at DESC"
        )
        .fetchall()
    )
    if not chosen:
        return None
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    rows = first_rows(data)
    for shape, row in chosen:
        if row <= len(rows) and _row_shape(rows[row - 1]) == shape:
            return row
    return None


def team_profiles(store: Store) -> tuple[Profile, ...]:
    """The report profiles the team saved, tried with the shipped ones on every upload."""
    return _saved_profiles(store.reader())


def _saved_profiles(cur) -> tuple[Profile, ...]:
    rows = cur.execute("SELECT toml FROM report_profiles ORDER BY name").fetchall()
    return tuple(p for (text,) in rows for p in parse_profiles(text, user=True))


def save_team_profiles(store: Store, text: str) -> list[Profile]:
    """Keep the profiles a TOML text declares (a file shared by another team, or one made
    on the mapping screen); ProfileError when the text is wrong or names a shipped
    profile. A profile reads every store's files: company-wide accounts only."""
    profiles = parse_profiles(text, user=True)
    shipped = {p.id for p in builtin_profiles()}
    taken = sorted(p.id for p in profiles if p.id in shipped)
    if taken:
        raise ProfileError(f"{', '.join(taken)}: a shipped profile has this name")
    with store.writer() as cur:
        check_company_wide(cur)
        for profile in profiles:
            cur.execute(
                "INSERT OR REPLACE INTO report_profiles (name, toml, saved_by) VALUES (?, ?, ?)",
                [profile.id, profile.to_toml(), ACTOR.get()],
            )
    return profiles


def remove_team_profile(store: Store, name: str) -> bool:
    with store.writer() as cur:
        check_company_wide(cur)
        found = cur.execute("SELECT count(*) FROM report_profiles WHERE name = ?", [name])
        if not found.fetchall()[0][0]:
            return False
        cur.execute("DELETE FROM report_profiles WHERE name = ?", [name])
    return True


@dataclass(frozen=True)
class ProfileChoices:
    """What a person said about a file on the mapping screen, beyond column → field."""

    name: str
    total_label: str = ""  # a row whose first cell starts with this totals the others
    rows_are_parts: bool = False  # rows are hours or sessions of a day: summed into it
    negated: tuple[str, ...] = ()  # columns written as negative amounts (returns)
    may_be_negative: tuple[str, ...] = ()  # columns that net returns (a day may be negative)


def profile_from_mapping(parsed: ParsedExport, choices: ProfileChoices) -> Profile:
    """A team profile for this file's layout: its header as the signature, each column as
    the person mapped or ignored it, and the quirks they marked."""
    import re

    mapped = parsed.mapping_by_header()
    headers = tuple(h for i, h in enumerate(parsed.headers) if h != f"column{i + 1}")
    signs = {h: "negated" for h in choices.negated}
    signs.update({h: "may_be_negative" for h in choices.may_be_negative})
    columns = {h: Column(mapped.get(h, ""), signs.get(h, "")) for h in headers}
    platform = parsed.profile.platform if parsed.profile else parsed.platform
    profile = Profile(
        id=choices.name.strip(),
        platform=platform,
        zh=choices.name.strip(),
        en=choices.name.strip(),
        headers=headers,
        grain="parts" if choices.rows_are_parts else "day",
        kind=parsed.kind if parsed.kind in ("product", "ad", "agent", "monthly") else "",
        total_rows="^" + re.escape(choices.total_label.strip()) if choices.total_label else "",
        user=True,
    )
    # Through the data format: what is kept is exactly what parse_profiles accepts.
    (again,) = parse_profiles(replace(profile, columns=columns).to_toml(), user=True)
    return again


def preview(store: Store, parsed: ParsedExport) -> Preview:
    cur = store.reader()
    duplicate = find_same_upload(cur, parsed.content_hash, parsed.store_param)
    use_staged(cur, "staged_preview", parsed.staged_file)
    existing = count_existing(cur, parsed.table, "staged_preview")
    changes, files = _value_changes(cur, parsed) if existing else ({}, ())
    drop_staged(cur, "staged_preview", parsed.staged_file)
    return Preview(
        parsed.staged_rows - existing, existing, parsed.rows_rejected, duplicate, changes, files
    )


def _value_changes(cur, parsed: ParsedExport) -> tuple[dict, tuple[str, ...]]:
    """Before/after sums of the stored values the staged file would replace, per metric it
    carries (only those that change), and the names of the files they came from."""
    table = parsed.table
    metrics = [m for m in parsed.metrics if m not in dict(table.types)]
    if not metrics:
        return {}, ()
    on = " AND ".join(f"f.{k} = s.{k}" for k in table.keys)
    sums = ", ".join(f"sum(f.{m}), sum(COALESCE(s.{m}, f.{m}))" for m in metrics)
    row = cur.execute(
        f"SELECT {sums} FROM {table.name} f JOIN staged_preview s ON {on}"
    ).fetchall()[0]
    changes = {
        m: (row[2 * i], row[2 * i + 1])
        for i, m in enumerate(metrics)
        if row[2 * i] is not None and row[2 * i] != row[2 * i + 1]
    }
    files = tuple(
        r[0]
        for r in cur.execute(
            f"""SELECT DISTINCT b.file_name FROM {table.name} f
                JOIN staged_preview s ON {on} JOIN batches b USING (batch_id) ORDER BY 1"""
        ).fetchall()
    )
    return changes, files if changes else ()


def commit(store: Store, parsed: ParsedExport) -> IngestOutcome:
    """Store a parsed file as one batch (all or nothing); the same content twice is a no-op."""
    name = parsed.file_name
    meta = {
        "file_name": name,
        "content_hash": parsed.content_hash,
        "kind": parsed.kind,
        "platform": parsed.platform.platform,
        "store_param": parsed.store_param,
        "encoding": parsed.encoding,
        "header_row": parsed.header_row,
        "rows_read": parsed.rows_read,
        "rows_rejected": parsed.rows_rejected,
        "date_min": parsed.date_min,
        "date_max": parsed.date_max,
    }
    if (wrong_currency := _currency_refusal(store, parsed)) is not None:
        return IngestOutcome(name, False, wrong_currency, None, parsed)
    try:
        result = write_batch(store, parsed.table, parsed.staged_file, meta, once=True)
    except Refusal as refused:  # another store's rows, or an account that only reads
        return IngestOutcome(name, False, refused.message, None, parsed)
    _keep_stated_currency(store, parsed)
    if result.duplicate_of is not None:
        message = Message("ok.duplicate_upload", {"file": name, "batch": result.duplicate_of})
        return IngestOutcome(name, True, message, result, parsed)
    message = result.said(name, parsed.rows_read, parsed.rows_rejected)
    return IngestOutcome(name, True, message, result, parsed)


def _file_stores(parsed: ParsedExport) -> list[str]:
    """The stores a parsed file's facts go to (its store column alone is read)."""
    if parsed.staged_file is None or "store" not in pq.read_schema(parsed.staged_file).names:
        return []
    stores = pq.read_table(parsed.staged_file, columns=["store"]).column("store")
    return sorted({s for s in stores.to_pylist() if s is not None})


def _currency_refusal(store: Store, parsed: ParsedExport) -> Message | None:
    """A file whose money columns state a currency ('Amount spent (EUR)') goes only to
    stores in that currency, or to new ones: its amounts are never summed as another's."""
    if parsed.currency is None:
        return None
    cur = store.reader()
    try:
        # A store of product reports alone has only the currency its first file stated.
        current = {
            **stated_currency_rows(cur),
            **dict(cur.execute(store_currency_sql()).fetchall()),
        }
    finally:
        cur.close()
    for name in _file_stores(parsed):
        if name in current and current[name] != parsed.currency:
            return Message(
                "err.store_currency_differs",
                {
                    "file": parsed.file_name,
                    "column": parsed.currency_column,
                    "currency": parsed.currency,
                    "store": name,
                    "store_currency": current[name],
                },
            )
    return None


def _keep_stated_currency(store: Store, parsed: ParsedExport) -> None:
    """A file stating a currency other than its platform's (a Meta Ads account billing in
    CNY) sets the currency of the stores it went to, unless one is set: the platform's
    would be wrong for them."""
    if parsed.currency is None or parsed.currency == parsed.platform.currency:
        return
    stated = stated_currencies(store)
    for name in _file_stores(parsed):
        if name not in stated:
            set_store_currency(store, name, parsed.currency)


def read_for_store(
    store: Store,
    source,
    store_name: str | None = None,
    mapping_override: dict[str, str] | None = None,
    **read_options,
) -> ParsedExport:
    """`read_export`, applying the header row and mapping a user chose earlier for this
    file layout."""
    read_options = {"profiles": team_profiles(store), **read_options}
    parsed = read_export(
        source, store_name=store_name, mapping_override=mapping_override, **read_options
    )
    if parsed.error is not None and parsed.error.key == "err.no_header":
        row = None if read_options.get("header_row") else remembered_header_row(store, source)
        if row:
            read_options = {**read_options, "header_row": row}
            parsed = read_export(
                source, store_name=store_name, mapping_override=mapping_override, **read_options
            )
    # A layout read before: its columns as the person mapped them (also when the alias table
    # recognises none of them and the file failed on its own).
    if parsed.headers and mapping_override is None:
        remembered = remembered_mapping(store, parsed.headers)
        if remembered and remembered != parsed.mapping_by_header():
            parsed = read_export(
                source, store_name=store_name, mapping_override=remembered, **read_options
            )
    return parsed


def ingest_file(store: Store, path, store_name: str | None = None, **read_options) -> IngestOutcome:
    """Read and commit one file; a rejected file leaves the store untouched."""
    parsed = read_for_store(store, path, store_name=store_name, **read_options)
    if parsed.error is not None:
        return IngestOutcome(parsed.file_name, False, parsed.error, None, parsed)
    return commit(store, parsed)


def file_platform(data: bytes, file_name: str, profiles: tuple[Profile, ...] = ()):
    """The platform a file comes from, from its first rows alone (its profile's, else the
    platform its header's markers name); None when no header is found. For choosing its
    store before it is read whole."""
    from ecdata.ingest.headers import detect_platform, find_header_row
    from ecdata.ingest.profiles import match_profile
    from ecdata.ingest.reader import first_rows

    rows = first_rows(data)
    at = find_header_row(rows, profiles)
    if at is None:
        return None
    headers = [str(c) if c is not None else "" for c in rows[at]]
    profile = match_profile(headers, file_name, extra=profiles)
    if profile is None:
        return detect_platform(headers)
    # A currency the header states (Meta's 'Amount spent (CNY)') is the file's, not the
    # platform's default: the picker offers that currency's stores.
    stated = [col.currency for h in headers if (col := profile.column(h)) and col.currency]
    if stated and stated[0] == CELLS:
        # The sign of the first amount below the header (TikTok Shop's "Rp12.345.678").
        pos = next(i for i, h in enumerate(headers) if (c := profile.column(h)) and c.currency)
        cells = [str(r[pos]) for r in rows[at + 1 :] if pos < len(r) and r[pos] is not None]
        signs = [m.group(1) for c in cells if (m := re.match(CELL_SIGN, c.strip()))]
        stated = signs[:1]
    symbol = currency_symbol(stated[0]) if stated else None
    platform = profile.file_platform
    return replace(platform, currency=symbol) if symbol else platform


def store_fits(store_name: str, platform, currencies: dict[str, str], markets) -> bool:
    """Whether a file of `platform` may go to `store_name` by default: the store's money is
    in the file's currency (a $ Shopify file never lands on a ¥ Taobao store), and a file
    of a marketplace goes only to a store of that marketplace (a 京东商智 file never lands
    on a Taobao store, though both are in ¥). Tools any store uses (GA4 and Meta Ads beside
    Shopify) are held to the currency alone; so is a store whose marketplace is not known
    yet. `markets`: `store_marketplaces`."""
    if platform is None or platform.platform == "generic":
        return True
    if currencies.get(store_name, platform.currency) != platform.currency:
        return False
    known = markets.get(store_name, set())
    return not (platform.marketplace and known and platform.marketplace not in known)


def store_platforms(cur) -> dict[str, set[str]]:
    """The platforms each store's files so far came from (its active batches' codes)."""
    rows = cur.execute(
        f"""SELECT DISTINCT f.store, b.platform
            FROM {STORE_BATCHES} f
            JOIN batches b USING (batch_id) WHERE b.undone_at IS NULL"""
    ).fetchall()
    platforms: dict[str, set[str]] = {}
    for store_name, code in rows:
        platforms.setdefault(store_name, set()).add(code)
    return platforms


def store_marketplaces(cur) -> dict[str, set[str]]:
    """The marketplaces each store's files so far came from (Taobao for a store fed by
    生意参谋 and 赤兔); stores fed only by tools any store uses have none."""
    declared = tuple(p.platform for p in (*builtin_profiles(), *_saved_profiles(cur)))
    markets: dict[str, set[str]] = {}
    for store_name, codes in store_platforms(cur).items():
        found = {m for code in codes if (m := marketplace_of(code, declared))}
        if found:
            markets[store_name] = found
    return markets
