"""Extract text, page offsets and metadata from PDF, Word, HTML, Markdown and plain-text files.

One function, :func:`extract`, reads a file with a well-kept library per format (pypdf,
python-docx, BeautifulSoup) and writes nothing. The text it returns is stored once beside the
original (:mod:`qa.documents`), so citations keep exact offsets into a stable text. Pages of a
PDF are joined with a line holding a form feed (``PAGE_BREAK``), which the segmenter reads as a
paragraph break; ``Extracted.pages`` holds each page's first offset. Headings of Word and HTML
files are written as Markdown headings (``## Wages``), which the segmenter turns into sections.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable
from xml.etree import ElementTree

from .corpus import read_text
from .errors import CorpusError, QAError

PAGE_BREAK = "\n\f\n"
MB = 1024 * 1024
_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
_MD_TITLE = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.M)
_HTML_DROP = ["script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside",
              "form", "button", "iframe"]
_HTML_BLOCKS = ["p", "div", "section", "article", "li", "dt", "dd", "blockquote", "pre", "figcaption",
                "caption", "address", "h1", "h2", "h3", "h4", "h5", "h6"]
_BLOCK, _LINE = "\u2029", "\u2028"  # markers of block and line breaks while flattening HTML


@dataclass(frozen=True)
class Extracted:
    """The text of a file, where its pages start, and the metadata it carries.

    Attributes:
        text: UTF-8 text that citations' offsets will point into.
        pages: start offset of each page (the first is 0) for paged formats; None otherwise.
        title: the file's own title, else its name without suffix.
        organisation: the publisher, company or author named in the file, if any.
        date: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, if the file gives one.
    """

    text: str
    pages: tuple[int, ...] | None
    title: str
    organisation: str = ""
    date: str = ""


def extract(path: Path | str, max_mb: float = 50) -> Extracted:
    """Read a document of a supported type into text, page offsets and metadata.

    Args:
        path: a ``.pdf``, ``.docx``, ``.html``/``.htm``, ``.md`` or ``.txt`` file.
        max_mb: larger files are refused before they are read.

    Raises:
        CorpusError: naming the file, when it is missing, of another type, too large,
            encrypted, without a text layer, corrupt, or empty.
    """
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise CorpusError(f"{path.name} is a {path.suffix or 'suffix-less'} file, which cannot be "
                          f"added; convert it to one of {', '.join(READERS)}")
    if not path.is_file():
        raise CorpusError(f"{path} does not exist or is not a file; check the path")
    size = path.stat().st_size
    if size > max_mb * MB:
        raise CorpusError(f"{path.name} is {size / MB:.1f} MB, over the {max_mb:g} MB limit; split it "
                          "or raise the limit (QA_MAX_DOCUMENT_MB)")
    found = reader(path)
    if not any(ch.isalnum() for ch in found.text):
        raise CorpusError(f"{path.name} has no text to index; add a file with text in it")
    # A lone surrogate (from a broken font map) cannot be saved as UTF-8; "?" keeps the offsets.
    return replace(found, text=found.text.encode("utf-8", "replace").decode("utf-8"))


def _pdf(path: Path) -> Extracted:
    import pypdf

    with _reading(path, "PDF", "re-export it as PDF from the program that made it"):
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise CorpusError(f"{path.name} is protected by a password; remove it (for example "
                              f"qpdf --decrypt --password=PASSWORD {path.name} decrypted.pdf) and "
                              "add the decrypted file")
        texts = [(page.extract_text() or "").replace("\x00", "").rstrip() for page in reader.pages]
        info = reader.metadata or pypdf.DocumentInformation()
        title, author = _quietly(lambda: info.title), _quietly(lambda: info.author)
        when = _quietly(lambda: info.creation_date)
    if not any(ch.isalnum() for text in texts for ch in text):
        raise CorpusError(f"{path.name} has no text layer (a scanned or image-only PDF); run OCR "
                          f"first (for example ocrmypdf {path.name} ocr.pdf) and add the result")
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + len(PAGE_BREAK)
    return Extracted(PAGE_BREAK.join(texts), tuple(starts), _first(title, path.stem),
                     _first(info.get("/Company"), author), _date(when))


def _docx(path: Path) -> Extracted:
    import docx

    with _reading(path, "Word .docx file", "open it in Word or LibreOffice and save it as .docx again"):
        document = docx.Document(str(path))
        blocks = [_docx_block(item) for item in document.iter_inner_content()]
        titled = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Title"]
        props = document.core_properties
        with zipfile.ZipFile(path) as archive:
            company = _docx_company(archive)
    return Extracted("\n\n".join(b for b in blocks if b), None, _first(props.title, *titled, path.stem),
                     _first(company, props.author), _date(props.created))


def _docx_block(item: Any) -> str:
    """A paragraph (headings and list items as Markdown) or a table (a row a line, cells split by |)."""
    if hasattr(item, "rows"):
        return "\n".join(" | ".join(" ".join(c.text.split()) for c in row.cells) for row in item.rows)
    text = item.text.strip()
    style = item.style.name if item.style is not None else ""
    level = int(style[8:]) if re.fullmatch(r"Heading [1-6]", style) else 0
    if level and text:
        return f"{'#' * level} {text}"
    return f"- {text}" if style.startswith("List") and text else text


def _docx_company(archive: zipfile.ZipFile) -> str:
    try:
        found = ElementTree.fromstring(archive.read("docProps/app.xml")).find("{*}Company")
    except KeyError:  # the extended properties part is optional
        return ""
    return (found.text or "") if found is not None else ""


def _html(path: Path) -> Extracted:
    from bs4 import BeautifulSoup

    with _reading(path, "HTML file", "save the page again from a browser as HTML"):
        soup = BeautifulSoup(path.read_bytes(), "lxml")
        for junk in soup.find_all(_HTML_DROP):
            junk.decompose()
        title = _first(_html_meta(soup, "og:title", "dc.title", "citation_title"),
                       soup.title.get_text() if soup.title else "",
                       soup.h1.get_text() if soup.h1 else "", path.stem)
        organisation = _html_meta(soup, "og:site_name", "citation_publisher", "dc.publisher",
                                  "publisher", "author")
        when = _html_meta(soup, "citation_publication_date", "dc.date", "dcterms.date",
                          "article:published_time", "date") or _html_time(soup)
        text = _html_text(soup.find("main") or soup.find("article") or soup.body or soup)
    return Extracted(text, None, title, organisation, _date(when))


def _html_text(root: Any) -> str:
    """Text of an HTML element: a block a paragraph, ``<br>`` a line, headings and list items as
    Markdown, a table row a line with cells split by ``|``."""
    for br in root.find_all("br"):
        br.replace_with(_LINE)
    for table in root.find_all("table"):
        rows = [" | ".join(" ".join(cell.get_text(" ").split()) for cell in tr.find_all(["td", "th"]))
                for tr in table.find_all("tr")]
        table.replace_with(_BLOCK + _LINE.join(rows) + _BLOCK)
    for block in root.find_all(_HTML_BLOCKS):
        if block.name[0] == "h" and block.name[1:].isdigit():
            block.insert(0, "#" * int(block.name[1]) + " ")
        elif block.name == "li":
            block.insert(0, "- ")  # a list item, never mistaken for a heading
        block.insert_before(_BLOCK)
        block.insert_after(_BLOCK)
    blocks = (_LINE.join(" ".join(line.split()) for line in b.split(_LINE)).strip(_LINE)
              for b in root.get_text().split(_BLOCK))
    return "\n\n".join(b.replace(_LINE, "\n") for b in blocks if b.strip(_LINE + " #"))


def _html_meta(soup: Any, *names: str) -> str:
    """The content of the first of ``names`` found as ``<meta name|property=... content=...>``."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        found.setdefault((tag.get("name") or tag.get("property") or "").lower(), tag.get("content"))
    return _first(*(found.get(name) for name in names))


