"""A brief as an A4 portrait PDF, laid out with matplotlib (no browser needed).

Text flows from page to page: every line is measured in the font it is drawn
in and wrapped to the text width, tables size their columns to their content
(wrapping the widest where they must) and repeat their header on a new page,
charts are scaled to the text width, and every page carries the title and
"page i of n" at its foot. The reproduce block is monospace, with commands
already broken at " \\" so they copy as whole commands. Fonts are embedded as
TrueType (the house style), and the same brief gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties
from PIL import Image

from .brief_content import Brief, Bullets, Code, Figure, Table, Terms
from .style import chart_style, plt

PAGE_W, PAGE_H = 8.27 * 72, 11.69 * 72  # A4 in points
LEFT, RIGHT, TOP, BOTTOM = 54.0, 54.0, 50.0, 58.0
WIDTH = PAGE_W - LEFT - RIGHT
LEADING = 1.32  # line height as a multiple of the font size
SANS, MONO = "DejaVu Sans", "DejaVu Sans Mono"


@dataclass(frozen=True)
class Font:
    size: float
    weight: str = "normal"
    family: str = SANS
    style: str = "normal"
    colour: str = "#222222"

    def props(self) -> FontProperties:
        return FontProperties(family=self.family, size=self.size, weight=self.weight, style=self.style)

    @property
    def line(self) -> float:
        return self.size * LEADING


TITLE = Font(17, "bold")
SUBTITLE = Font(9.5, colour="#555555")
HEADING = Font(13, "bold")
BODY = Font(9.5)
FOUND = Font(10.5)
WARNING = Font(9.5, "bold", colour="#9a3d00")
SMALL = Font(8, colour="#555555")
CAPTION = Font(8.5, style="italic", colour="#444444")
CELL = Font(7.6)
CELL_HEAD = Font(7.6, "bold")
CODE = Font(7.8, family=MONO)
FOOT = Font(7.5, colour="#777777")


@cache
def _renderer() -> RendererAgg:
    return RendererAgg(10, 10, 720)  # 10 pixels a point: widths to a tenth of a point


@cache
def width(text: str, font: Font) -> float:
    """The width of ``text`` in ``font``, in points."""
    w, _h, _d = _renderer().get_text_width_height_descent(text, font.props(), ismath=False)
    return w / 10


def wrap(text: str, font: Font, room: float) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``room`` points (a longer word stands alone).

    A line's width is taken as its words' widths plus its spaces (measured once per word), a
    fraction of a point from the measured line, which the 1-point slack below absorbs.
    """
    space = width(" ", font)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word in paragraph.split(" "):
            w = width(word, font)
            if line and used + space + w > room - 1.0:
                lines.append(line)
                line, used = word, w
            else:
                line, used = (f"{line} {word}", used + space + w) if line else (word, w)
        lines.append(line)
    return lines


# --------------------------------------------------------------------------- pages of drawing operations


@dataclass
class Page:
    ops: list[tuple] = field(default_factory=list)


class Flow:
    """Places blocks top to bottom, starting a new page when the next piece does not fit."""

    def __init__(self) -> None:
        self.pages: list[Page] = [Page()]
        self.y = TOP  # from the top of the page, in points

    @property
    def room(self) -> float:
        return PAGE_H - BOTTOM - self.y

    def new_page(self) -> None:
        self.pages.append(Page())
        self.y = TOP

    def need(self, height: float) -> None:
        if height > self.room and self.y > TOP:
            self.new_page()

    def text(self, x: float, line: str, font: Font) -> None:
        self.pages[-1].ops.append(("text", x, self.y, line, font))

    def lines(self, lines: list[str], font: Font, x: float = LEFT, keep: int = 1) -> None:
        """Lines one under another; ``keep`` of them at least stay on the page they start."""
        self.need(font.line * min(keep, len(lines)))
        for line in lines:
            self.need(font.line)
            self.text(x, line, font)
            self.y += font.line

    def paragraph(self, text: str, font: Font = BODY, indent: float = 0.0, after: float = 5.0) -> None:
        self.lines(wrap(text, font, WIDTH - indent), font, LEFT + indent, keep=2)
        self.y += after

    def rule(self, x0: float, x1: float, colour: str = "#cccccc", weight: float = 0.6) -> None:
        self.pages[-1].ops.append(("line", x0, self.y, x1, self.y, colour, weight))

    def box(self, x: float, y: float, w: float, h: float, colour: str) -> None:
        self.pages[-1].ops.append(("box", x, y, w, h, colour))


# --------------------------------------------------------------------------- blocks


def _start(block) -> float:
    """The height of the first piece of ``block`` that must share a page with the heading above it."""
    if isinstance(block, Table):
        return CAPTION.line * 2 + (CELL.line * 3 + 6) * 2
    if isinstance(block, Figure):
        return 280.0  # most charts are taller; a heading with no chart under it is what is avoided
    if isinstance(block, Code):
        return CODE.line * len(block.lines) + 10
    return BODY.line * 4


