"""Translations (ecdata/data/i18n/*.toml): every key the code names exists in both
languages, none is left unused, and a key's two texts take the same fields."""

import ast
import re
import string
from pathlib import Path

from ecdata.i18n import TEXT

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [p for d in ("ecdata", "pages", "ui") for p in (ROOT / d).rglob("*.py")] + [
    ROOT / "app.py"
]
PREFIXES = {key.split(".")[0] for key in TEXT}
# Strings shaped like keys that are not keys: settings' names, a file name.
NOT_KEYS = {"app.py", "team.schemes", "team.thresholds"}


def _scan() -> tuple[set[str], set[str]]:
    """(string literals, heads of f-strings: the fixed start of keys built at run time)."""
    literals, heads = set(), set()
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inside_fstrings = set()
        for node in ast.walk(tree):
            # labeller("grain") labels option codes as grain.<code>.
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "labeller"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                heads.add(f"{node.args[0].value}.")
            if isinstance(node, ast.JoinedStr):
                first = node.values[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    heads.add(first.value)
                inside_fstrings.update(id(v) for v in node.values)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in inside_fstrings
            ):
                literals.add(node.value)
    return literals, heads


LITERALS, HEADS = _scan()


def _keylike(text: str) -> bool:
    return bool(re.fullmatch(r"[a-z_]+\.[a-zA-Z0-9_.*]+", text)) and text.split(".")[0] in PREFIXES


def test_every_key_the_code_names_exists():
    named = {s for s in LITERALS if _keylike(s)} - NOT_KEYS
    assert sorted(k for k in named if k not in TEXT) == []


def test_no_key_is_left_unused():
    dynamic = [h for h in HEADS if _keylike(h + "x")]  # f"kind.{...}", f"row.bad_{...}"
    unused = [k for k in TEXT if k not in LITERALS and not any(k.startswith(h) for h in dynamic)]
    assert unused == []


def _fields(template: str) -> set[str]:
    # {what_zh} in Chinese is {what_en} in English: one field in its language.
    names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    return {re.sub(r"_(zh|en)$", "", n) for n in names}


def test_both_languages_take_the_same_fields():
    assert [k for k, (zh, en) in TEXT.items() if _fields(zh) != _fields(en)] == []


def test_the_scan_sees_the_code():
    # Guards the guard: keys every page uses are found as literals and as dynamic heads.
    assert {"up.commit", "err.no_header", "plan.today"} <= LITERALS
    assert {"kind.", "part.", "grain."} <= HEADS


def test_a_list_of_names_is_joined_as_each_language_writes_lists():
    from ecdata.store.database import StoreNotGranted

    refused = StoreNotGranted(["A店", "B店"])
    assert "A店、B店" in refused.message.text("zh")
    assert "A店, B店" in refused.message.text("en") and "、" not in refused.message.text("en")
