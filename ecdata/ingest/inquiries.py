"""Inquiry lists: one row per inquiry, from the platform's inquiry list (阿里巴巴国际站, 1688), a
CRM's leads export (HubSpot, Salesforce, Zoho, 小满 OKKI), a form tool (简道云, 金数据, 飞书多维表格)
or the team's own sheet, read into the inquiry ledger's columns (schema.INQUIRIES).

A list is recognised by an inquiry report profile (profiles/*.toml, kind "inquiries") or by
the common column names of inquiry_aliases.csv. Customer names, e-mails and phone numbers are
read only to make an id when the list has none, and dropped unless the owner keeps them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from ecdata.i18n import Message
from ecdata.ingest.cleaning import parse_numbers
from ecdata.ingest.parsed import RowProblem, TableFile, row_problem, text_cell
from ecdata.ingest.profiles import Profile, builtin_profiles
from ecdata.ingest.reader import first_rows
from ecdata.names import has_control_characters, normalize_header
from ecdata.store import INQUIRIES

ALIASES = Path(__file__).parents[1] / "data" / "inquiry_aliases.csv"
# The ledger's fields a list may carry (a profile's or a mapping's targets): its columns
# but those the reader sets itself.
FIELDS = tuple(c for c in INQUIRIES.keys + INQUIRIES.metrics if c not in ("reply_known", "source"))
# Personal data: dropped at ingest unless the owner keeps it (setting inquiry.keep_contacts).
CONTACT_FIELDS = ("customer", "email", "phone")
# Cells that mean yes in a 是否报价 / Converted column.
YES_WORDS = frozenset({"是", "yes", "y", "true", "1", "已报价", "已成交", "成交", "√", "✓", "x"})
HEADER_SCAN_ROWS = 30


@lru_cache(maxsize=1)
def inquiry_aliases() -> dict[str, str]:
    with open(ALIASES, encoding="utf-8") as f:
        return {normalize_header(r["alias"]): r["canonical"] for r in csv.DictReader(f)}


def inquiry_profiles(extra: tuple[Profile, ...] = ()) -> tuple[Profile, ...]:
    """The profiles that read inquiry lists: a team's own first, then the shipped ones."""
    return tuple(p for p in (*extra, *builtin_profiles()) if p.kind == "inquiries")


@dataclass
class InquiryLayout:
    """Where a list's header is and what each column holds."""

    header_row: int  # 0-based
    columns: dict[int, str]  # position -> field ('' never read)
    profile: Profile | None = None


def find_layout(
    rows: list[list], file_name: str | None = None, extra: tuple[Profile, ...] = ()
) -> InquiryLayout | None:
    """The header of an inquiry list: the first row an inquiry profile knows (the largest
    signature wins), else the first whose common names give a received time and an id,
    source, owner or status. None: not an inquiry list."""
    profiles = inquiry_profiles(extra)
    aliases = inquiry_aliases()
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        header = [str(c) if c is not None else "" for c in row]
        found = [p for p in profiles if p.matches(header, file_name)]
        if found:
            profile = max(found, key=lambda p: (len(p.signature), p.user))
            columns = {}
            for j, cell in enumerate(header):
                col = profile.column(cell)
                if col is not None:
                    columns[j] = col.field
                elif not profile.ignores(cell) and aliases.get(normalize_header(cell)):
                    columns[j] = aliases[normalize_header(cell)]
            return InquiryLayout(i, columns, profile)
        columns = {}
        for j, cell in enumerate(header):
            name = aliases.get(normalize_header(cell))
            # A field from its first column, except a name split over columns (First Name,
            # Last Name): those are joined.
            if name and (name == "customer" or name not in columns.values()):
                columns[j] = name
        fields = set(columns.values())
        if "received" in fields and fields & {"inquiry_id", "channel", "agent", "status"}:
            return InquiryLayout(i, columns)
    return None


def is_inquiry_file(data: bytes, file_name: str | None = None, extra=()) -> bool:
    """Whether an upload is an inquiry list (find_layout knows its header)."""
    return find_layout(first_rows(data), file_name, extra) is not None


