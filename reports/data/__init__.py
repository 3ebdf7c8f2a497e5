"""The figures of a report, collected from the other apps' selectors (reports query no other
app's models).

Each section builder returns a ``SectionData``: its tables (the same tables feed the PDF, the
charts and the Excel file) and plain statements. A platform that is not built yet yields a
statement saying so, never a figure. The package splits by section; callers import from
``reports.data``; how cells read is ``reports.formatting``.
"""

from reports.data.adoption import build_adoption
from reports.data.base import ReportContext, SectionData, Table, not_built, pct
from reports.data.difficulties import build_difficulties
from reports.data.epidemic import build_epidemic
from reports.data.sections import BUILDERS, build_summary, collect, report_units
from reports.data.taskforce import build_taskforce

__all__ = [
    "BUILDERS",
    "ReportContext",
    "SectionData",
    "Table",
    "build_adoption",
    "build_difficulties",
    "build_epidemic",
    "build_summary",
    "build_taskforce",
    "collect",
    "not_built",
    "pct",
    "report_units",
]
