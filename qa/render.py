"""HTML and plain-text rendering of answers for the chat app; pure functions, no Gradio.

Safety rule: every string that comes from a document or from a user passes through
:func:`html.escape` before it becomes part of the HTML built here, so a paragraph holding
``<script>`` shows as text and never creates an element. The markup added here uses a few
plain tags (``div``, ``p``, ``sup``, ``details``, ``summary``, ``blockquote``, ``mark``) with
``qa-*`` classes that the app styles.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qa.types import Answer, Citation, DocumentMeta, Hit

ABSTAIN_HEADLINE = "The documents do not answer this question."
CLOSEST_PASSAGES = 3  # passages shown under an abstention
CONTEXT_CHARS = 600  # at most this much of the paragraph is shown on each side of a quote
PASSAGE_CHARS = 700  # at most this much of a closest passage is shown
SNIPPET_CHARS = 160  # the start of a closest passage, shown before expanding

_MARKER = re.compile(r"\s*\[(\d+)\]")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")  # a paragraph break, even with spaces on the line
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Excerpt:
    """A quote with the text around it in its paragraph (raw text, not yet escaped)."""

    before: str
    quote: str
    after: str


def squash(text: str) -> str:
    """Collapse every whitespace run (PDF line breaks, odd spacing) to one space."""
    return _WHITESPACE.sub(" ", text)


def clip(text: str, limit: int = PASSAGE_CHARS) -> str:
    """``text`` with whitespace collapsed, cut at a word boundary near ``limit`` characters."""
    text = squash(text).strip()
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def escape(text: str) -> str:
    """HTML-escape ``text`` with its whitespace collapsed; safe inside any element."""
    return html.escape(squash(text))


def clip_question(question: str, max_chars: int) -> tuple[str, str]:
    """Cut a question to ``max_chars`` characters.

    Args:
        question: the text the user typed.
        max_chars: the longest question the assistant accepts.

    Returns:
        The question, cut if needed, and a notice to show the user ("" when not cut).
    """
    if len(question) <= max_chars:
        return question, ""
    notice = (f"Your question was {len(question):,} characters long; only its first "
              f"{max_chars:,} characters were used.")
    return question[:max_chars], notice


def paragraph_span(text: str, start: int, end: int,
                   context: int = CONTEXT_CHARS) -> tuple[int, int]:
    """The paragraph around ``text[start:end]``: the text between the nearest blank lines.

    Args:
        text: the raw document text.
        start: first character of the quote.
        end: one past the last character of the quote.
        context: the most characters kept on each side of the quote, so a page-long
            "paragraph" (a table of contents, say) stays readable.

    Returns:
        ``(paragraph_start, paragraph_end)`` offsets into ``text``.
    """
    low, high = max(0, start - context), min(len(text), end + context)
    breaks = [m.end() for m in _BLANK_LINE.finditer(text, low, start)]
    following = _BLANK_LINE.search(text, end, high)
    return (breaks[-1] if breaks else low), (following.start() if following else high)


def excerpt(citation: Citation, texts: Mapping[str, str], hits: Sequence[Hit]) -> Excerpt:
    """The cited quote inside its paragraph.

    Prefers the raw document text (``texts[citation.doc]``); without it, falls back to the
    retrieved passage that contains the citation span, and finally to the quote alone.

    Args:
        citation: the citation to show.
        texts: raw document texts by file name (may lack some files).
        hits: the passages retrieved for the answer.
    """
    text = texts.get(citation.doc)
    if text is not None and 0 <= citation.start <= citation.end <= len(text):
        low, high = paragraph_span(text, citation.start, citation.end)
        # A bound that is the edge of the context window (not a blank line) cuts the paragraph.
        lead = "… " if 0 < low == citation.start - CONTEXT_CHARS else ""
        trail = " …" if len(text) > high == citation.end + CONTEXT_CHARS else ""
        return Excerpt(lead + text[low:citation.start], citation.shown, text[citation.end:high] + trail)
    quote = squash(citation.shown).strip()
    for hit in hits:
        if hit.doc == citation.doc and hit.start <= citation.start and citation.end <= hit.end:
            passage = squash(hit.text)
            at = passage.find(quote)
            if quote and at >= 0:
                return Excerpt(passage[:at], quote, passage[at + len(quote):])
    return Excerpt("", citation.shown, "")


def source_label(doc: str, documents: Mapping[str, DocumentMeta], title: str = "") -> str:
    """Escaped "title · organisation, year" of a document (the file name when unknown)."""
    meta = documents.get(doc)
    if meta is None:
        return f'<span class="qa-title">{escape(title or doc)}</span>'
    origin = ", ".join(part for part in (meta.organisation, meta.year) if part)
    return (f'<span class="qa-title">{escape(meta.title)}</span>'
            + (f' <span class="qa-origin">· {escape(origin)}</span>' if origin else ""))


def location_label(section: str, paragraph: int, page: int | None = None) -> str:
    """Escaped "page p, section “…”, paragraph n" of a span (page only for paged formats)."""
    parts = [f"page {page}"] if page is not None else []
    if section.strip():
        parts.append(f"section “{escape(section)}”")
    if paragraph > 0:
        parts.append(f"paragraph {paragraph}")
    return ", ".join(parts)


def text_html(text: str, citations: int = 0) -> str:
    """Escaped answer text, lines kept, with markers ``[1]``..``[citations]`` styled.

    Args:
        text: plain text of the answer.
        citations: how many citations exist; other bracketed numbers stay plain text.
    """
    lines = [escape(line).strip() for line in text.strip().splitlines()]
    body = "<br>".join(line for line in lines if line)

    def marker(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if 1 <= number <= citations:
            return f'<sup class="qa-marker">[{number}]</sup>'
        return match.group(0)

    return _MARKER.sub(marker, body)


def excerpt_html(part: Excerpt) -> str:
    """The paragraph with the quote highlighted in ``<mark>``, everything escaped."""
    return (f'<blockquote class="qa-paragraph">{escape(part.before).lstrip()}'
            f"<mark>{escape(part.quote)}</mark>{escape(part.after).rstrip()}</blockquote>")


def citation_html(number: int, citation: Citation, documents: Mapping[str, DocumentMeta],
                  texts: Mapping[str, str], hits: Sequence[Hit]) -> str:
    """One numbered source: title, origin, location and quote; the paragraph on expanding."""
    location = location_label(citation.section, citation.paragraph, citation.page)
    return (
        '<details class="qa-source"><summary>'
        f'<span class="qa-number">[{number}]</span> '
        f"{source_label(citation.doc, documents, citation.title)}"
        + (f' <span class="qa-location">· {location}</span>' if location else "")
        + f'<span class="qa-quote">“{escape(citation.shown).strip()}”</span></summary>'
        + excerpt_html(excerpt(citation, texts, hits))
        + "</details>"
    )


def hit_html(number: int, hit: Hit, documents: Mapping[str, DocumentMeta],
             texts: Mapping[str, str]) -> str:
    """One closest passage (for abstentions): where it is, its start, all of it on expanding."""
    text = texts.get(hit.doc)
    raw = text[hit.start:hit.end] if text is not None else hit.text
    location = location_label(hit.section, hit.paragraph, _page(hit.doc, hit.start, documents))
    return (
        '<details class="qa-source"><summary>'
        f'<span class="qa-number">[{number}]</span> {source_label(hit.doc, documents)}'
        + (f' <span class="qa-location">· {location}</span>' if location else "")
        + f'<span class="qa-quote">{html.escape(clip(raw, SNIPPET_CHARS))}</span></summary>'
        f'<blockquote class="qa-paragraph">{html.escape(clip(raw))}</blockquote></details>'
    )


def answer_html(answer: Answer, documents: Mapping[str, DocumentMeta],
                texts: Mapping[str, str], notice: str = "") -> str:
    """The chat reply for an answer: text with markers, then its sources.

    An abstention says plainly that the documents do not answer, gives the reason, quotes the
    nearest passage the reason points to and lists other close passages, three in all.

    Args:
        answer: what the assistant returned.
        documents: document metadata by file name.
        texts: raw document texts by file name, to show each quote inside its paragraph.
        notice: a message to put first (for instance that the question was cut).
    """
    parts = [notice_html(notice)] if notice else []
    if answer.abstained:
        detail = answer.reason or answer.text
        parts.append(f'<p class="qa-abstain"><strong>{ABSTAIN_HEADLINE}</strong>'
                     + (f" {text_html(detail)}" if detail.strip() else "") + "</p>")
        nearest, others = _closest(answer)
        if nearest:
            parts.append('<div class="qa-sources"><div class="qa-heading">Nearest passage</div>'
                         + "".join(citation_html(i, c, documents, texts, answer.retrieved)
                                   for i, c in enumerate(nearest, 1))
                         + "</div>")
        if others:
            parts.append('<div class="qa-sources"><div class="qa-heading">'
                         f"{'Other close passages' if nearest else 'Closest passages found'}</div>"
                         + "".join(hit_html(i, hit, documents, texts)
                                   for i, hit in enumerate(others, len(nearest) + 1))
                         + "</div>")
    else:
        parts.append(f'<p class="qa-text">{text_html(answer.text, len(answer.citations))}</p>')
        if answer.citations:
            parts.append('<div class="qa-sources"><div class="qa-heading">Sources'
                         f' <span class="qa-confidence">confidence {answer.confidence:.0%}'
                         "</span></div>"
                         + "".join(citation_html(i, c, documents, texts, answer.retrieved)
                                   for i, c in enumerate(answer.citations, 1))
                         + "</div>")
    return f'<div class="qa-answer">{"".join(parts)}</div>'


def _closest(answer: Answer) -> tuple[tuple[Citation, ...], tuple[Hit, ...]]:
    """What an abstention shows, ``CLOSEST_PASSAGES`` in all: the nearest quotes, which its
    reason points to ("the nearest passage is quoted below"), then the retrieved passages that
    hold none of them."""
    nearest = answer.citations[:CLOSEST_PASSAGES]
    others = tuple(h for h in answer.retrieved
                   if not any(c.doc == h.doc and h.start <= c.start < h.end for c in nearest))
    return nearest, others[:CLOSEST_PASSAGES - len(nearest)]


def question_html(question: str) -> str:
    """The user's question as shown in the chat, escaped."""
    return f'<div class="qa-question">{text_html(question)}</div>'