class InquiryFile(TableFile):
    """An inquiry list as ledger rows (schema.INQUIRIES columns, one row per inquiry)."""

    profile: Profile | None = None
    duplicates: int = 0  # rows whose id came again later in the file (the later one kept)
    contacts_dropped: bool = False  # the list had personal data and it was not kept
    unread: tuple[str, ...] = ()  # header cells no field reads


def read_inquiry_file(
    data: bytes,
    file_name: str,
    store_name: str | None,
    time_zone: str = "Asia/Shanghai",
    keep_contacts: bool = False,
    extra: tuple[Profile, ...] = (),
) -> InquiryFile:
    """An inquiry list as ledger rows of `store_name` (a list with a store or site column
    puts each row in its own). Times with an offset are turned into `time_zone`; times
    without one are taken as written (the team's clock)."""
    out, rows = InquiryFile.opened(data, file_name)
    if rows is None:
        return out
    layout = find_layout(rows, file_name, extra)
    if layout is None:
        out.error = Message("err.no_header", {"file": file_name, "rows": HEADER_SCAN_ROWS})
        return out
    out.profile = layout.profile
    header = [str(c) if c is not None else "" for c in rows[layout.header_row]]
    header_of = {f: header[j] for j, f in layout.columns.items() if f}
    out.unread = tuple(h for j, h in enumerate(header) if h.strip() and not layout.columns.get(j))
    if "store" not in header_of and not (store_name or "").strip():
        out.error = Message("err.inquiry_store", {"file": file_name})
        return out
    zone = ZoneInfo(time_zone)
    day_first = bool(layout.profile and layout.profile.day_first)
    kept: dict[tuple[str, str], dict] = {}
    for offset, row in enumerate(rows[layout.header_row + 1 :]):
        line = layout.header_row + 2 + offset
        cells: dict[str, str | None] = {}
        for j, name in layout.columns.items():
            if not name:
                continue
            value = text_cell(row[j] if j < len(row) else None)
            if name == "customer" and cells.get("customer") and value:
                value = f"{cells['customer']} {value}"  # First Name + Last Name
            if value is not None or name not in cells:
                cells[name] = value
        if not any(cells.values()):
            continue
        inquiry = _inquiry(cells, line, header_of, store_name, zone, day_first, file_name)
        if isinstance(inquiry, RowProblem):
            out.problems.append(inquiry)
            continue
        key = (inquiry["store"], inquiry["inquiry_id"])
        out.duplicates += key in kept
        kept[key] = inquiry
    if not kept:
        out.refuse_for_no_rows()
        return out
    frame = pd.DataFrame(list(kept.values()))
    has_contacts = any(f in header_of for f in CONTACT_FIELDS)
    if not keep_contacts:
        for f in CONTACT_FIELDS:
            frame[f] = None
        out.contacts_dropped = has_contacts
    frame["reply_known"] = "first_reply" in header_of
    frame["source"] = file_name
    out.frame = frame[list(INQUIRIES.keys + INQUIRIES.metrics)]
    return out


