"""How the names people type are compared and kept: header cells, role titles, platform
markers, and the names of stores, channels, agents and people, which are text everywhere."""

from __future__ import annotations

import re
import unicodedata


def normalize_header(text) -> str:
    """Fold a header cell to the form the alias table uses.

    NFKC turns full-width brackets and signs into ASCII, en/em dashes become '-', case and all
    white space are dropped: 'Sessions – Total' and 'sessions-total' are the same column.
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    return re.sub(r"\s+", "", s)


def store_in_name(file_name: str, stores) -> str | None:
    """The known store a file's name mentions ('生意参谋_店铺整体_淘宝C店.csv' -> 淘宝C店): the
    longest match, so 天猫旗舰店 wins over 旗舰店; None when it names none."""
    found = [s for s in stores if s and s in file_name]
    return max(found, key=len) if found else None


# C0 and C1 control characters (a terminal escape, a NUL, a bell): never part of a name.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# The same class for DuckDB's regexp_replace (RE2), used when files are read.
CONTROL_CHARACTERS_SQL = "[\\x00-\\x1f\\x7f-\\x9f]"


def has_control_characters(name: str) -> bool:
    """Whether a name someone typed holds a control character: refused, never stored."""
    return bool(CONTROL_CHARACTERS.search(name or ""))
