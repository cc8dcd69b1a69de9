"""Country names in text, from the ISO 3166 list (pycountry) plus the older names documents use."""

from __future__ import annotations

import re
from functools import cache

import pycountry

# Names older documents use that ISO 3166 has since replaced or never listed, with their codes.
FORMER_NAMES = {"Russia": "RU", "Turkey": "TR", "Macedonia": "MK", "Cape Verde": "CV", "Swaziland": "SZ",
                "Ivory Coast": "CI", "Kosovo": "XK", "Czech Republic": "CZ", "Burma": "MM", "East Timor": "TL",
                "Britain": "GB", "Great Britain": "GB", "Zaire": "CD"}


@cache
def _codes() -> dict[str, str]:
    """Every name of a country -> its ISO code."""
    codes = dict(FORMER_NAMES)
    for country in pycountry.countries:
        for field in ("name", "common_name", "official_name"):
            name = " ".join(re.sub(r"\([^)]*\)", "", getattr(country, field, None) or "").split())
            if not name:
                continue
            head, _, tail = name.partition(", ")
            codes[head] = country.alpha_2  # "Moldova, Republic of" -> "Moldova"
            if tail:  # ... and "Republic of Moldova"; "Congo, The Democratic Republic of the" -> "Democratic ..."
                codes[re.sub(r"^The ", "", f"{tail} {head}")] = country.alpha_2
    return codes


@cache
def _pattern() -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(_codes(), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def country_names(text: str) -> list[str]:
    """The countries a text names, in order, each once as first written ("the Republic of
    Moldova ... Moldova" names one country)."""
    first: dict[str, str] = {}
    for m in _pattern().finditer(text):
        first.setdefault(_codes()[m.group()], m.group())
    return list(first.values())
