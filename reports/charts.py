"""The portal's one chart module: vector charts (SVG) drawn on the server, for the PDF reports
and the public dashboard (which puts a data table behind each chart). Bars for the reports
carry their values beside them, so a black-and-white print loses nothing; daily series have a
7-day average line and never show a withheld (suppressed) value."""

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


# --- Daily series (the public dashboard; the reports' daily tables) ---------------------------

Cell = int | float | str | None  # a number, or what is published instead ("< 5", "*"), or nothing


def _number(cell: Cell) -> float | None:
    return float(cell) if isinstance(cell, int | float) and not isinstance(cell, bool) else None


def series_chart(
    labels: list[str],
    values: list[Cell],
    averages: list[Cell] | None = None,
    *,
    title: str,
    chart_id: str = "chart",
    description: str = "",
    width: int = 480,
    height: int = 240,
    withheld_note: str = "",
) -> str:
    """Daily bars with a 7-day average line, as an accessible SVG (role="img", a title and a
    description; the figures themselves are in the data table the page puts behind it).

    A day whose value is withheld (a string: "< 5", "*") has no bar, only a hollow marker on
    the axis, so the chart never shows more than the table; the average line breaks where an
    average is withheld. ``labels`` are short day labels (every 7th is written)."""
    left, right, top, bottom = 40, 8, 12, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    numbers = [_number(v) for v in values] + [_number(a) for a in (averages or [])]
    peak = max([n for n in numbers if n is not None] or [0.0]) or 1.0
    step = plot_w / max(len(values), 1)
    bar_w = max(1.0, step * 0.7)

    def y_of(value: float) -> float:
        return top + plot_h - plot_h * value / peak

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" width="100%" '  # noqa: E501
        f'viewBox="0 0 {width} {height}" font-family="Portal Sans, Noto Sans, sans-serif" font-size="13">',
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(description)}</desc>',  # noqa: E501
    ]
    for fraction in (0, 0.5, 1):
        y = top + plot_h - plot_h * fraction
        shown, _align = format_cell(round(peak * fraction))
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc" stroke-width="0.5"/>'  # noqa: E501
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#333">{shown}</text>'
        )
    for index, value in enumerate(values):
        x = left + index * step + (step - bar_w) / 2
        number = _number(value)
        if number is None:
            if value is not None:  # withheld: a hollow marker on the axis, no height
                parts.append(
                    f'<rect x="{x:.1f}" y="{top + plot_h - 4:.1f}" width="{bar_w:.1f}" height="4" '
                    'fill="none" stroke="#666" stroke-width="0.8"/>'
                )
            continue
        y = y_of(number)
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{top + plot_h - y:.1f}" fill="#7fa7c9"/>'  # noqa: E501
        )
    if averages:
        run: list[str] = []
        for index, average in enumerate([*averages, None]):
            number = _number(average)
            if number is None:
                if len(run) > 1:
                    parts.append(
                        f'<polyline points="{" ".join(run)}" fill="none" stroke="#0b3d66" stroke-width="2"/>'
                    )
                run = []
                continue
            run.append(f"{left + index * step + step / 2:.1f},{y_of(number):.1f}")
    for index, label in enumerate(labels):
        if index % 7 == (len(labels) - 1) % 7:  # the last day and every 7th before it
            x = left + index * step + step / 2
            anchor = "end" if index == len(labels) - 1 else "middle"  # the last one inside the frame
            text_x = min(x + step / 2, width - right) if anchor == "end" else x
            parts.append(
                f'<text x="{text_x:.1f}" y="{height - 18}" text-anchor="{anchor}" fill="#333">'
                f"{escape(label)}</text>"
            )
    if withheld_note:
        parts.append(
            f'<text x="{left}" y="{height - 2}" fill="#555" font-size="12">{escape(withheld_note)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
