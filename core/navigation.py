"""Entry points that apps add to the public home page and to the officials' portal home.

An app registers its entries in ``AppConfig.ready()``; the home pages list what is built,
so a platform that does not exist yet never shows a dead link.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class Entry:
    url_name: str
    title: str | Promise
    text: str | Promise
    # For portal modules: who sees the entry. None means every signed-in official.
    visible_to: Callable[[HttpRequest], bool] | None = None

    @property
    def url(self) -> str:
        return reverse(self.url_name)


PUBLIC_ENTRIES: list[Entry] = []
PORTAL_MODULES: list[Entry] = []


def register_public(entry: Entry) -> None:
    if entry not in PUBLIC_ENTRIES:
        PUBLIC_ENTRIES.append(entry)


def register_portal(entry: Entry) -> None:
    if entry not in PORTAL_MODULES:
        PORTAL_MODULES.append(entry)


def portal_modules_for(request: HttpRequest) -> list[Entry]:
    return [e for e in PORTAL_MODULES if e.visible_to is None or e.visible_to(request)]
