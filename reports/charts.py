"""Reports room: horizontal bar charts drawn as inline SVG, so a report opens offline with no script or library.

Each chart carries a text description of every bar for screen readers, and prints as crisply as the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

# Dark red for what is most urgent, a deep blue, then a pale blue: distinguishable in greyscale print too.
URGENT, MAIN, PALE = "#a4262c", "#1f4e79", "#9fb9d6"
WIDTH, LABEL_W, VALUE_W, ROW, BAR, TOP_LEGEND = 560, 175, 48, 24, 16, 26


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    series: tuple[str, ...]
    bars: tuple[tuple[str, tuple[int, ...]], ...]  # label → one value per series, stacked left to right
    note: str = ""
    colours: tuple[str, ...] = (URGENT, MAIN)

    @property
    def description(self) -> str:
        if not self.bars:
            return f"{self.title}: nothing to show."
        parts = []
        for name, values in self.bars:
            detail = ", ".join(f"{s.lower()} {v:,}" for s, v in zip(self.series, values)) if len(values) > 1 else ""
            parts.append(f"{name}: {sum(values):,}" + (f" ({detail})" if detail else ""))
        return f"{self.title}. " + "; ".join(parts) + "."


def _clip(text: str, limit: int = 26) -> str:
    return text if len(text) <= limit else "…" + text[-(limit - 1) :]


def render_svg(chart: Chart) -> str:
    """The chart as an ``<svg>`` element (a string of trusted markup; every label is escaped)."""
    legend = len(chart.series) > 1
    top = TOP_LEGEND if legend else 6
    rows = max(len(chart.bars), 1)
    height = top + rows * ROW + 6
    biggest = max((sum(v) for _, v in chart.bars), default=0) or 1
    span = WIDTH - LABEL_W - VALUE_W
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{chart.id}-t {chart.id}-d" font-family="DejaVu Sans, Arial, sans-serif" '
        f'font-size="13" class="chart">',
        f'<title id="{chart.id}-t">{escape(chart.title)}</title>',
        f'<desc id="{chart.id}-d">{escape(chart.description)}</desc>',
    ]
    if legend:
        x = LABEL_W
        for colour, name in zip(chart.colours, chart.series):
            out.append(f'<rect x="{x}" y="5" width="12" height="12" fill="{colour}"/>')
            out.append(f'<text x="{x + 17}" y="15" fill="#222">{escape(name)}</text>')
            x += 30 + 7 * len(name)
    if not chart.bars:
        out.append(f'<text x="{LABEL_W}" y="{top + 16}" fill="#555">Nothing to show.</text>')
    for n, (name, values) in enumerate(chart.bars):
        y = top + n * ROW
        out.append(
            f'<text x="{LABEL_W - 8}" y="{y + BAR - 3}" text-anchor="end" fill="#222">'
            f"<title>{escape(name)}</title>{escape(_clip(name))}</text>"
        )
        x = float(LABEL_W)
        for colour, value in zip(chart.colours, values):
            w = span * value / biggest
            if value:
                out.append(f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1.5):.1f}" height="{BAR}" fill="{colour}"/>')
            x += w
        out.append(f'<text x="{x + 6:.1f}" y="{y + BAR - 3}" fill="#222" font-weight="bold">{sum(values):,}</text>')
    out.append("</svg>")
    return "".join(out)