def _inquiry(
    cells: dict,
    line: int,
    header_of: dict,
    store_name: str | None,
    zone: ZoneInfo,
    day_first: bool,
    file_name: str,
) -> dict | RowProblem:
    """One row as a ledger row, or the RowProblem that keeps it out."""
    store = cells.get("store") or (store_name or "").strip()
    if not store:
        return row_problem(line, header_of.get("store", ""), "row.no_store", "")
    if has_control_characters(store):
        return row_problem(line, header_of.get("store", ""), "row.bad_name", store)
    times = {}
    for f in ("received", "first_reply"):
        text = cells.get(f)
        times[f] = parse_time(text, zone, day_first) if text else None
        if text and times[f] is None:
            return row_problem(line, header_of[f], "row.bad_time", text)
    if times["received"] is None:
        return row_problem(line, header_of.get("received", ""), "row.no_received", "")
    numbers = {}
    for f in ("amount", "quantity"):
        text = cells.get(f)
        # "500 pcs", "1,000件": the number the cell starts with.
        found = re.search(r"-?[\d,]+(\.\d+)?", text or "")
        numbers[f] = parse_numbers([found.group(0)])[0] if found else None
        if text and numbers[f] is None:
            return row_problem(line, header_of[f], "row.bad_number", text)
    inquiry_id = cells.get("inquiry_id")
    if not inquiry_id:
        # No id in the list: one from what does not change while an inquiry is followed up
        # (when it came and who sent it), so the next week's list updates the same row.
        sender = "|".join(str(cells.get(f) or "") for f in ("customer", "email", "company"))
        basis = f"{store}|{times['received']:%Y-%m-%d %H:%M:%S}|{sender}|{cells.get('product')}"
        inquiry_id = "h" + hashlib.sha1(basis.encode()).hexdigest()[:15]
    return {
        "store": store,
        "inquiry_id": str(inquiry_id),
        "received": times["received"],
        "channel": cells.get("channel"),
        "country": cells.get("country"),
        "product": cells.get("product"),
        "agent": cells.get("agent"),
        "status": cells.get("status"),
        "first_reply": times["first_reply"],
        "quoted": _yes(cells.get("quoted")) if "quoted" in header_of else None,
        "closed": _yes(cells.get("closed")) if "closed" in header_of else None,
        "amount": numbers["amount"],
        "company": cells.get("company"),
        "quantity": numbers["quantity"],
        "customer": cells.get("customer"),
        "email": cells.get("email"),
        "phone": cells.get("phone"),
    }


def _yes(text: str | None) -> bool:
    return normalize_header(text) in YES_WORDS if text else False


_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def parse_time(text: str, zone: ZoneInfo, day_first: bool = False) -> dt.datetime | None:
    """A cell as a wall-clock time in `zone`: '2026-11-02 10:31:05', '2026/11/2 10:31',
    '2026年11月2日 10:31', '3/15/2024 2:30 PM', an ISO time with Z or an offset (turned into
    `zone`), an Excel serial; a date alone is its midnight. None when it is no time."""
    text = text.strip()
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _EXCEL_EPOCH + dt.timedelta(days=float(text))
    text = re.sub(r"(\d)年(\d{1,2})月(\d{1,2})日?", r"\1-\2-\3", text)
    try:
        value = dt.datetime.fromisoformat(re.sub(r"^(\d{4})/(\d{1,2})/(\d{1,2})", _iso, text))
    except ValueError:
        try:
            value = pd.to_datetime(text, dayfirst=day_first).to_pydatetime()
        except (ValueError, OverflowError, TypeError):
            return None
    if value.tzinfo is not None:
        value = value.astimezone(zone).replace(tzinfo=None)
    return value


def _iso(match: re.Match) -> str:
    y, m, d = match.groups()
    return f"{y}-{int(m):02d}-{int(d):02d}"


def inquiry_profile(name: str, header: list[str], fields: dict[str, str]) -> Profile:
    """A team's inquiry profile for a list no profile or common name reads: `fields` maps
    its header cells to ledger fields (FIELDS; '' never read); the mapped cells are its
    signature, so the next list of this layout reads by it. Refused (ProfileError) without a
    received time."""
    from ecdata.ingest.profiles import Column, ProfileError, parse_profiles
    from ecdata.platforms import GENERIC

    chosen = {h: f for h, f in fields.items() if h in header}
    if "received" not in chosen.values():
        raise ProfileError("an inquiry list needs the column with the time each inquiry came in")
    signature = tuple(h for h in header if chosen.get(h))
    profile = Profile(
        id=name.strip(),
        platform=GENERIC,
        zh=name.strip(),
        en=name.strip(),
        headers=signature,
        columns={h: Column(f) for h, f in chosen.items()},
        kind="inquiries",
        user=True,
    )
    # Through the data format: what is kept is exactly what parse_profiles accepts.
    (again,) = parse_profiles(profile.to_toml(), user=True)
    return again
