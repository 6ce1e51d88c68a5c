"""The platforms owners export from (data/platforms.csv): how each is recognised, its label,
the channel its ad rows become and the currency of its money columns. A platform whose
reports only a report profile recognises (Google Ads, 拼多多) has no marker.

Reference data shared by ingest (recognising a file) and metrics (a store's currency).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ecdata.names import normalize_header

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Platform:
    platform: str
    label_zh: str
    label_en: str
    channel: str  # an ad platform's rows become this channel; "" for store/service reports
    currency: str = "¥"  # what its money columns are in (Shopify, Amazon, GA4: $)
    # An ad platform whose spend the store files of this other platform already include
    # (Alimama's plans are inside 生意参谋's 推广花费): its report is a breakdown, not more.
    spend_also_in: str = ""
    # The marketplace whose stores its files belong to (赤兔 and 万相台 to Taobao stores);
    # "" for tools any store uses (GA4, Meta Ads, monthly costs).
    marketplace: str = ""

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang == "zh" else self.label_en


GENERIC = Platform("generic", "通用表格", "Generic table", "")


@lru_cache(maxsize=1)
def platform_markers() -> list[tuple[str, Platform]]:
    """(normalized marker header, platform), in table order: the first match wins."""
    with open(DATA_DIR / "platforms.csv", encoding="utf-8") as f:
        return [
            (
                normalize_header(r["marker"]),
                Platform(
                    r["platform"],
                    r["label_zh"],
                    r["label_en"],
                    r["channel"],
                    r["currency"],
                    r["spend_also_in"],
                    r["marketplace"],
                ),
            )
            for r in csv.DictReader(f)
        ]


def platform_label(code: str | None, lang: str) -> str:
    """The label of a platform code as stored with a batch ('sycm' -> 生意参谋); the code
    itself for one the table does not know (demo, team files)."""
    for _, p in platform_markers():
        if p.platform == code:
            return p.label(lang)
    return GENERIC.label(lang) if code == GENERIC.platform else (code or "")


def spend_overlaps() -> list[tuple[str, str]]:
    """(ad platform, store-file platform whose spend already includes it), each pair once."""
    return sorted({(p.platform, p.spend_also_in) for _, p in platform_markers() if p.spend_also_in})


def marketplace_of(code: str | None, declared: tuple[Platform, ...] = ()) -> str:
    """The marketplace of a platform code as stored with a batch; "" when it belongs to
    none (GA4, demo data, a team's own sheet)."""
    for p in (*(p for _, p in platform_markers()), *declared):
        if p.platform == code:
            return p.marketplace
    return ""
