"""What a brief says, as sections of blocks: the content that :mod:`.brief` builds and
:mod:`.brief_html` and :mod:`.brief_pdf` lay out (a table's cell holds its lines separated by
newlines; a figure is a chart with its caption; code is lines already broken to fit).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .charts import Chart


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]  # a cell's lines are separated by "\n"
    caption: str = ""  # the one horizon the table is about
    notes: list[str] = field(default_factory=list)


@dataclass
class Figure:
    stem: str
    chart: Chart
    caption: str = ""


@dataclass
class Code:
    lines: list[str]


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Terms:
    items: list[tuple[str, str]]  # (term, definition)


Block = str | Table | Figure | Code | Bullets | Terms


@dataclass
class Section:
    heading: str
    blocks: list[Block]


@dataclass
class Brief:
    title: str
    subtitle: str  # scope: seeds, size, horizon, version
    question: str
    warning: str  # shown above everything when the results are too thin to rely on
    sections: list[Section]
    versions: dict

    def figures(self) -> list[Figure]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]
