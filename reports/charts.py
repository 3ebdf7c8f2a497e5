"""Vector charts (SVG) for the PDF: plain bars with their values written beside them, so a
black-and-white print loses nothing."""

from html import escape

from reports.data import Table
from reports.formatting import format_cell


def bar_chart(table: Table, *, width: int = 640, bar_height: int = 11, gap: int = 3) -> str | None:
    """Horizontal bars of ``table.chart_column`` labelled by the first column; None if nothing to draw."""
    if table.chart_column is None:
        return None
    points = [(str(row[0]), row[table.chart_column]) for row in table.rows]
    points = [(label, value) for label, value in points if isinstance(value, int | float)]
    if not points:
        return None
    label_width = 190
    value_width = 70
    plot = width - label_width - value_width
    top = max(value for _label, value in points) or 1
    height = len(points) * (bar_height + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Portal Sans, Noto Sans, sans-serif" font-size="10">'
    ]
    for index, (label, value) in enumerate(points):
        y = gap + index * (bar_height + gap)
        length = max(1.0, plot * value / top) if value else 0
        text_y = y + bar_height - 2
        parts.append(
            f'<text x="{label_width - 6}" y="{text_y}" text-anchor="end">{escape(label[:32])}</text>'
        )
        if length:
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
                'fill="#4d4d4d" stroke="#000" stroke-width="0.5"/>'
            )
        shown, _align = format_cell(value)  # as in the table beside it (12,5 not 12.5)
        parts.append(f'<text x="{label_width + length + 4:.1f}" y="{text_y}">{shown}</text>')
    parts.append("</svg>")
    return "".join(parts)