def notice_html(message: str) -> str:
    """A short, visible notice (the question was cut...), escaped."""
    return f'<p class="qa-notice">{escape(message)}</p>'


def error_html(message: str, notice: str = "") -> str:
    """A reply saying why no answer could be given (a library error's message), escaped.

    Args:
        message: the error's message, which says what to fix.
        notice: a message to put first (for instance that the question was cut).
    """
    said = message[:1].upper() + message[1:]  # (a library message opens in lower case)
    return (f'<div class="qa-answer">{notice_html(notice) if notice else ""}'
            f'<p class="qa-error"><strong>No answer.</strong> {text_html(said)}</p></div>')


def pending_html() -> str:
    """The placeholder reply shown while the assistant reads."""
    return '<div class="qa-answer"><p class="qa-pending">Searching the documents…</p></div>'


def documents_html(documents: Sequence[DocumentMeta]) -> str:
    """The documents list: title, organisation, date, file (the original) and pages of each."""
    items = "".join(
        f'<li><span class="qa-title">{escape(d.title)}</span> —'
        + "".join(f" {escape(part)}," for part in (d.organisation, d.date) if part)
        + f' <code>{escape(d.source or d.file)}</code>'
        + (f" · {len(d.pages)} pages" if d.pages else "") + "</li>"
        for d in documents
    )
    return ('<div class="qa-documents"><p>The assistant answers only from these documents '
            "and quotes them for every claim.</p>"
            f"<ul>{items}</ul></div>")


