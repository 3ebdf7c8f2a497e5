"""Collection as the page submits it: find or create the person, then record the sample.

Composes two audited services in one transaction, like ``checkpoints.intake``: the person is
found by ID number (or phone, name and birth date) and never overwritten (``person_find_match``);
only a person not found is created (``core.services.person_create``, audited); the sample is
``testing.services.sample_collect``.
"""

import datetime

from django.db import transaction

from checkpoints.qrpayload import parse
from core.models import Person
from core.services import PersonData, person_create, person_find_match
from testing.models import Campaign, Sample, SamplingSite
from testing.services import sample_collect
from testing.services._common import Actor


def person_from(
    *,
    payload: str = "",
    full_name: str = "",
    birth_date: datetime.date | None = None,
    sex: str = "",
    id_number: str = "",
    phone: str = "",
) -> PersonData:
    """The person a scanned code (``checkpoints.qrpayload``: personal QR or chip ID card) or the
    typed fields describe. Raises ``QrPayloadError`` or ``ValidationError`` with the message."""
    if payload.strip():
        identity = parse(payload)
        return PersonData(
            full_name=identity.full_name,
            date_of_birth=identity.date_of_birth or birth_date,
            sex=identity.sex or sex or Person.Sex.UNKNOWN,
            id_number=identity.id_number,
            phone=phone,
            address_line=identity.address_text,
        )
    return PersonData(
        full_name=full_name,
        date_of_birth=birth_date,
        sex=sex or Person.Sex.UNKNOWN,
        id_number=id_number,
        phone=phone,
    )


def collect(
    *,
    actor: Actor,
    site: SamplingSite,
    person: PersonData,
    code: str,
    sample_type: str,
    test_kind: str,
    campaign: Campaign | None = None,
) -> tuple[Sample, bool]:
    """Returns the sample and whether the person was new."""
    with transaction.atomic():
        found = person_find_match(person)
        created = found is None
        if found is None:
            found = person_create(actor=actor, data=person)
        sample = sample_collect(
            actor=actor,
            person=found,
            site=site,
            code=code,
            sample_type=sample_type,
            test_kind=test_kind,
            campaign=campaign,
        )
    return sample, created
