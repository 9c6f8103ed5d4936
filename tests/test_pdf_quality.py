"""The default edition's PDF as poppler reads it: fonts, metadata, language, bookmarks, figures.

Typst writes a tagged PDF: each figure's alternative text is an /Alt entry of its structure
element, and the document language is the catalog's /Lang. Both are read from the file bytes,
which Typst leaves uncompressed for these entries.
"""

from __future__ import annotations

import re
import subprocess

import nbformat
import pytest

from helpers.editions import load_edition
from tests.publishing import DEFAULT_EDITION, built_default_edition, default_pdf

pytestmark = pytest.mark.slow


def poppler(tool: str, *args: str) -> str:
    """Output of a poppler-utils command run on the default edition's PDF."""
    command = [tool, *args, str(default_pdf())]
    if tool in ("pdftotext", "pdftohtml"):
        command.append("-")
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def pdf_strings_after(key: bytes, data: bytes) -> list[bytes]:
    """Every PDF literal string that follows a key, read with its nested parentheses."""
    found = []
    for match in re.finditer(re.escape(key) + rb"\s*\(", data):
        depth, i, out = 1, match.end(), bytearray()
        while depth:
            byte = data[i : i + 1]
            if byte == b"\\":
                out += data[i : i + 2]
                i += 2
                continue
            depth += {b"(": 1, b")": -1}.get(byte, 0)
            if depth:
                out += byte
            i += 1
        found.append(bytes(out))
    return found


def pdf_text_string(raw: bytes) -> str:
    """Decode a PDF literal string: escapes, then UTF-16 (with its byte-order mark) or Latin-1."""
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def unescape(match: re.Match[bytes]) -> bytes:
        """One escape sequence as the byte it stands for."""
        code = match.group(1)
        if code.isdigit():
            return bytes([int(code, 8)])
        return escapes.get(code, code)

    data = re.sub(rb"\\([0-7]{1,3}|.)", unescape, raw, flags=re.DOTALL)
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be")
    return data.decode("latin-1")


def notebook_alt_texts() -> list[str]:
    """Alt text of every figure output in the edition's executed notebooks."""
    alts = []
    for notebook in sorted((built_default_edition() / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(notebook, as_version=4).cells:
            for output in cell.get("outputs", []):
                alt = output.get("metadata", {}).get("image/png", {}).get("alt")
                if alt:
                    alts.append(alt)
    return alts


def test_every_font_is_embedded() -> None:
    """pdffonts lists only embedded fonts, so the PDF reads the same everywhere."""
    rows = poppler("pdffonts").splitlines()[2:]
    assert rows
    assert all(row.split()[-5] == "yes" for row in rows)


def test_title_language_and_tagging() -> None:
    """Document title and language are set, and the PDF is tagged."""
    info = poppler("pdfinfo")
    assert "Title:           Well-being mission progress update 2024" in info
    assert "Tagged:          yes" in info
    assert pdf_strings_after(b"/Lang", default_pdf().read_bytes()) == [b"en-GB"]


def test_bookmarks_list_every_section_and_page() -> None:
    """The PDF outline has a numbered bookmark per section, static page and release page."""
    outline = poppler("pdftohtml", "-xml", "-i", "-q", "-stdout")
    items = re.findall(r'<item page="\d+">(\d+ [^<]+)</item>', outline)
    titles = [s.title for s in load_edition(DEFAULT_EDITION).sections]
    expected = [
        *titles,
        "Accessibility statement",
        "Cite this release, sources and changes",
    ]
    assert items == [f"{n} {t}" for n, t in enumerate(expected, 1)]


def test_each_figure_has_a_caption_and_alt_text() -> None:
    """Every chart the notebooks saved is a numbered, captioned figure with its alt text."""
    figures = sorted((built_default_edition() / "data").glob("*.png"))
    text = poppler("pdftotext")
    numbers = {int(n) for n in re.findall(r"Figure (\d+):", text)}
    assert numbers == set(range(1, len(figures) + 1))
    alts = [pdf_text_string(a) for a in pdf_strings_after(b"/Alt", default_pdf().read_bytes())]
    assert sorted(alts) == sorted(notebook_alt_texts())
