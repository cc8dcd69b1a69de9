"""Segmentation with exact offsets: sections, paragraphs and sentences of a raw document.

Pure functions over text. Every span is ``[start, end)`` into the text exactly as read, so
``text[start:end]`` is what a user finds with Ctrl-F. What PDF extraction left behind (tables of
contents, page numbers and running headers, lines broken mid-sentence, ``**bold**`` and ``*italic*`` marks,
footnote markers) is recognised here; :func:`clean` only changes what is embedded and read.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from .acronyms import glossary_line, opens_with_acronym

MAX_SENTENCE_CHARS = 600
UNNUMBERED = 5  # the level of a heading without a number: below every numbered one
TOC_LINE_CHARS = 300  # a longer line is text even with dot leaders in it (the corpus' longest TOC line: 166)

_BLANK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_TOC_LINE = re.compile(r"(\.{4,}|…{2,}|\\dots|\t\s*\d{1,4}\s*$)")
_PAGE_NO = re.compile(r"^(page\s+)?([0-9]{1,4}|[ivxlc]{1,6})$", re.I)
# A chapter's label: "CHAPTER" alone or before its title, or "Session 3" / "Part II" on a line of its own.
_CHAPTER_MARK = re.compile(r"^(?:CHAPTER(?:[\s\d]*$|\s+(?=[A-Z][a-z]))"
                           r"|(?:Chapter|Session|Part|SESSION|PART)\s+(?:\d{1,2}|[IVX]{1,5})$)")
# "I.2" is "1.2" read from a PDF that printed the 1 as a capital I.
_NUMBERED = re.compile(
    r"^(?:(?P<roman>[IVX]{1,5})\.|(?P<num>[\dI]\.[\dI]\d?(?:\.\d{1,2})*\.?|\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}\.)"
    r"|[A-H]\.|Chapter\s+\d+[.:]?)\s+\S"
)
_ROMAN_HEAD = re.compile(r"([IVX]{1,5})\.\s")
_MARKDOWN = re.compile(r"^(#{1,6})\s+(?=\S)")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])|(?<=[^\s*])\*(?![\w*])")  # *italic* marks, not a bullet's "* "
_BULLET = re.compile(r"^\s*(?:[-•*▪◦●–]|\(?[a-z0-9]{1,3}\)|[a-z]\.)\s+")
FOOTNOTE_MARK = "[¹²³⁴⁵⁶⁷⁸⁹⁰]+"
_FOOTNOTE = re.compile(f"^{FOOTNOTE_MARK}")
_SUPERSCRIPTS = re.compile(FOOTNOTE_MARK)
_END_PUNCT = ".!?:;\"'”’)]"
# Lines that are not headings although short and capitalised: a date ("April 2006"), a web
# address, a reference ending in "(Publisher, City, 2006)", or a line broken after a word that
# cannot end a title ("... trafficking in persons should").
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_NOT_TITLE = re.compile(
    rf"^(?:(?:{_MONTHS})\s+)?(?:19|20)\d\d$|www\.|https?://|\([^()]*,[^()]*(?:19|20)\d\d\)$"
    r"|\s(?:a|an|the|of|in|on|to|for|and|or|by|with|from|as|at|that|which|whereby|should|would"
    r"|could|must|may|will|is|are|be)$"  # lower case: "Annex A" and "Who We Are" are titles
)
NUMBERED_TITLE_WORDS = 16  # a numbered line with more words after its number is a paragraph
# A sentence ends at . ! or ? (plus closing quotes, brackets or footnote marks) followed by
# space and a capital, digit, quote or bracket. Abbreviations are checked separately.
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]¹²³⁴⁵⁶⁷⁸⁹⁰]*(?=\s+[\"'“‘(\[]?[A-Z0-9¹²³⁴⁵⁶⁷⁸⁹])")
_ABBREVIATIONS = frozenset(
    "e.g i.e etc mr mrs ms dr prof h.e no nos vol pp p art para paras inc ltd co st jr "
    "u.s u.k ph.d approx cf fig al vs sr gen rev dept est min max jan feb mar apr jun jul "
    "aug sep sept oct nov dec op ibid".split()
)


@dataclass(frozen=True)
class Span:
    """A ``[start, end)`` range of the raw text."""

    start: int
    end: int


@dataclass(frozen=True)
class Paragraph:
    """A paragraph with its section, its number within the section, and its sentences."""

    start: int
    end: int
    section: str
    number: int
    sentences: tuple[Span, ...]


@dataclass(frozen=True)
class Heading:
    start: int
    end: int
    title: str
    level: float  # 1 a chapter, 2 "1.", 3 "1.1"..., UNNUMBERED; a parent of "1." made 1.5


def segment(text: str) -> list[Paragraph]:
    """Split a raw document into paragraphs (with sections and sentences), in text order.

    Args:
        text: the document text exactly as read from its file.

    Returns:
        Paragraphs whose spans and sentence spans are inside ``text``, ordered and
        non-overlapping; headings, tables of contents, page numbers and running headers are
        not paragraphs but give each paragraph its ``section`` ("Chapter › Sub-section").
    """
    if not isinstance(text, str):
        raise TypeError(f"segment() needs str text, got {type(text).__name__}")
    blocks = _blocks(text)
    headers = _running_headers(text, blocks)
    # A title after a bare "CHAPTER" page is kept even when it repeats as a running header.
    blocks = [b for i, b in enumerate(blocks) if not _is_furniture(text[b.start:b.end], headers)
              or (i and _CHAPTER_MARK.fullmatch(text[blocks[i - 1].start:blocks[i - 1].end].strip()))]
    raws = [text[b.start:b.end] for b in blocks]
    levels = [_heading_level(raw, nxt) for raw, nxt in zip(raws, raws[1:] + [""])]
    chapters = _toc_chapters(text)
    for i in range(len(levels) - 1):
        if levels[i] == UNNUMBERED and (raws[i] == raws[i + 1] or _is_chapter(raws[i], chapters)):
            levels[i] = 1  # a chapter title, repeated as the running header of its first page
        elif levels[i] == UNNUMBERED and levels[i + 1] == UNNUMBERED:
            levels[i] = None  # runs of short lines are lists or tables, not headings
    for i, level in enumerate(levels):
        prev, nxt = raws[i - 1] if i else "", raws[i + 1] if i + 1 < len(raws) else ""
        if level == UNNUMBERED and _in_glossary(raws[i], prev, nxt):
            levels[i] = None
    stack: list[Heading] = []
    seen: dict[str, Heading] = {}  # the last heading of each number ("2" -> "2. Measures...")
    counts: Counter[str] = Counter()
    out: list[Paragraph] = []
    pending: Span | None = None  # a paragraph that may go on in the next block
    expect_chapter = False

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            section = " › ".join(h.title for h in stack)
            counts[section] += 1
            out.append(Paragraph(pending.start, pending.end, section, counts[section],
                                 tuple(split_sentences(text, pending.start, pending.end))))
            pending = None

    for block, raw, level in zip(blocks, raws, levels):
        if pending is not None and _continues(text[pending.start:pending.end], raw):
            pending = Span(pending.start, block.end)
            continue
        mark = _CHAPTER_MARK.match(raw)
        if mark:
            flush()
            raw = raw[mark.end():]
            if not raw:
                expect_chapter = True
                continue
            level = 1
        if expect_chapter and "\n" not in raw and len(raw) < 160 and raw[:1].isupper() and not raw.endswith("."):
            level = 1
        expect_chapter = False
        if level is None:
            flush()
            pending = block
            continue
        flush()
        title = clean(_MARKDOWN.sub("", raw))
        if stack and stack[0].title.lower() == title.lower():
            continue  # a chapter title repeated at the top of its first page
        if stack and stack[-1].level == UNNUMBERED and level < UNNUMBERED and title[:2] in ("1.", "1 "):
            # A numbered list of sub-sections starts under an unnumbered heading: that heading
            # is their parent, half a level up, still inside its chapter.
            parent = stack.pop()
            while stack and stack[-1].level >= level - 0.5:
                stack.pop()
            stack.append(Heading(parent.start, parent.end, parent.title, level - 0.5))
        number = _number(title)
        while stack and (stack[-1].level >= level or _not_parent(stack[-1].title, number)):
            stack.pop()
        if level == 1:
            seen.clear()  # a chapter's contents page names its own sections only
        parent = seen.get(number.rpartition(".")[0])
        if parent and not any(_number(h.title) == _number(parent.title) for h in stack) \
                and (not stack or stack[-1].level < parent.level):
            # "2.1" whose chapter "2. Measures..." only a contents page before the text named
            stack.append(parent)
        if number:
            seen[number] = Heading(block.start, block.end, title, level)
        stack.append(Heading(block.start, block.end, title, level))
    flush()
    return out


def split_sentences(text: str, start: int, end: int) -> list[Span]:
    """Sentence spans of ``text[start:end]``: list items and sentences, overlong ones cut."""
    spans: list[Span] = []
    for line_start, line_end in _items(text, start, end):
        cut = line_start
        for m in _BOUNDARY.finditer(text, line_start, line_end):
            if _is_abbreviation(text, line_start, m.start()):
                continue
            spans.extend(_hard_split(text, cut, m.end()))
            cut = _skip_space(text, m.end(), line_end)
        if cut < line_end:
            spans.extend(_hard_split(text, cut, line_end))
    return [s for s in spans if s.end > s.start]


def clean(raw: str) -> str:
    """Text for embedding and reading: bold and italic marks, footnote markers, hyphenation and
    line breaks removed, whitespace collapsed. Never used for offsets."""
    s = _EMPHASIS.sub("", raw.replace("**", "")).replace("\\dots", "…")
    s = _SUPERSCRIPTS.sub("", s)
    s = re.sub(r"(?<=[a-z])-\s*\n\s*(?=[a-z])", "", s)
    return re.sub(r"\s+", " ", s).strip()


# --- blocks and their kinds -------------------------------------------------------------


def _blocks(text: str) -> list[Span]:
    """Runs of text between blank lines, trimmed of surrounding whitespace."""
    spans, pos = [], 0
    for m in _BLANK.finditer(text):
        spans.append(_trim(text, pos, m.start()))
        pos = m.end()
    spans.append(_trim(text, pos, len(text)))
    return [s for s in spans if s.end > s.start]


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def _running_headers(text: str, blocks: list[Span]) -> set[str]:
    """Short one-line blocks repeated on many pages (running headers and footers).

    A line counts only when a sentence goes on after it at least once: a page header falls
    mid-sentence on some page, while a section title that every chapter repeats ("5. Gaps
    evident...", "Suggested ways forward") is always followed by a new sentence.
    """
    raws = [text[b.start:b.end].strip() for b in blocks]
    lines = Counter(raw for raw in raws if len(raw) < 90 and "\n" not in raw)
    text_after = [next((nxt for nxt in raws[i + 1:] if not _PAGE_NO.match(nxt)), "") for i in range(len(raws))]
    cut = {raw for raw, nxt in zip(raws, text_after) if nxt[:1].islower() and not _BULLET.match(nxt)}
    return {line for line, n in lines.items() if n >= 4 and not line.endswith(".") and line in cut}


def _is_furniture(raw: str, repeated: set[str]) -> bool:
    stripped = raw.strip()
    if _PAGE_NO.match(stripped) or stripped in repeated:
        return True  # "PART II" at the top of every page too
    if _CHAPTER_MARK.match(stripped):
        return False
    lines = [ln for ln in stripped.split("\n") if ln.strip()]
    toc = sum(len(ln) <= TOC_LINE_CHARS and bool(_TOC_LINE.search(ln)) for ln in lines)
    return toc >= max(1, len(lines) // 2)


def _heading_level(raw: str, next_raw: str) -> int | None:
    """The heading level of a block, or None when it is body text."""
    stripped = raw.strip()
    if "\n" in stripped or len(stripped) > 150 or _BULLET.match(stripped) or _FOOTNOTE.match(stripped):
        return None
    if next_raw[:1].islower():
        return None  # the sentence goes on in the next block
    md = _MARKDOWN.match(stripped)
    if md:
        return len(md.group(1))
    words = stripped.split()
    if len(words) > 22 or stripped[-1] in ".;,:" and not _NUMBERED.match(stripped):
        return None
    numbered = _NUMBERED.match(stripped)
    if numbered:
        if re.search(r"[.”\"]\s+\S", stripped[numbered.end():]) or (stripped[-1] in ".”\"" and len(words) > 8) \
                or stripped[-1] == ":" or len(words) > NUMBERED_TITLE_WORDS + 1:
            return None  # a numbered paragraph, not a heading
        if numbered.group("roman") or stripped.lower().startswith("chapter"):
            return 1
        if numbered.group("num"):
            return 2 + numbered.group("num").rstrip(".").count(".")
        return 2
    if not (stripped[0].isupper() or stripped[0].isdigit()) or stripped[-1] in "!?," \
            or _NOT_TITLE.search(stripped):
        return None
    return UNNUMBERED


_TOC_CHAPTER = re.compile(r"^Chapter\s+\d+[.:]?\s+(.+?)[\s.…]*(?:\\dots)?[\s.…]*\d*\s*$", re.M)


def _norm(title: str) -> str:
    """A title for matching against the table of contents: no "The", no "(ACRONYM)"."""
    return re.sub(r"^the\s+|\s*\([^)]*\)$", "", clean(title).lower())


def _in_glossary(raw: str, prev: str, nxt: str) -> bool:
    """True for a line of a list of acronyms that blank lines set apart ("WB World Bank"), or the
    end of a long form that wrapped onto a line of its own ("…Discrimination against" / "Women"),
    between lines that open with acronyms, one of its neighbours a list of acronyms."""
    listed = any(glossary_line(line) for line in f"{prev}\n{nxt}".split("\n"))
    between = opens_with_acronym(prev.rsplit("\n", 1)[-1]) and opens_with_acronym(nxt.split("\n", 1)[0])
    if glossary_line(raw):
        return listed or between
    return listed and between  # (a paragraph may open with an acronym: "EU Member States agreed…")


def _toc_chapters(text: str) -> set[str]:
    """Chapter titles listed in a table of contents ("Chapter 12.<tab>UN Women<tab>185")."""
    return {_norm(m.group(1)) for m in _TOC_CHAPTER.finditer(text)}


def _is_chapter(raw: str, chapters: set[str]) -> bool:
    title = _norm(raw)
    return any(title == c or (len(c) >= 20 and title.startswith(c)) for c in chapters)


def _number(title: str) -> str:
    """A heading's number in digits: "2.1 Remittances" 2.1, "II. Background" 2, "I.2 Towards" 1.2."""
    roman = _ROMAN_HEAD.match(title)
    if roman:
        return str(_roman_value(roman.group(1)))
    m = re.match(r"((?:\d{1,2}|I)(?:\.(?:\d{1,2}|I))*)\.?\s", title)
    return m.group(1).replace("I", "1") if m and m.group(1) != "I" else ""


def _roman_value(numeral: str) -> int:
    values = [{"I": 1, "V": 5, "X": 10}[c] for c in numeral]
    return sum(-v if v < nxt else v for v, nxt in zip(values, values[1:] + [0]))


def _not_parent(title: str, number: str) -> bool:
    """True when a numbered heading cannot contain sub-section ``number`` ("5." and "2.1"). A
    Roman chapter holds sub-sections numbered afresh ("II." and "1.1") but not those of a later
    chapter ("I." and "2.1")."""
    own = _number(title)
    if not own or "." not in number or number.startswith(own + "."):
        return False
    return not _ROMAN_HEAD.match(title) or int(number.split(".")[0]) > int(own)


_WEB_TAIL = re.compile(r"(?:https?://|www\.)\S+\s*$")


def _continues(prev: str, raw: str) -> bool:
    """True when ``raw`` continues a sentence broken by a blank line after ``prev``; a footnote
    ending in a web address ("Available from: www.who.int/...pdf") is whole, and the lower-case
    line after it is the rest of the sentence its page cut ("with the (OECD).")."""
    return bool(raw) and raw[0].islower() and prev.rstrip()[-1:] not in _END_PUNCT and not _WEB_TAIL.search(prev)


# --- sentences ---------------------------------------------------------------------------


def _items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a paragraph before each list-item line and each line of a list of acronyms ("ADF
    African Development Forum" after "ACP Africa, Caribbean and Pacific"); other line breaks are
    mid-sentence."""
    cuts = [start]
    lines = text[start:end].split("\n")
    line_start = start
    for before, line in zip(lines, lines[1:]):
        line_start += len(before) + 1
        if _BULLET.match(text[line_start:end][:12]) or (glossary_line(line) and opens_with_acronym(before)):
            cuts.append(line_start)
    cuts.append(end)
    items = []
    for a, b in zip(cuts, cuts[1:]):
        span = _trim(text, a, b)
        if span.end > span.start:
            items.append((span.start, span.end))
    return items


def _is_abbreviation(text: str, line_start: int, dot: int) -> bool:
    if text[dot] != ".":
        return False
    m = re.search(r"([A-Za-z][A-Za-z.]*)$", text[max(line_start, dot - 12):dot])
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    return word in _ABBREVIATIONS or (len(word) == 1 and m.group(1).isupper())


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos


_SPLITTER = RecursiveCharacterTextSplitter(
    chunk_size=MAX_SENTENCE_CHARS, chunk_overlap=0, separators=["\n", "; ", ", ", " ", ""],
    keep_separator="end", add_start_index=True,
)


def _hard_split(text: str, start: int, end: int) -> list[Span]:
    """Cut an overlong sentence (tables, run-on lines) at line breaks, semicolons or commas."""
    span = _trim(text, start, end)
    if span.end - span.start <= MAX_SENTENCE_CHARS:
        return [span]
    pieces = []
    for doc in _SPLITTER.create_documents([text[span.start:span.end]]):
        a = span.start + doc.metadata["start_index"]
        piece = _trim(text, a, a + len(doc.page_content))
        if piece.end > piece.start:
            pieces.append(piece)
    return pieces
