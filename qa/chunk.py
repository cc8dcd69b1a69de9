"""Chunking: pack the sentences of consecutive paragraphs of one section into passages, and find
where a sentence cut by a page break goes on."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Mapping, Sequence

from .segment import FOOTNOTE_MARK, Paragraph, clean
from .types import Passage, Sentence

# A list's lead-in alone is no passage: it and its list stay together up to this many times the
# passage size (dev set: hit@5 0.904 -> 0.923, hit@10 0.923 -> 0.942, evidence recall@10
# 0.901 -> 0.920; thirteen gold sets: hit@5 0.956 -> 0.965; 1.5 and 3 times measured the same or lower).
LEAD_IN_REACH = 2


def chunk(doc: str, text: str, paragraphs: list[Paragraph], max_chars: int = 900,
          first_position: int = 0) -> tuple[list[Passage], list[Sentence]]:
    """Group sentences into passages that never cross a section boundary.

    A passage ends at a paragraph boundary when the next paragraph would make it longer than
    ``max_chars``; a paragraph longer than that is cut between sentences. A list's lead-in
    ("OHCHR proposes that the following actions be considered:") stays with its list, which may
    then fill up to ``LEAD_IN_REACH`` times ``max_chars``.

    Args:
        doc: document file name.
        text: raw document text (offsets point into it).
        paragraphs: output of :func:`qa.segment.segment` for ``text``.
        max_chars: target passage length in characters (at least 100).
        first_position: index position of this document's first passage.

    Returns:
        The passages and their sentences, each sentence knowing its passage's position.
    """
    if max_chars < 100:
        raise ValueError(f"max_chars={max_chars} is too small; use at least 100 characters")
    passages: list[Passage] = []
    sentences: list[Sentence] = []
    group: list[tuple[int, int]] = []  # sentence spans of the passage being built
    section, number = "", 0

    def close() -> None:
        if group:
            start, end = group[0][0], group[-1][1]
            position = first_position + len(passages)
            passages.append(Passage(doc, start, end, section, number, clean(text[start:end])))
            sentences.extend(Sentence(doc, a, b, position, clean(text[a:b])) for a, b in group)
            group.clear()

    for para in paragraphs:
        spans = [(s.start, s.end) for s in para.sentences]
        if not spans:
            continue
        keep_lead_in = bool(group) and para.section == section and _leads_into(text, group[-1], spans[0])
        limit = LEAD_IN_REACH * max_chars if keep_lead_in else max_chars
        if group and not keep_lead_in and (para.section != section or spans[-1][1] - group[0][0] > max_chars):
            close()
        if not group:
            section, number = para.section, para.number
        for a, b in spans:
            if group and b - group[0][0] > limit:
                close()
                number, limit = para.number, max_chars
            group.append((a, b))
    close()
    return passages, sentences


def _leads_into(text: str, lead: tuple[int, int], first: tuple[int, int]) -> bool:
    """Whether a paragraph's last sentence introduces a list that the next paragraph opens."""
    return text[lead[0]:lead[1]].rstrip().endswith(":") and bool(LIST_ITEM.match(clean(text[first[0]:first[1]])))


_CUT = re.compile(r"[a-z,]$")  # "... temporary workers admitted by", at the foot of a page
LIST_ITEM = re.compile(r"(?:[-•*]|\(?[a-z0-9]{1,4}[.)])\s")  # "- Remittances…", "(b) Empower…", "2. Build…"
# How many sentences on the other half may be, past the footnotes of the page (11 lie between the
# farthest halves here; at 18 and more, a cut whose rest starts in capitals is joined to another's).
CUT_REACH = 12
CUT_MIN_WORDS = 3  # "Figures reported by" is half a sentence; "Looking ahead" a heading
_ADDRESS = re.compile(r"<?(?:www\.|https?:)")  # a footnote's web address ends and starts in lower case
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")  # also "\r\n\r\n" and the "\n\f\n" between ingested PDF pages
# A sentence cut where no sentence ends: on a word that needs what follows ("…Council of Europe,
# the", "(in"), or on the colon of a list's lead-in. Its rest may open with a capital ("European
# Union (EU), and…") or a list item, when footnotes, and only footnotes, lie between them.
_OPEN_END = re.compile(r"(?:\b(?:the|a|an|of|and|or|to|in|for|with|by|on|from|its|their|at|as|between|among"
                       r"|including)|[(:])$")
_NOTE_OPENS = re.compile(rf"\s*(?:{FOOTNOTE_MARK}|{_ADDRESS.pattern})")  # a block of footnotes or web addresses


