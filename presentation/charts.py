"""Progress charts as PNG files, drawn headless.

The figure is built with matplotlib's object API (`Figure` + the Agg canvas), never `pyplot`: pyplot
picks a GUI backend from the environment and keeps global state, which breaks on a server without a
display and when two chats ask for a chart at once (rendering runs in worker threads).

One PNG holds two views, stacked for a phone screen: a horizontal stacked bar per unit (done / in
progress / blocked / not started, the number overdue written in red beside each bar) and the same per
reform area (the plan's sections I–VII). Counts are of *shares* — one lead unit's part of one row of
the appendix — like the text answer and the Excel summary (`services.progress_counts.tally_leads`).
It stands in presentation because every title, legend and note drawn is wording.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import textwrap
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from domain.shares import Status
from presentation.names import STATUS_NAMES
from services.outbox_files import prune

if TYPE_CHECKING:
    from matplotlib.axes import Axes

STACK = tuple(
    (status, STATUS_NAMES[status], color)
    for status, color in ((Status.DONE, "#2e7d32"), (Status.IN_PROGRESS, "#1e88e5"), (Status.BLOCKED, "#f9a825"),
                          (Status.NOT_STARTED, "#c7c7c7"))
)
OVERDUE_COLOR = "#c62828"
WIDTH_IN = 10.0
DPI = 110
KEEP_CHARTS = dt.timedelta(hours=6)


def _panel(ax: Axes, title: str, rows: Sequence[tuple[str, Counter[str]]]) -> None:
    labels = [textwrap.fill(name, 30) for name, _ in rows]
    positions = list(range(len(rows)))[::-1]  # first row at the top
    left = [0] * len(rows)
    longest = max((counts.get("total", 0) for _, counts in rows), default=0) or 1
    for key, name, color in STACK:
        values = [counts.get(key, 0) for _, counts in rows]
        ax.barh(positions, values, left=left, color=color, label=name, height=0.62, edgecolor="white", linewidth=0.6)
        for pos, start, value in zip(positions, left, values, strict=True):
            if value and value >= longest * 0.045:  # a number wider than its segment would be unreadable
                ax.text(start + value / 2, pos, str(value), ha="center", va="center", fontsize=8,
                        color="white" if key in (Status.DONE, Status.IN_PROGRESS) else "#222222")
        left = [a + b for a, b in zip(left, values, strict=True)]
    for pos, (_, counts), end in zip(positions, rows, left, strict=True):
        done, total = counts.get(Status.DONE, 0), counts.get("total", 0)
        note = f"{round(100 * done / total) if total else 0}% xong"
        ax.text(end + longest * 0.01, pos + 0.12, note, va="center", fontsize=8, color="#333333")
        if counts.get("overdue"):
            ax.text(end + longest * 0.01, pos - 0.2, f"{counts['overdue']} phần việc trễ hạn", va="center", fontsize=8,
                    color=OVERDUE_COLOR, fontweight="bold")
    ax.set_yticks(positions, labels, fontsize=8.5)
    ax.set_xlim(0, longest * 1.22)
    ax.set_title(title, fontsize=11, loc="left", fontweight="bold")
    ax.set_xlabel("Số phần việc (đơn vị × dòng phụ lục)", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#eeeeee", linewidth=0.8)
    ax.set_axisbelow(True)


def render_progress_chart(
    path: Path,
    *,
    title: str,
    by_unit: Sequence[tuple[str, Counter[str]]],
    by_area: Sequence[tuple[str, Counter[str]]],
    subtitle: str = "",
) -> Path:
    """Write the two-panel chart to `path` (PNG) and return it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    unit_h = 0.9 + 0.42 * max(1, len(by_unit))
    area_h = 0.9 + 0.42 * max(1, len(by_area))
    fig = Figure(figsize=(WIDTH_IN, 1.3 + unit_h + area_h), dpi=DPI)
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(2, 1, height_ratios=[unit_h, area_h], hspace=0.35)
    _panel(fig.add_subplot(grid[0]), "Theo đơn vị", by_unit)
    _panel(fig.add_subplot(grid[1]), "Theo lĩnh vực cải cách", by_area)
    handles, labels = fig.axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=4, fontsize=8.5, frameon=False, bbox_to_anchor=(0.5, 0.955))
    fig.suptitle(title + (f"\n{subtitle}" if subtitle else ""), fontsize=12.5, fontweight="bold", y=0.995)
    fig.subplots_adjust(left=0.3, right=0.97, top=1 - 1.15 / (1.3 + unit_h + area_h), bottom=0.06)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=DPI)
    return path


def cached_progress_chart(
    folder: Path,
    *,
    title: str,
    by_unit: Sequence[tuple[str, Counter[str]]],
    by_area: Sequence[tuple[str, Counter[str]]],
    subtitle: str = "",
) -> Path:
    """The chart for these exact figures, drawn only if no identical one is on disk.

    Drawing costs most of a second of CPU; the same question asked again the same day has the same
    figures, so the file name is a digest of everything drawn and a second request reuses the file.
    """
    content = repr((title, subtitle, [(n, sorted(c.items())) for n, c in by_unit], [(n, sorted(c.items())) for n, c in by_area]))
    path = folder / f"tien-do-{hashlib.sha256(content.encode()).hexdigest()[:24]}.png"
    if path.exists():
        with contextlib.suppress(OSError):
            path.touch()  # keep it from the age-based clean-up while it is in use
        return path
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    render_progress_chart(partial, title=title, subtitle=subtitle, by_unit=by_unit, by_area=by_area)
    partial.replace(path)  # atomic: another process never sends a half-written file
    return path


def area_label(roman: str, title: str) -> str:
    return f"{roman}. {title.capitalize()}"


def chart_dir(data_dir: Path) -> Path:
    """Where chart files wait for the channel to send them; files older than a few hours are removed
    here, so the directory never grows (a chart is only needed until it has been sent)."""
    folder = data_dir / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    prune(folder, "*.png", KEEP_CHARTS)
    return folder
