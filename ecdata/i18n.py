"""Every user-facing label and message, in Simplified Chinese and English.

One table, kept as data by area (ecdata/data/i18n/*.toml), so that the CLI, the pages and the
error messages say the same thing. Templates use str.format fields; `Message` carries a key
and its fields so an error can be rendered later in whatever language the reader chose.
tests/test_i18n.py checks that every key used exists, none is unused and the two languages
take the same fields.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

LANGUAGES = ("zh", "en")

I18N_DIR = Path(__file__).parent / "data" / "i18n"


def _load_texts() -> dict[str, tuple[str, str]]:
    """Every key's (zh, en), from the area files in data/i18n (one TOML table per key); a
    key in two files, or missing a language, is an error at import, not a raw key on a page."""
    texts: dict[str, tuple[str, str]] = {}
    for path in sorted(I18N_DIR.glob("*.toml")):
        for key, value in tomllib.loads(path.read_text(encoding="utf-8")).items():
            if key in texts:
                raise ValueError(f"{path.name}: {key} is also in another file")
            if set(value) != set(LANGUAGES):
                raise ValueError(f"{path.name}: {key} has {sorted(value)}, not {LANGUAGES}")
            texts[key] = (value["zh"], value["en"])
    return texts


TEXT: dict[str, tuple[str, str]] = _load_texts()


def t(key: str, lang: str = "zh", /, **params) -> str:
    """The text for `key` in `lang` ("zh" or "en"), with `params` filled in.

    `key` and `lang` are positional-only, so a template may have fields named `key` or `lang`.

    An unknown key returns the key itself, so a missing translation is visible, not fatal.
    """
    pair = TEXT.get(key)
    if pair is None:
        return key
    template = pair[0] if lang == "zh" else pair[1]
    return template.format(**params)


def not_a_table(file: str, sniffed: str) -> Message:
    """err.binary for a file sniffed as 'binary:<code>' (or 'zip' inside a zip), with what it
    looks like named in each language."""
    code = sniffed.split(":", 1)[1] if sniffed.startswith("binary:") else sniffed
    return Message(
        "err.binary",
        {"file": file, "what_zh": t(f"what.{code}", "zh"), "what_en": t(f"what.{code}", "en")},
    )


class Refusal(Exception):
    """What a person asked for cannot be done: `message` says why, in their language. Every
    refusal of the engine is one of these (or a subclass naming where it comes from); any
    other exception is a bug and is never dressed up as the user's fault."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.message = Message(key, params)

    @property
    def key(self) -> str:
        return self.message.key

    @property
    def params(self) -> dict:
        return self.message.params


@dataclass(frozen=True)
class Message:
    """A user-facing message kept as key + fields, rendered in either language on demand."""

    key: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str = "zh") -> str:
        # A list of names is joined as the language writes lists: 、 in Chinese, ", " in
        # English ("A店, B店", never "A店、B店" in an English sentence).
        joiner = "、" if lang == "zh" else ", "
        params = {
            k: joiner.join(map(str, v)) if isinstance(v, list | tuple) else v
            for k, v in self.params.items()
        }
        return t(self.key, lang, **params)

    def __str__(self) -> str:  # both languages, for logs and the CLI
        return f"{self.text('zh')} / {self.text('en')}"


def channel_name(channel: str | None, lang: str = "zh") -> str:
    """A channel as people read it: the store-level figures' channel ('all', a store file
    without a channel split) is the whole store, not a raw code."""
    if channel in (None, "", "all"):
        return t("channel.all", lang)
    return str(channel)