# A footnote, or a line of one that a page break parted from its number, that only points to a
# source: it opens like a reference ("¹¹ UNHCR, "The 10-Point
# Plan in Action" (February 2011), available from www…", "⁴ See GCIM, *Migration in…* (Geneva,
# 2005).", "² Visit www.unitar.org…", "UNICEF – Division of Policy and Practice, …") and ends with
# the source ("…(February 2011)", "…, June 2006, page 11.", a meeting's "…, Geneva, 14–15 February
# 2011.", a publisher's "(New York and Geneva, United Nations)."); not one that says something
# ("¹⁷ The Forum was chaired by Mexico (Puerto Vallarta, 2010).", "<http://…> the Centre for
# Disease Control show that migrants…").
_REFERENCE_OPENS = re.compile(
    rf"(?:{FOOTNOTE_MARK})?\s*(?:(?:and|or)\s+)?(?:See\b|Visit\b|To learn\b|For (?:more|further|a|an|the|details)\b|Available\b|Source\b|<"
    r"|https?://|www\.|\*|[\"“]"
    r"|(?!(?:In|On|At|By|For)\s)[A-Z][\w.&'’-]*(?:\s(?:[A-Z][\w.&'’-]*|(?:of|and|for|the|on)\b|[–—])){0,7}\s?,"
    r"|[^.]{0,60}\b(?:website|webpage|web page)\b"
    r"|[^.]{0,80}\b(?:is|are|may be|can be) (?:available|downloaded|found|accessible|accessed)\b)")
_CITES = re.compile(r"available (?:from|at|on)|downloaded from|(?:www\.|https?://)\S*"
                    r"|\((?:[^()]*,\s*)?(?:\d{1,2}\s)?(?:[A-Z][a-z]+\s)?(?:19|20)\d\d\)"
                    r"|\b(?:19|20)\d\d,\s(?:page|p\.|pp\.)\s?\d+"  # (34 of the South Centre note's footnotes)
                    # (a title in quotes, then "…," Geneva, 29 July 2009.)
                    r"|[\"”][^\"”“]*,[\"”]?\s[A-Z][a-z]+,\s(?:\d{1,2}(?:[–-]\d{1,2})?\s)?(?:January|February|March|April|May"
                    r"|June|July|August|September|October|November|December)\s(?:19|20)\d\d\b"
                    # (place, publisher of two words or more: not "(Mexico, Philippines)")
                    r"|\((?:[A-Z][a-z]+ )*[A-Z][a-z]+(?: and (?:[A-Z][a-z]+ )*[A-Z][a-z]+)?,\s[A-Z][\w.]*(?:\s[A-Z][\w.]*)+\)")
CITE_TAIL_WORDS = 2  # a web address split by a page's line break leaves a word or two after it
# A line that sends the reader elsewhere for something ("Visit www.ifad.org/… for more information.",
# "See IOM's website at www.iom.int for a comprehensive picture of…"); not one that goes on to say
# something ("See MSC resolutions 153(78)…, which entered into force on 1 July 2006.").
_POINTS = re.compile(rf"(?:{FOOTNOTE_MARK})?\s*(?:See|Visit)\b")
# A footnote that only sends the reader to a part of the document ("¹⁸ For more information on
# RCPs, see Section 4.2.", "12 See Section 3.1."); not one that says something first ("Germany
# raised its quota by 20%; see Section 4.2.").
_POINTS_WITHIN = re.compile(rf"(?:{FOOTNOTE_MARK}|\d{{1,3}}\s)?\s*(?:For (?:more |further )?(?:information|details"
                            r"|a discussion)\b[^.;]*,\s*see|See) (?:also )?(?:[Ss]ections?|[Cc]hapters?|[Aa]nnex(?:es)?"
                            r"|[Pp]arts?|[Bb]ox(?:es)?)\s[\dIVX][\w.]*?\.?\s*$")
_FOR = re.compile(r"\s*for\b")


def references(sentences: Sequence[Sentence], texts: Mapping[str, str]) -> frozenset[int]:
    """Positions of the footnote lines that only cite a publication or a web page, or point the
    reader to one: nothing to quote as an answer (a footnote with content, "chaired by H.E. Mr.
    Ali Hachani", is not one)."""
    found = set()
    for i, sentence in enumerate(sentences):
        text = texts[sentence.doc][sentence.start:sentence.end]
        ends = [m.end() for m in _CITES.finditer(text)] if _REFERENCE_OPENS.match(text) else []
        tail = text[ends[-1]:] if ends else ""
        if ends and (len(tail.split()) <= CITE_TAIL_WORDS or _POINTS.match(text) and _FOR.match(tail)) \
                or _POINTS_WITHIN.match(text):
            found.add(i)
    return frozenset(found)