def added_html(documents: Sequence[DocumentMeta], embedded: int, seconds: float) -> str:
    """What an upload added, and what updating the index took, escaped."""
    names = ", ".join(f"<code>{escape(d.source or d.file)}</code> ({escape(d.title)}"
                      + (f", {len(d.pages)} pages" if d.pages else "") + ")" for d in documents)
    return (f'<p class="qa-added">Added {names}. The index was updated in {seconds:.1f} s '
            f"({embedded:,} new sentences and headings embedded); ask away.</p>")


def upload_error_html(message: str) -> str:
    """Why an upload was refused (a library error's message, which names the file), escaped."""
    return f'<p class="qa-error"><strong>Not added.</strong> {escape(message)}</p>'


def plain_text(answer: Answer, documents: Mapping[str, DocumentMeta] | None = None) -> str:
    """The answer as plain text followed by numbered references, for copying.

    Args:
        answer: what the assistant returned.
        documents: document metadata by file name, for titles of closest passages.

    Returns:
        The answer text then ``[n] title, page p, section "…", paragraph n: "quote"`` lines
        (the page for paged formats only); for an
        abstention, the headline, the reason, the nearest quote and other close passages.
    """
    documents = documents or {}
    if answer.abstained:
        detail = (answer.reason or answer.text).strip()
        lines = [f"{ABSTAIN_HEADLINE} {detail}".strip()]
        nearest, others = _closest(answer)
        if nearest:
            lines += ["", "Nearest passage:"] + _references(nearest, documents)
        if others:
            lines += ["", "Other close passages:" if nearest else "Closest passages found:"]
            lines += [_reference(i, _title(h.doc, documents), h.section, h.paragraph,
                                 clip(h.text), _page(h.doc, h.start, documents))
                      for i, h in enumerate(others, len(nearest) + 1)]
        return "\n".join(lines)
    lines = [answer.text.strip()]
    if answer.citations:
        lines += ["", "References:"] + _references(answer.citations, documents)
    return "\n".join(lines)


def _references(citations: Sequence[Citation], documents: Mapping[str, DocumentMeta]) -> list[str]:
    return [_reference(i, c.title or _title(c.doc, documents), c.section, c.paragraph, c.shown, c.page)
            for i, c in enumerate(citations, 1)]


def _title(doc: str, documents: Mapping[str, DocumentMeta]) -> str:
    meta = documents.get(doc)
    return meta.title if meta is not None else doc


def _page(doc: str, offset: int, documents: Mapping[str, DocumentMeta]) -> int | None:
    meta = documents.get(doc)
    return meta.page_at(offset) if meta is not None else None


def _reference(number: int, title: str, section: str, paragraph: int, quote: str,
               page: int | None) -> str:
    where = [title] + ([f"page {page}"] if page is not None else [])
    if section.strip():
        where.append(f'section "{squash(section).strip()}"')
    if paragraph > 0:
        where.append(f"paragraph {paragraph}")
    return f'[{number}] {", ".join(where)}: "{squash(quote).strip()}"'