def _html_time(soup: Any) -> str:
    tag = soup.find("time", attrs={"datetime": True})
    return tag["datetime"] if tag is not None else ""


def _markdown(path: Path) -> Extracted:
    text = read_text(path)
    front = _FRONT_MATTER.match(text)
    fields = dict(_front_field(line) for line in front.group(1).splitlines()) if front else {}
    body = text[front.end():] if front else text
    heading = _MD_TITLE.search(body)
    return Extracted(body, None, _first(fields.get("title"), heading and heading.group(1), path.stem),
                     _first(fields.get("organisation"), fields.get("organization"),
                            fields.get("publisher"), fields.get("author")),
                     _date(fields.get("date")))


def _front_field(line: str) -> tuple[str, str]:
    key, _, value = line.partition(":")
    return key.strip().lower(), value.strip().strip("\"'")


def _plain(path: Path) -> Extracted:
    return Extracted(read_text(path), None, path.stem)


READERS: dict[str, Callable[[Path], Extracted]] = {
    ".pdf": _pdf, ".docx": _docx, ".html": _html, ".htm": _html, ".md": _markdown, ".txt": _plain,
}


@contextmanager
def _reading(path: Path, kind: str, fix: str) -> Iterator[None]:
    """Turn whatever a parser raises on a damaged file into one line naming the file."""
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)  # damaged PDFs log warnings that would clutter the CLI
    try:
        yield
    except QAError:
        raise
    except Exception as exc:  # parsers of untrusted files fail in many ways; all mean "unreadable"
        detail = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise CorpusError(f"{path.name} is not a readable {kind} ({detail}); {fix}") from exc
    finally:
        pypdf_log.setLevel(level)


def _quietly(read: Callable[[], Any]) -> Any:
    """A metadata field, or None when the file's value is malformed."""
    try:
        return read()
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _first(*values: Any) -> str:
    """The first value that is a non-blank string, with its whitespace collapsed."""
    for value in values:
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return ""


def _date(value: Any) -> str:
    """``YYYY-MM-DD`` (or a prefix of it) from a datetime or an ISO-like string; "" otherwise."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()[:10]
    match = _DATE.match(value) if isinstance(value, str) else None
    return "-".join(part for part in match.groups() if part) if match else ""
