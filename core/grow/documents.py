"""Text to write questions from: .txt/.md (any common encoding), .docx (python-docx) and .pdf (pypdf), read
with bounds (a file is untrusted: a .docx is a zip that may expand to gigabytes), then cut into passages.
The libraries are imported when a document is opened, not at start-up. Reading is CPU work: call it off the
GUI thread."""

from __future__ import annotations

import re
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.dataset.io import decode, read_file, unreadable
from core.errors import CoreError
from core.i18n import tr

MIB = 1024 * 1024
MAX_FILE_BYTES = 50 * MIB
MAX_UNZIPPED_BYTES = 200 * MIB  # of all the parts of a .docx together
MAX_ZIP_ENTRIES = 10_000
MAX_TEXT_CHARS = 2_000_000  # of text taken from one document (about a thousand pages)
MAX_PDF_PAGES = 2000
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf")


class DocumentError(CoreError):
    """A document that cannot be read (too large, damaged, encrypted, without text)."""


def _damaged(path: Path, detail: str) -> DocumentError:
    return DocumentError(tr("{name} could not be read: the file is damaged or not what its name says.").format(
        name=path.name), tr("Open it in its program and save it again, or paste its text instead."), detail)


def _docx_text(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _damaged(path, repr(exc)) from exc
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNZIPPED_BYTES:
        raise DocumentError(tr("{name} expands to more than {size} MB: it is not read.").format(
            name=path.name, size=MAX_UNZIPPED_BYTES // MIB), tr("Paste the part of its text you need instead."))
    import docx  # start-up speed

    lines, size = [], 0
    try:
        for line in _docx_lines(docx.Document(str(path))):
            lines.append(line)
            size += len(line)
            if size > MAX_TEXT_CHARS:
                break
    except Exception as exc:  # a damaged document fails anywhere inside python-docx and lxml, with any exception
        raise _damaged(path, repr(exc)) from exc
    return "\n\n".join(lines)


def _docx_lines(document: Any) -> Iterator[str]:
    """Paragraphs with text (headings as "# …"), then each table row with text, its cells between " | "."""
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if text:
            yield f"# {text}" if style.lower().startswith(("heading", "title")) else text
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells]
            if any(cells):
                yield " | ".join(cells)


def _opened(reader: Any) -> bool:
    """Many PDFs only lock editing and open with an empty password; AES needs the cryptography package."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # pypdf's DependencyError without cryptography, or a damaged encryption dictionary
        return False


def _pdf_text(path: Path) -> str:
    import pypdf  # start-up speed

    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted and not _opened(reader):
            raise DocumentError(tr("{name} is protected by a password.").format(name=path.name),
                                tr("Open it with its password, save a copy without protection, and use that."))
        pages, size = [], 0
        for page in reader.pages[:MAX_PDF_PAGES]:
            pages.append(page.extract_text() or "")
            size += len(pages[-1])
            if size > MAX_TEXT_CHARS:
                break
    except DocumentError:
        raise
    except Exception as exc:  # a damaged PDF fails anywhere inside the parser, with any exception
        raise _damaged(path, repr(exc)) from exc
    return "\n\n".join(pages)


def _size(path: Path) -> int:
    """The size of a regular file; a folder, a device or a pipe is refused before anything reads from it."""
    try:
        found = path.stat()
    except OSError as exc:
        raise unreadable(path, exc) from exc
    if not stat.S_ISREG(found.st_mode):
        raise DocumentError(tr("{name} is not a document (it is a folder, a device or a pipe).").format(
            name=path.name), tr("Choose a .txt, .md, .docx or .pdf file."))
    return found.st_size


def read_document(path: Path) -> str:
    """The document's text (at most MAX_TEXT_CHARS characters), with headings of a .docx written as "# …"."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DocumentError(tr("{name} is not a document that can be read here.").format(name=path.name),
                            tr("Choose a .txt, .md, .docx or .pdf file, or paste the text."))
    if _size(path) > MAX_FILE_BYTES:
        raise DocumentError(tr("{name} is larger than {size} MB.").format(name=path.name, size=MAX_FILE_BYTES // MIB),
                            tr("Use a shorter document, or paste the part you need."))
    if suffix in TEXT_SUFFIXES:
        text, _ = decode(read_file(path), path)
    else:
        text = _docx_text(path) if suffix == ".docx" else _pdf_text(path)
    text = text.replace("\x00", "")[:MAX_TEXT_CHARS]
    if not text.strip():
        hint = tr("It may be a scanned document (pictures of pages): run it through text recognition (OCR) first, "
                  "or paste the text.") if suffix == ".pdf" else tr("Choose a document with text, or paste it.")
        raise DocumentError(tr("{name} has no text to write questions from.").format(name=path.name), hint)
    return text


_HEADING = re.compile(r"#{1,6}\s+\S|[^\n]+\n(?:=+|-+)[ \t]*(?:\n|$)")  # Markdown: "# Title", or a line underlined
# A sentence with its end: . ! ? ; before a space or the end, or a CJK full stop, question or exclamation mark.
_SENTENCE = re.compile(r".+?(?:[.!?;]+(?:\s+|$)|[。！？；]+\s*|$)", re.S)


def _pieces(paragraph: str, max_chars: int) -> list[str]:
    """A paragraph longer than ``max_chars`` cut at sentence ends (a sentence longer than that, anywhere)."""
    if len(paragraph) <= max_chars:
        return [paragraph]
    pieces, current = [], ""
    for sentence in _SENTENCE.findall(paragraph):
        for start in range(0, len(sentence), max_chars):
            part = sentence[start:start + max_chars]
            if current and len(current) + len(part) > max_chars:
                pieces.append(current.strip())
                current = ""
            current += part
    return [*pieces, current.strip()] if current.strip() else pieces


def split_passages(text: str, max_chars: int = 1500) -> tuple[str, ...]:
    """Passages of at most ``max_chars`` characters: paragraphs joined while they fit, a new passage at each
    heading (which stays at the top of its section)."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    passages: list[str] = []
    current, has_body = "", False
    for piece in (piece for p in paragraphs if p.strip() for piece in _pieces(p.strip(), max_chars)):
        heading = bool(_HEADING.match(piece))
        if current and (heading and has_body or len(current) + 2 + len(piece) > max_chars):
            passages.append(current)
            current, has_body = "", False
        current = f"{current}\n\n{piece}" if current else piece
        has_body = has_body or not heading
    if current:
        passages.append(current)
    return tuple(passages)