def _heading(flow: Flow, text: str, following: float) -> None:
    flow.y += 8
    # A heading never ends a page: keep it with the start of what follows.
    flow.need(HEADING.line + 6 + following)
    flow.lines(wrap(text, HEADING, WIDTH), HEADING)
    flow.rule(LEFT, LEFT + WIDTH)
    flow.y += 6


def _columns(t: Table) -> list[float]:
    """Column widths (points) that fit the text width: natural widths, the widest columns shrunk first."""
    pad = 8.0
    rows = [t.header, *t.rows]
    natural, floors = [], []
    for j in range(len(t.header)):
        longest, floor = 0.0, 0.0
        for i, row in enumerate(rows):
            font = CELL_HEAD if i == 0 else CELL
            longest = max([longest, *(width(line, font) for line in row[j].split("\n"))])
            # No column narrower than its longest word: a word is never split across lines.
            floor = max(floor, *(width(w, font) for w in row[j].split()), 0.0)
        natural.append(longest + pad)
        floors.append(floor + pad)
    # Cap the widest columns at one common width, so that the table fits (their text wraps).
    remaining, cap = WIDTH, float("inf")
    for k, w in enumerate(sorted(natural)):
        share = remaining / (len(natural) - k)
        if w > share:
            cap = share
            break
        remaining -= w
    widths = [min(w, max(cap, f)) for w, f in zip(natural, floors, strict=True)]
    return widths


def _row_lines(row: list[str], widths: list[float], font: Font) -> list[list[str]]:
    return [wrap(cell, font, w - 8.0) for cell, w in zip(row, widths, strict=True)]


def _table(flow: Flow, t: Table) -> None:
    widths = _columns(t)
    xs = [LEFT + sum(widths[:k]) for k in range(len(widths))]
    head = _row_lines(t.header, widths, CELL_HEAD)
    head_h = max(len(c) for c in head) * CELL_HEAD.line + 6

    def draw_row(cells: list[list[str]], font: Font, height: float, shade: str | None) -> None:
        top = flow.y
        if shade:
            flow.box(LEFT, top, sum(widths), height, shade)
        for j, lines in enumerate(cells):
            flow.y = top + 3
            for line in lines:
                # Numbers right-aligned in their column, labels (the first column) left-aligned.
                x = xs[j] + 4 if j == 0 else xs[j] + widths[j] - 4 - width(line, font)
                flow.text(x, line, font)
                flow.y += font.line
        flow.y = top + height
        flow.rule(LEFT, LEFT + sum(widths))

    if t.caption:
        flow.need(CAPTION.line * 2 + head_h + 3 * CELL.line)
        flow.lines(wrap(t.caption, CAPTION, WIDTH), CAPTION)
        flow.y += 2
    flow.need(head_h + 3 * CELL.line)
    draw_row(head, CELL_HEAD, head_h, "#f2f2f2")
    for row in t.rows:
        cells = _row_lines(row, widths, CELL)
        height = max(len(c) for c in cells) * CELL.line + 6
        if height > flow.room:
            flow.new_page()
            draw_row(head, CELL_HEAD, head_h, "#f2f2f2")
        draw_row(cells, CELL, height, None)
    flow.y += 3
    for note in t.notes:
        flow.lines(wrap(note, SMALL, WIDTH), SMALL)
    flow.y += 8


def _figure(flow: Flow, f: Figure, png: Path) -> None:
    with Image.open(png) as img:  # the size only: the pixels are read once, when the page is drawn
        w_px, h_px = img.size
    w = WIDTH
    h = w * h_px / w_px
    caption = wrap(f.caption, CAPTION, WIDTH)
    below = CAPTION.line * (len(caption) + 1)
    most = PAGE_H - TOP - BOTTOM - below
    if h > most:  # a tall chart is scaled to the page
        w, h = w * most / h, most
    if h > flow.room - below >= 0.7 * h:
        # Nearly fits: shrink it a little rather than leave the rest of the page empty.
        w, h = w * (flow.room - below) / h, flow.room - below
    flow.need(h + below)
    flow.pages[-1].ops.append(("image", png, LEFT + (WIDTH - w) / 2, flow.y, w, h))
    flow.y += h + 3
    flow.lines(caption, CAPTION)
    flow.y += 10


def _code(flow: Flow, c: Code) -> None:
    height = CODE.line * len(c.lines) + 10
    flow.need(min(height, PAGE_H - TOP - BOTTOM))
    flow.box(LEFT, flow.y, WIDTH, height, "#f3f3f3")
    flow.y += 5
    # Commands are pre-broken to fit; a line never wraps, so each copies as typed.
    flow.lines(c.lines, CODE, LEFT + 6, keep=len(c.lines))
    flow.y += 12


