"""Builders of small PDF, Word and HTML files for the ingestion tests (imported, not a conftest).

Every test file is generated here, so no binary fixture needs to be kept in the repository.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

PDF_PAGES = (
    "Harbour Workers Survey\n\nThis survey covers seasonal workers in the harbour district.",
    "Housing conditions\n\nSeasonal workers share each rented room with six other people on average. "
    "Landlords charge EUR 310 per month for one bed.",
    "Wages\n\nThe median hourly wage of harbour workers was EUR 7.40 in 2021. "
    "Night shifts are paid no premium.",
)


def make_pdf(path: Path, pages: tuple[str, ...] | list[str] = PDF_PAGES, title: str = "Harbour Workers Survey",
             author: str = "Harbour Rights Network", date: dt.date = dt.date(2021, 6, 1)) -> Path:
    """A text PDF with one page per string (fpdf2's core font: Latin-1 text only)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creation_date(dt.datetime.combine(date, dt.time(), tzinfo=dt.timezone.utc))
    pdf.set_font("helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


TOPICS = ("recruitment", "housing", "wages", "health care", "remittances", "language courses",
          "family reunification", "return", "labour inspection", "legal aid")
PLACES = ("Lakeport", "Northvale", "Eastbridge", "Westmoor", "Southgate", "Riverton", "Hillcrest")
SENTENCES = (
    "In {place}, the welcome centre registered {n1:,} newly arrived workers in {year}.",
    "Our caseworkers handled {n2} complaints about {topic} during the year.",
    "The average cost reported for {topic} was EUR {n3} per month.",
    "Volunteers in {place} ran {n4} information sessions on {topic}.",
    "Employers in the region were asked to report on {topic} every quarter.",
    "Workers who used the hotline said the most common problem was {topic}.",
    "The municipality of {place} funded {n4} new places for {topic} support.",
    "Partner unions documented {n2} cases of unpaid overtime linked to {topic}.",
    "Women made up {n5} per cent of the people who asked for advice on {topic}.",
    "Most requests came from workers employed in agriculture and food processing.",
    "A survey of {n6} workers in {place} found that few knew their rights on {topic}.",
    "The regional labour office opened {n4} inspections after our reports on {topic}.",
    "Interpreters were available in Romanian, Bulgarian, Ukrainian and Nepali.",
    "We recommend that the ministry publish clear guidance on {topic} in several languages.",
    "Funding for the {place} office came from the city and two private foundations.",
    "Waiting times for an appointment fell to {n7} days by the end of {year}.",
    "Several employers agreed to a code of conduct on {topic} after mediation.",
    "Our staff trained {n6} volunteers on {topic} and on first contact with workers.",
    "Complaints were closed within {n7} weeks on average, up from the year before.",
    "The board approved a new strategy for {topic} covering the next three years.",
    "Migrant workers in {place} earned on average EUR {n8} per hour in {year}.",
    "We thank all partner organisations that shared their data on {topic}.",
)


def report_pages(count: int = 50) -> list[str]:
    """Pages of a made-up annual report, each a numbered heading and about 1,900 characters
    whose places, topics, numbers and years differ from page to page."""
    pages = []
    for number in range(1, count + 1):
        place, topic = PLACES[number % len(PLACES)], TOPICS[number % len(TOPICS)]
        facts = {"place": place, "topic": topic, "year": 2000 + number % 24, "n1": 1000 + 97 * number,
                 "n2": 10 + number, "n3": 100 + 3 * number, "n4": 5 + number % 17, "n5": 30 + number % 41,
                 "n6": 50 + 7 * number, "n7": 2 + number % 9, "n8": f"{7 + number % 5}.{number % 10}0"}
        body = " ".join(sentence.format(**facts) for sentence in SENTENCES)
        pages.append(f"{number}. {topic.capitalize()} in {place}\n\n{body}")
    return pages


def make_image_pdf(path: Path) -> Path:
    """A PDF whose one page holds only a drawing: no text layer, like a scan."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.output(str(path))
    return path


def make_encrypted_pdf(path: Path, source: Path) -> Path:
    """``source`` protected with a user password."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=str(source))
    writer.encrypt("secret", algorithm="AES-256")
    writer.write(str(path))
    return path


def make_docx(path: Path) -> Path:
    """A Word file with core properties, a title, two headed sections, a table and a list."""
    import docx

    document = docx.Document()
    document.core_properties.title = "Care Workers Briefing"
    document.core_properties.author = "Care Migrants Union"
    document.core_properties.created = dt.datetime(2020, 11, 15)
    document.add_heading("Care Workers Briefing", 0)
    document.add_heading("1. Recruitment fees", 1)
    document.add_paragraph("Recruitment agencies charged care workers an average fee of USD 2,900. "
                           "Most workers borrowed the money from relatives.")
    document.add_heading("2. Working hours", 1)
    document.add_paragraph("Live-in care workers reported 68 working hours per week.")
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ("Country", "Workers", "Italy", "412")):
        cell.text = text
    document.add_paragraph("Rest days were often cancelled.", style="List Bullet")
    document.save(str(path))
    return path


HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>Fishing Crews Report | Sea Rights</title>
<meta property="og:title" content="Fishing Crews Report">
<meta property="og:site_name" content="Sea Rights Alliance">
<meta name="citation_publication_date" content="2019-09-30">
<script>var tracking = "should never be indexed";</script><style>p {color: red}</style></head>
<body><nav>Home | Donate | Contact</nav>
<main><h1>Fishing Crews Report</h1>
<h2>1. Contracts</h2>
<p>Only 23 per cent of the migrant fishers interviewed
   had a written contract.</p>
<p>Crews on distant-water vessels stay at sea for up to 14 months.<br>Port visits are rare.</p>
<h2>2. Pay</h2><ul><li>Wages were withheld until the end of the voyage.</li><li>Deductions for food
were common.</li></ul>
<table><tr><th>Flag</th><th>Vessels</th></tr><tr><td>Taiwan</td><td>31</td></tr></table>
</main><footer>© Sea Rights Alliance</footer></body></html>
"""


def make_html(path: Path) -> Path:
    """An HTML report page with navigation, scripts and a footer around the main content."""
    path.write_text(HTML, encoding="utf-8")
    return path
