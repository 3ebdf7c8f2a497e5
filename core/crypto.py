"""Encryption at rest for identifiers (ID numbers, phone numbers) and keyed look-up hashes.

The database never holds the plaintext: the column stores a Fernet token, and a separate
HMAC-SHA256 column answers "is there a person with this ID number?" without decrypting.
Several encryption keys can be active: the first encrypts, every key decrypts, so a key is
rotated by putting the new one first and running ``manage.py rotate_encryption_keys`` (batches
in the background, resumable: ``core.services.keys``), then removing the old one.

The look-up hash key is versioned the same way: ``LOOKUP_HASH_KEY`` hashes what is written, and
``LOOKUP_HASH_PREVIOUS_KEYS`` (during a rotation only) are also consulted by every look-up
(``lookup_hashes``) until the background re-hash has moved every row to the current key.
docs/operations.md, "Key rotation", is the runbook.
"""

import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver

TOKEN_PREFIX = "fernet:"  # noqa: S105  (a marker, not a secret)


def _fernets() -> list[Fernet]:
    keys = [k for k in settings.FIELD_ENCRYPTION_KEYS if k]
    if not keys:
        raise ImproperlyConfigured("PORTAL_FIELD_ENCRYPTION_KEYS is empty: personal data cannot be stored.")
    return [Fernet(k.encode() if isinstance(k, str) else k) for k in keys]


@lru_cache(maxsize=1)
def _multi_fernet() -> MultiFernet:
    return MultiFernet(_fernets())


@receiver(setting_changed)
def _reset_keys(*, setting: str, **kwargs: object) -> None:
    if setting in ("FIELD_ENCRYPTION_KEYS", "LOOKUP_HASH_KEY", "LOOKUP_HASH_PREVIOUS_KEYS"):
        _multi_fernet.cache_clear()
        _current_fernet.cache_clear()


@lru_cache(maxsize=1)
def _current_fernet() -> Fernet:
    return _fernets()[0]


def encrypt(value: str) -> str:
    return TOKEN_PREFIX + _multi_fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(TOKEN_PREFIX):
        raise ValueError("value is not an encrypted token")
    try:
        return _multi_fernet().decrypt(token[len(TOKEN_PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("no active key decrypts this value") from exc


def is_current(token: str) -> bool:
    """True when the newest key (the first) reads ``token``: a rotation leaves such a row alone."""
    try:
        _current_fernet().decrypt(token[len(TOKEN_PREFIX) :].encode())
    except InvalidToken:
        return False
    return True


def normalize_identifier(kind: str, value: str) -> str:
    """Canonical form before hashing, so '0912 345 678' and '+84912345678' match."""
    value = value.strip()
    if kind == "phone":
        digits = re.sub(r"\D", "", value)
        if digits.startswith("84") and len(digits) >= 11:
            digits = "0" + digits[2:]
        return digits
    if kind == "id_number":
        return re.sub(r"\s", "", value).upper()
    return value


def _hmac(key: str, kind: str, value: str) -> str:
    message = f"{kind}:{normalize_identifier(kind, value)}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def lookup_hash(kind: str, value: str) -> str:
    """The hash written to a ``*_hash`` column: the current key's."""
    if not settings.LOOKUP_HASH_KEY:
        raise ImproperlyConfigured("PORTAL_LOOKUP_HASH_KEY is empty.")
    return _hmac(settings.LOOKUP_HASH_KEY, kind, value)


def previous_lookup_keys() -> list[str]:
    """Keys of earlier versions still consulted (a rotation in progress); empty otherwise."""
    return [
        k for k in getattr(settings, "LOOKUP_HASH_PREVIOUS_KEYS", []) if k and k != settings.LOOKUP_HASH_KEY
    ]


def lookup_hashes(kind: str, value: str) -> list[str]:
    """Every hash a stored row may carry for ``value``: the current key's first, then the
    previous keys' while a re-hash is in progress. Look-ups filter with ``__in`` on these."""
    return [lookup_hash(kind, value), *(_hmac(key, kind, value) for key in previous_lookup_keys())]


class EncryptedTextField(models.TextField):
    """A text column that stores a Fernet token and gives back the plaintext.

    It cannot be filtered on: look up through the companion ``*_hash`` column instead.
    """

    def from_db_value(self, value: str | None, expression: object, connection: object) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: object) -> object:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if isinstance(value, str) and value.startswith(TOKEN_PREFIX):
            return value
        return encrypt(str(value))