def continuations(sentences: Sequence[Sentence], texts: Mapping[str, str]) -> dict[int, int]:
    """Sentences a page break cut, mapped to where they go on.

    A sentence of at least ``CUT_MIN_WORDS`` words, not a list item, that ends mid-phrase ("...
    admitted by", not in a web address) continues at the next sentence of its document, at most
    ``CUT_REACH`` on, that starts in lower case ("industrialized countries by 3% ...") and either
    opens a block of the raw text (the footnotes of the page lie between them) or comes right
    after it. A lower-case sentence inside a paragraph (a long one split at a semicolon), a web
    address and a footnote whose number was cleaned off ("⁷ de Haas 2009") are passed over. A
    sentence that ends on a word that needs what follows ("...Council of Europe, the") or on a
    list's colon continues at the first block after the footnotes of its page, whatever its case
    (a list's lead-in: at its first item). A continuation has one head: the nearest.
    """
    notes = {doc: _note_blocks(text) for doc, text in texts.items()}
    heads: dict[int, int] = {}  # continuation -> head
    for i, sentence in enumerate(sentences):
        text = sentence.text.rstrip()
        cut, open_end = _CUT.search(text) is not None, _OPEN_END.search(text) is not None
        if not (cut or open_end) or len(text.split()) < CUT_MIN_WORDS or LIST_ITEM.match(text) \
                or _ADDRESS.match(text.split()[-1]):
            continue
        reach = list(itertools.takewhile(lambda j: sentences[j].doc == sentence.doc,
                                         range(i + 1, min(i + 1 + CUT_REACH, len(sentences)))))
        rest = next((j for j in reach if _lower_rest(sentences, texts, j, j == i + 1)), None) if cut else None
        if rest is None and open_end:
            rest = _rest_past_notes(sentences, texts[sentence.doc], notes[sentence.doc], i, reach)
        if rest is not None:
            heads[rest] = i  # a later head is nearer
    return {head: tail for tail, head in sorted(heads.items())}


def _rest_past_notes(sentences: Sequence[Sentence], raw: str, notes: list[tuple[int, int]], i: int,
                     reach: list[int]) -> int | None:
    """Where sentence ``i``, cut on a word that needs more or on a list's colon, goes on: at the
    first block past the footnotes of its page (a line of one that lost its mark cites a
    source), when footnotes lie between; a list item after a colon, else no list item, and of
    ``CUT_MIN_WORDS`` words at least. None for a head in the footnotes itself."""
    if _in_block(notes, sentences[i].start):
        return None
    rest = next((j for j in reach if not (_in_block(notes, sentences[j].start) or _CITES.search(sentences[j].text))),
                None)
    if rest is None or rest == i + 1 or len(sentences[rest].text.split()) < CUT_MIN_WORDS \
            or bool(LIST_ITEM.match(sentences[rest].text)) != sentences[i].text.rstrip().endswith(":") \
            or not _BLANK_LINE.search(raw, sentences[rest - 1].end, sentences[rest].start):
        return None
    return rest


def _lower_rest(sentences: Sequence[Sentence], texts: Mapping[str, str], j: int, next_one: bool) -> bool:
    """True when sentence ``j`` may be the rest of a cut sentence: it starts in lower case, is no
    web address, and comes right after the head or opens a block."""
    tail = sentences[j]
    raw = texts[tail.doc]
    return raw[tail.start:tail.start + 1].islower() and not _ADDRESS.match(tail.text) \
        and (next_one or _BLANK_LINE.search(raw, sentences[j - 1].end, tail.start) is not None)


def _note_blocks(raw: str) -> list[tuple[int, int]]:
    """The [start, end) of each block of the raw text (between blank lines) that opens with a
    footnote mark or a web address, in order."""
    bounds = [0] + [m.end() for m in _BLANK_LINE.finditer(raw)] + [len(raw)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if _NOTE_OPENS.match(raw, a)]


def _in_block(blocks: list[tuple[int, int]], position: int) -> bool:
    """True when ``position`` lies in one of the (ordered) blocks."""
    k = bisect.bisect_right(blocks, (position, float("inf"))) - 1
    return k >= 0 and blocks[k][0] <= position < blocks[k][1]
