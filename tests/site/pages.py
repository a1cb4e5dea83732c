"""Reading a built site back as a browser would: every element with its attributes, and
the links and resources each page refers to (html.parser, no browser)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Parsed:
    elements: list[Element] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def by_id(self, ident: str) -> Element:
        found = [e for e in self.elements if e.attrs.get("id") == ident]
        assert len(found) == 1, f"{len(found)} elements with id {ident}"
        return found[0]

    def references(self) -> list[str]:
        """Every URL the page links to or loads (href, src, and xlink:href in the SVG)."""
        return [
            e.attrs[k]
            for e in self.elements
            for k in ("href", "src", "xlink:href", "action")
            if e.attrs.get(k) is not None
        ]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parsed = Parsed()
        self.open: list[Element] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.parsed.elements.append(element)
        self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)
        for element in self.open:
            element.text += data


def parse(path: Path) -> Parsed:
    reader = _Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    reader.parsed.text = " ".join(" ".join(reader.chunks).split())
    return reader.parsed


def target(site: Path, page: Path, reference: str) -> Path | None:
    """The file an internal reference names (None for an external, inline or in-page one)."""
    if reference.startswith(("http://", "https://", "mailto:", "#", "data:")):
        return None
    path = reference.split("#", 1)[0].split("?", 1)[0]
    relative = posixpath.normpath(posixpath.join(page.parent.relative_to(site).as_posix(), path))
    return site / relative
