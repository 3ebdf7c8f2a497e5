"""What the vaccination services share: who acts, the capability check, the site check."""

from typing import Any

from core.actors import Actor, is_system, user_of
from core.roles import require_capability
from vaccination import selectors
from vaccination.models import Site

__all__ = ["Actor", "human", "is_system", "require", "site_for"]

require = require_capability
human = user_of


def site_for(actor: Any, site: Site) -> Site:
    """The site, re-read through the actor's scope: a member of staff acts only at sites in
    their units (404 elsewhere, as for a site that does not exist)."""
    return selectors.access_site(actor, site.pk)
