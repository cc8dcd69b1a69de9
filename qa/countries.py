"""Country names in text, from the ISO 3166 list (pycountry) plus the older names documents use."""

from __future__ import annotations

import re
from functools import cache

import pycountry

# Names older documents use that ISO 3166 has since replaced or never listed.
FORMER_NAMES = ("Russia", "Turkey", "Macedonia", "Cape Verde", "Swaziland", "Ivory Coast", "Kosovo",
                "Czech Republic", "Burma", "East Timor", "Britain", "Great Britain", "Zaire")


@cache
def _pattern() -> re.Pattern[str]:
    names = set(FORMER_NAMES)
    for country in pycountry.countries:
        for field in ("name", "common_name", "official_name"):
            name = getattr(country, field, None)
            if name:
                # "Moldova, Republic of" -> "Moldova"; "Cocos (Keeling) Islands" -> "Cocos Islands"
                names.add(" ".join(re.sub(r"\([^)]*\)", "", name.split(",")[0]).split()))
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def country_names(text: str) -> list[str]:
    """The countries a text names, in order, each once ("the Republic of Moldova" and
    "Moldova" are both found as written)."""
    return list(dict.fromkeys(m.group() for m in _pattern().finditer(text)))
