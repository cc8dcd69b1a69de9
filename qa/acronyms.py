"""Acronyms defined by the documents themselves, for query expansion ("FAO" -> its name)."""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter

# "Food and Agriculture Organization (FAO)": the capitals of the long form spell the acronym. A
# name may wrap onto the next line, but a heading a blank line above is no part of it.
_SPACE = r"(?:[^\S\n]|\n(?![^\S\n]*\n))"
_INLINE = re.compile(rf"((?:[A-Z][\w'’-]*(?:{_SPACE}|,)+(?:(?:of|for|and|on|the|in|to|de|des|du){_SPACE}+)*){{1,10}})"
                     r"\(([A-Z][A-Za-z-]{1,9})\)")
# A glossary line: "IFAD International Fund for Agricultural Development".
_GLOSSARY = re.compile(r"^([A-Z][A-Z-]{1,9}(?:\(s\))?)[ \t]+([A-Z][^\n]{5,90})$", re.M)
# A line that may open with an acronym and its long form: "NMHSs National…", "TAB/MRTD ICAO…", "AfDB African…".
_ACRONYM_LINE = re.compile(r"([A-Z][A-Za-z/&.-]*[A-Z])(?:s|\(s\))?[ \t]+([A-Z].{3,})")
_SMALL = {"of", "for", "and", "on", "the", "in", "to", "de", "des", "du"}


def find_acronyms(texts: list[str]) -> dict[str, str]:
    """Map each acronym to its most frequent expansion found in the texts.

    An expansion counts only when the initials of its words spell the acronym, so random
    parenthesised words and table rows are ignored.
    """
    votes: dict[str, Counter[str]] = {}
    for text in texts:
        for m in _INLINE.finditer(text):
            _vote(votes, m.group(2), m.group(1))
        for m in _GLOSSARY.finditer(text):
            _vote(votes, m.group(1).replace("(s)", ""), m.group(2))
    return {acr: c.most_common(1)[0][0] for acr, c in votes.items()}


def expand(query: str, acronyms: dict[str, str]) -> str:
    """The query with the long form of each known acronym appended (once)."""
    found = [acronyms.get(w) or acronyms.get(w.removesuffix("s"))
             for w in dict.fromkeys(re.findall(r"\b[A-Z][A-Za-z-]{1,9}\b", query))]
    extra = [long for long in dict.fromkeys(found) if long and long.lower() not in query.lower()]
    return query if not extra else f"{query} ({'; '.join(extra)})"


def contract(text: str, acronyms: dict[str, str]) -> str:
    """The acronyms whose long forms appear in ``text`` ("Global Migration Group" -> "GMG").

    Documents write a body's name either way; adding the acronym lets a question that spells
    the name out match a passage that abbreviates it, and routes it to the chapter it names.
    """
    found = _loose(text)
    return " ".join(acr for acr, long in acronyms.items() if " " in long.strip() and _long_form(long) in found)


@functools.lru_cache(maxsize=4096)
def _long_form(long: str) -> str:
    return _loose(long)


def _loose(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower())) + " "


def opens_with_acronym(line: str) -> bool:
    """True for a line that opens with an acronym and a capitalised word ("SOLAS International…")."""
    return bool(_ACRONYM_LINE.fullmatch(line.strip()))


def glossary_line(line: str) -> bool:
    """True for a line that may be one of a list of acronyms: an acronym, then words that spell it
    ("WB World Bank", "ASEAN Association of Southeast Asian Nations"); not "UN Women", "WHO key
    findings…" or "IOM Strategy"."""
    m = _ACRONYM_LINE.fullmatch(line.strip())
    if not m:
        return False
    acronym, phrase = m.group(1), m.group(2)
    if "\t" in phrase:
        return False  # a table's row ("UN Body<tab>Addresses issues of")
    # The initials of its first words (small ones, and each part of a hyphenated one, too) hold
    # the acronym's letters in order: "DFID UK Department for International Development", "NGO
    # Non-governmental organization"; not "EU Enlargement and Migration". A long form that wraps
    # onto the next line may lack the last, when the first word spells the first ("ICRMW
    # International Convention on the Protection of the Rights of All Migrant").
    letters = re.sub(r"[^A-Z]", "", acronym)
    initials = "".join(w[0] for w in re.findall(r"[^\W\d_]+", phrase)[:2 * len(letters) + 1]).upper()
    rest = iter(initials)
    spelled = sum(1 for _ in itertools.takewhile(lambda c: c in rest, letters))
    return spelled == len(letters) or spelled == len(letters) - 1 >= 3 and initials[:1] == letters[0]


def _vote(votes: dict[str, Counter[str]], acronym: str, phrase: str) -> None:
    words = re.split(r"[\s,]+", phrase.strip(" ,"))
    while words and words[0].lower() in _SMALL:
        words.pop(0)
    capitals = [w for w in words if w and w.lower() not in _SMALL]
    letters = acronym.replace("-", "").upper()
    if re.fullmatch(r"[A-Z]{2,}-?[A-Z][a-z]{3,}", acronym):
        # An acronym that ends in a word ("UN-Habitat") spells the start of its long form with its
        # capitals: the last words whose initials begin so ("United Nations Human Settlements
        # Programme"); not a name in brackets ("Ministry of Foreign Affairs (Mexico)").
        letters = re.sub(r"[^A-Z]", "", acronym)
        for i in reversed(range(len(words))):
            tail = [w for w in words[i:] if w and w.lower() not in _SMALL]
            if words[i].lower() not in _SMALL and "".join(w[0].upper() for w in tail).startswith(letters):
                votes.setdefault(acronym, Counter())[" ".join(words[i:])] += 1
                return
    # Keep the last words whose initials spell the acronym (the phrase may start too early).
    for i in range(len(words)):
        if words[i].lower() in _SMALL:
            continue
        tail = [w for w in words[i:] if w and w.lower() not in _SMALL]
        if "".join(w[0].upper() for w in tail) == letters or (
            len(tail) >= 2 and "".join(w[0] for w in tail).upper() == letters[: len(tail)]
            and len(tail) == len(letters)
        ):
            votes.setdefault(acronym, Counter())[" ".join(words[i:])] += 1
            return
    if capitals and capitals[0][0].upper() == letters[0] and len(capitals) >= len(letters) - 1:
        votes.setdefault(acronym, Counter())[" ".join(words)] += 1
