"""Who acts: every service takes an ``actor`` and it is never ``None``.

- a user (``request.user``): holds capabilities through their roles, checked by ``require_capability``;
- ``SystemActor("celery:report_generate")``: the portal itself (a Celery task, a management command,
  demo data); passes capability checks and is named in the audit row;
- ``Visitor("checkin_page")``: a member of the public submitting their own check-in or declaration
  through a validated QR token or the public form; holds no capability;
- ``ApiClient(...)``: an integration (a lab system, a national platform) authenticated by an API
  token (``core.authentication``): it acts for one organization and holds only the capabilities
  of its token's scopes (``core.apitokens``).

A caller that forgets who acts passes ``None`` and is refused (``ActorMissing``), instead of
running unchecked as "the system".
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


class ActorMissing(TypeError):
    """A service was called without saying who acts: a programming error, refused."""


@dataclass(frozen=True)
class SystemActor:
    """The portal acting on its own. ``name`` says which part: ``celery:<task>``,
    ``command:<name>``, ``service:<name>`` (a step one service runs for another)."""

    name: str
    # Read by code that also handles users: the system is no logged-in user and no superuser.
    is_authenticated: ClassVar[bool] = False
    is_anonymous: ClassVar[bool] = False
    is_active: ClassVar[bool] = True
    is_superuser: ClassVar[bool] = False
    pk: ClassVar[None] = None

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("a SystemActor needs a name")

    @property
    def label(self) -> str:
        return f"system:{self.name}"


@dataclass(frozen=True)
class Visitor:
    """A member of the public acting for themselves; ``channel`` says where the input came
    from (``checkin_page``, ``checkin_api``, ``declaration_page``...)."""

    channel: str
    is_authenticated: ClassVar[bool] = False
    is_anonymous: ClassVar[bool] = True
    is_active: ClassVar[bool] = False
    is_superuser: ClassVar[bool] = False
    pk: ClassVar[None] = None

    @property
    def label(self) -> str:
        return f"visitor:{self.channel}"


@dataclass(frozen=True)
class ApiClient:
    """An integration acting through its API token: ``request.user`` on endpoints that accept
    tokens. It is authenticated (DRF's ``IsAuthenticated`` passes) but is no user: audit rows
    name the token (``token:<id>``) and ``user_of`` gives None."""

    token_id: int
    organization_id: int
    scopes: frozenset[str]
    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False
    is_active: ClassVar[bool] = True
    is_superuser: ClassVar[bool] = False
    is_staff: ClassVar[bool] = False
    pk: ClassVar[None] = None

    @property
    def label(self) -> str:
        return f"token:{self.token_id}"


# ``request.user`` is a ``User`` or an ``AnonymousUser`` (an ``ApiClient`` on token endpoints).
Actor: TypeAlias = "User | AnonymousUser | SystemActor | Visitor | ApiClient"


def check_actor(actor: Any) -> None:
    if actor is None:
        raise ActorMissing(
            "actor is None: pass the user, a SystemActor naming the task or command, or a Visitor"
        )


def require_actor(actor: Any) -> Actor:
    """For callers handed an optional user (an admin import's ``user`` keyword): refuses a
    missing one here rather than letting it reach a service."""
    check_actor(actor)
    return actor


def is_system(actor: Any) -> bool:
    check_actor(actor)
    return isinstance(actor, SystemActor)


def is_visitor(actor: Any) -> bool:
    check_actor(actor)
    return isinstance(actor, Visitor) or (not actor.is_authenticated and not is_system(actor))


def user_of(actor: Any) -> Any:
    """The user to store in ``created_by``-style columns: None for the system or a visitor."""
    check_actor(actor)
    return actor if actor.is_authenticated and not isinstance(actor, ApiClient) else None


def public_actor(user: Any, channel: str) -> Any:
    """Who submits on a public page: the logged-in user, or a ``Visitor`` of ``channel``."""
    return user if user is not None and user.is_authenticated else Visitor(channel)


def actor_label(actor: Any) -> str:
    """Stored in an audit row's ``details["actor"]`` when the system or a token acts (its FK is null). A
    visitor's rows (every check-in writes one) carry no label: null actor and no label is a visitor."""
    return actor.label if isinstance(actor, SystemActor | ApiClient) else ""


# Demo data (``manage.py demo_data`` and the apps' ``demo.py`` modules it runs).
DEMO = SystemActor("command:demo_data")
