"""Interrupted work: what a dead worker leaves "running", and how it is put back in the queue.

A worker killed mid-task (out of memory, a deploy, a lost host) leaves its row claimed: a
report "Đang tạo 5%", a message "Đang gửi". With late acknowledgement the broker hands the
task out again only after its visibility timeout (an hour on Redis), and the task then skips
a row that is already claimed; the filesystem broker may never hand it out again. So the
database is the truth: each app declares here, in its own ``recovery.py`` (discovered when
the ``core`` app is ready), which rows are claimed work, which time field the worker stamps,
the setting that says how long is too long, and the task to enqueue again.
``core.services.stalled_work_resume`` (beat: ``core.tasks.resume_stalled_work``) does the rest.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Resumable:
    name: str  # audit action prefix, e.g. "report"
    model: str  # "app_label.ModelName"
    running: str  # the claimed status a dead worker leaves behind
    back_to: str  # the status the task claims again
    time_field: str  # stamped by the worker at its claim (and at each step)
    setting: str  # seconds without a stamp after which the work is stalled
    enqueue: Callable[[int], Any]  # called after commit with the row's id
    reset: dict[str, Any] = field(default_factory=dict)  # other fields put back


_REGISTRY: dict[str, Resumable] = {}


def register(kind: Resumable) -> Resumable:
    _REGISTRY[kind.name] = kind
    return kind


def discover() -> None:
    """Imports every installed app's ``recovery`` module (called by ``CoreConfig.ready``)."""
    autodiscover_modules("recovery")


def kinds() -> list[Resumable]:
    return list(_REGISTRY.values())
