"""Read rendered reports back with the stdlib HTML parser (what a browser would build, minus scripts)."""

from __future__ import annotations

from html.parser import HTMLParser


class Probe(HTMLParser):
    """Collects matrix cells, elements by id, every tag with its attributes, and text per id."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.cells: dict[tuple[str, str], dict] = {}
        self.tags: list[tuple[str, dict]] = []
        self.ids: dict[str, dict] = {}
        self.text_by_id: dict[str, str] = {}
        self._section = None
        self._open_ids: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "tr":
            self._section = attrs.get("data-section", self._section)
        if tag == "td" and "data-check" in attrs and self._section is not None:
            self.cells[(self._section, attrs["data-check"])] = attrs
        if "id" in attrs:
            self.ids[attrs["id"]] = {"tag": tag, **attrs}
            self.text_by_id[attrs["id"]] = ""
            self._open_ids.append((tag, attrs["id"]))

    def handle_endtag(self, tag):
        if self._open_ids and self._open_ids[-1][0] == tag:
            self._open_ids.pop()

    def handle_data(self, data):
        for _, ident in self._open_ids:
            self.text_by_id[ident] += data
