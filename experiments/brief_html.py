"""A brief as one self-contained HTML page: images embedded, nothing fetched, readable on a phone.

Table cells keep a value and its interval on separate lines, so columns stay
narrow; the reproduce block is monospace and never wrapped (commands are
already broken with " \\" continuations, so copying them works).
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from .brief_content import Brief, Bullets, Code, Figure, Table, Terms

CSS = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; max-width: 62rem; margin: 2rem auto; padding: 0 1.2rem;
       color: #222; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: 0.3rem; overflow-wrap: break-word; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; }
.subtitle { color: #555; font-size: 0.95rem; margin-top: 0; }
.question { font-size: 1.15rem; color: #333; }
.warning { border-left: 4px solid #D55E00; background: #fdf1ea; padding: 0.6rem 0.9rem; }
.found { font-size: 1.08rem; background: #f3f6fa; border-left: 4px solid #0072B2; padding: 0.7rem 1rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.88rem; margin: 0.4rem 0; }
caption { caption-side: top; text-align: left; font-style: italic; color: #444; padding-bottom: 0.35rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35rem 0.45rem; text-align: right; vertical-align: top; }
th { background: #f6f6f6; }
th:first-child, td:first-child { text-align: left; }
td .ci { color: #555; font-size: 0.85em; white-space: nowrap; }
.notes { font-size: 0.82rem; color: #555; margin: 0.2rem 0 1rem 0; }
figure { margin: 1.5rem 0; } figure img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.85rem; color: #555; }
dt { font-weight: bold; margin-top: 0.5rem; } dd { margin-left: 1.2rem; }
pre { background: #f5f5f5; padding: 0.8rem; overflow-x: auto; font-size: 0.85rem; white-space: pre;
      font-family: 'DejaVu Sans Mono', monospace; }
.small { font-size: 0.85rem; color: #555; }
.nb { white-space: nowrap; }
"""


_SIGNED = re.compile("([+\u2212]\\$?[0-9][0-9,.]*)")


def _unbroken(text: str) -> str:
    """Signed numbers kept whole: a browser may otherwise break "−$8,785" after the minus sign."""
    return _SIGNED.sub(r'<span class="nb">\1</span>', text)


def _cell(text: str, tag: str) -> str:
    lines = [html.escape(line) for line in text.split("\n")]
    if tag == "th" or len(lines) == 1:
        return f"<{tag}>{'<br>'.join(lines)}</{tag}>"
    rest = "".join(f'<br><span class="ci">{line}</span>' for line in lines[1:])
    return f"<{tag}>{lines[0]}{rest}</{tag}>"


def _table(t: Table) -> list[str]:
    out = ['<div class="scroll"><table>']
    if t.caption:
        out.append(f"<caption>{html.escape(t.caption)}</caption>")
    out.append("<tr>" + "".join(_cell(h, "th") for h in t.header) + "</tr>")
    out += ["<tr>" + "".join(_cell(c, "td") for c in row) + "</tr>" for row in t.rows]
    out.append("</table></div>")
    if t.notes:
        out.append('<p class="notes">' + "<br>".join(html.escape(n) for n in t.notes) + "</p>")
    return out


def _figure(f: Figure, png: Path) -> str:
    e = html.escape
    data = base64.b64encode(png.read_bytes()).decode()
    links = " · ".join(
        f'<a href="charts/{e(f.stem)}.{ext}">{ext.upper()}</a>' for ext in ("svg", "pdf", "csv")
    )
    return (
        f'<figure><img alt="{e(f.chart.title)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{e(f.caption)} Also as {links} (the CSV holds the numbers shown).</figcaption></figure>"
    )


def render_html(brief: Brief, images: dict[str, Path]) -> str:
    """The page; ``images`` maps each figure's stem to its PNG."""
    e = html.escape
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(brief.title)}</title>",
        f"<style>{CSS}</style>\n</head>\n<body>",
        f"<h1>{e(brief.title)}</h1>",
        f'<p class="subtitle">{e(brief.subtitle)}</p>',
        f'<p class="question">{e(brief.question)}</p>',
    ]
    if brief.warning:
        parts.append(f'<p class="warning"><strong>{e(brief.warning)}</strong></p>')
    for section in brief.sections:
        parts.append(f"<h2>{e(section.heading)}</h2>")
        for block in section.blocks:
            if isinstance(block, str):
                css = ' class="found"' if section.heading == "What we found" else ""
                parts.append(f"<p{css}>{_unbroken(e(block))}</p>")
            elif isinstance(block, Table):
                parts += _table(block)
            elif isinstance(block, Figure):
                parts.append(_figure(block, images[block.stem]))
            elif isinstance(block, Code):
                parts.append("<pre>" + e("\n".join(block.lines)) + "</pre>")
            elif isinstance(block, Bullets):
                parts += ["<ul>", *(f"<li>{e(i)}</li>" for i in block.items), "</ul>"]
            elif isinstance(block, Terms):
                parts += ["<dl>", *(f"<dt>{e(t)}</dt><dd>{e(d)}</dd>" for t, d in block.items), "</dl>"]
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)