def layout(brief: Brief, images: dict[str, Path]) -> list[Page]:
    flow = Flow()
    flow.lines(wrap(brief.title, TITLE, WIDTH), TITLE)
    flow.y += 2
    flow.paragraph(brief.subtitle, SUBTITLE)
    flow.paragraph(brief.question, Font(11, colour="#333333"), after=8)
    if brief.warning:
        flow.paragraph(brief.warning, WARNING, after=8)
    for section in brief.sections:
        start = _start(section.blocks[0]) if section.blocks else 0.0
        if (
            len(section.blocks) > 1
            and isinstance(section.blocks[0], str)
            and isinstance(section.blocks[1], Code)
        ):
            start += _start(section.blocks[1])  # the sentence and the commands it introduces
        _heading(flow, section.heading, start)
        for block, following in zip(section.blocks, [*section.blocks[1:], None], strict=True):
            if isinstance(block, str):
                font = FOUND if section.heading == "What we found" else BODY
                if isinstance(following, Code):  # a sentence introducing commands stays with them
                    flow.need(font.line * len(wrap(block, font, WIDTH)) + 7 + _start(following))
                flow.paragraph(block, font, after=7)
            elif isinstance(block, Table):
                _table(flow, block)
            elif isinstance(block, Figure):
                _figure(flow, block, images[block.stem])
            elif isinstance(block, Code):
                _code(flow, block)
            elif isinstance(block, Bullets):
                for item in block.items:
                    lines = wrap(item, BODY, WIDTH - 12)
                    flow.need(BODY.line * min(2, len(lines)))
                    flow.text(LEFT + 2, "\u2022", BODY)
                    flow.lines(lines, BODY, LEFT + 12, keep=2)
                    flow.y += 3
                flow.y += 4
            elif isinstance(block, Terms):
                for term, text in block.items:
                    lines = wrap(text, BODY, WIDTH - 12)
                    flow.need(BODY.line * (1 + min(2, len(lines))))
                    flow.lines([term], Font(BODY.size, "bold"))
                    flow.lines(lines, BODY, LEFT + 12, keep=2)
                    flow.y += 3
                flow.y += 4
    return flow.pages


def _draw(fig, op: tuple) -> None:
    kind = op[0]
    if kind == "text":
        _, x, y, line, font = op
        fig.text(
            x / PAGE_W,
            1 - y / PAGE_H,
            line,
            ha="left",
            va="top",
            fontsize=font.size,
            fontweight=font.weight,
            family=font.family,
            style=font.style,
            color=font.colour,
        )
    elif kind == "line":
        _, x0, y0, x1, y1, colour, weight = op
        fig.add_artist(
            plt.Line2D(
                [x0 / PAGE_W, x1 / PAGE_W], [1 - y0 / PAGE_H, 1 - y1 / PAGE_H], color=colour, linewidth=weight
            )
        )
    elif kind == "box":
        _, x, y, w, h, colour = op
        fig.add_artist(
            plt.Rectangle(
                (x / PAGE_W, 1 - (y + h) / PAGE_H),
                w / PAGE_W,
                h / PAGE_H,
                facecolor=colour,
                edgecolor="none",
                zorder=-1,
            )
        )
    elif kind == "image":
        _, png, x, y, w, h = op
        ax = fig.add_axes((x / PAGE_W, 1 - (y + h) / PAGE_H, w / PAGE_W, h / PAGE_H))
        ax.imshow(plt.imread(png), interpolation="antialiased")
        ax.axis("off")


def render_pdf(brief: Brief, images: dict[str, Path], path: Path) -> None:
    """Write the brief to ``path`` as A4 portrait pages, numbered."""
    from matplotlib.backends.backend_pdf import PdfPages

    pages = layout(brief, images)
    metadata = {"Title": brief.title, "Creator": None, "Producer": None, "CreationDate": None}
    foot = (
        brief.title
        if width(brief.title, FOOT) < WIDTH - 80
        else wrap(brief.title, FOOT, WIDTH - 80)[0] + " ..."
    )
    # Fonts are written when the file closes: keep the house style (TrueType embedding) in force until then.
    with chart_style(), PdfPages(path, metadata=metadata) as pdf:
        for number, page in enumerate(pages, start=1):
            fig = plt.figure(figsize=(PAGE_W / 72, PAGE_H / 72), layout="none")
            for op in page.ops:
                _draw(fig, op)
            y = 1 - (PAGE_H - BOTTOM + 22) / PAGE_H
            fig.text(LEFT / PAGE_W, y, foot, fontsize=FOOT.size, color=FOOT.colour, va="top")
            fig.text(
                (LEFT + WIDTH) / PAGE_W,
                y,
                f"page {number} of {len(pages)}",
                fontsize=FOOT.size,
                color=FOOT.colour,
                va="top",
                ha="right",
            )
            # Charts are embedded at 200 dpi: sharp in print, and the file stays small and quick to write.
            pdf.savefig(fig, dpi=200)
            plt.close(fig)
