"""Key rotation rehearsed end to end (issue 15 point 12): a new encryption key and a new look-up
hash key, every row re-encrypted and re-hashed in resumable batches, the old keys retired, and
every row still readable and findable. On PostgreSQL, check-ins are written while it runs."""

import threading
import uuid

import pytest
from cryptography.fernet import Fernet
from django.db import connection, connections
from django.test import override_settings

from checkpoints import intake
from checkpoints.models import CheckIn
from core import crypto, services
from core.keyrotation import Step, rotation_pending, rotation_progress, rotation_run, rotation_steps
from core.models import AuditLog, OutboundMessage, Person
from declarations.data import DeclarationData
from declarations.models import Declaration
from tests.actors import SYSTEM
from tests.checkpoints.audit_cases import _point
from tests.core.fixtures import person_data

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
OLD_LOOKUP = "old-lookup-key-for-the-rotation-test-0001"
NEW_LOOKUP = "new-lookup-key-for-the-rotation-test-0002"

BEFORE = {"FIELD_ENCRYPTION_KEYS": [OLD_KEY], "LOOKUP_HASH_KEY": OLD_LOOKUP, "LOOKUP_HASH_PREVIOUS_KEYS": []}
DURING = {
    "FIELD_ENCRYPTION_KEYS": [NEW_KEY, OLD_KEY],
    "LOOKUP_HASH_KEY": NEW_LOOKUP,
    "LOOKUP_HASH_PREVIOUS_KEYS": [OLD_LOOKUP],
}
AFTER = {"FIELD_ENCRYPTION_KEYS": [NEW_KEY], "LOOKUP_HASH_KEY": NEW_LOOKUP, "LOOKUP_HASH_PREVIOUS_KEYS": []}


def _people(count: int, prefix: str = "0381") -> list[tuple[str, str]]:
    numbers = [(f"{prefix}{i:08d}", f"09{prefix[-2:]}{i:06d}") for i in range(count)]
    for id_number, phone in numbers:
        services.person_create(
            actor=SYSTEM, data=person_data(id_number=id_number, phone=phone, full_name=f"Người {id_number}")
        )
    return numbers


def _raw_tokens() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone FROM core_person"
            " UNION ALL SELECT id_number, phone FROM declarations_declaration"
        )
        return [t for row in cursor.fetchall() for t in row if t]


def _assert_all_readable_and_findable(numbers: list[tuple[str, str]]) -> None:
    for person in Person.objects.all():  # decrypts with the new key alone
        assert person.id_number or person.merged_into_id
    list(Declaration.objects.values_list("id_number", "phone"))
    list(OutboundMessage.objects.values_list("recipient", flat=True))
    for id_number, phone in numbers:
        assert Person.objects.filter(id_number_hash=crypto.lookup_hash("id_number", id_number)).count() == 1
        assert Person.objects.filter(phone_hash=crypto.lookup_hash("phone", phone)).count() == 1


@pytest.mark.django_db
def test_rotation_in_resumable_batches_then_the_old_keys_are_retired(province):
    with override_settings(**BEFORE):
        numbers = _people(7)
        services.message_send(actor=SYSTEM, channel="sms", recipient="0912000111", body="x", purpose="t")
        old_tokens = set(_raw_tokens())
    with override_settings(**DURING):
        # During the transition both hash versions are consulted: a row still under the old
        # hash is found, and a check-in of a known person resolves to them.
        first_id, first_phone = numbers[0]
        found = services.person_find_match(person_data(id_number=first_id, phone=first_phone))
        assert found is not None and found.id_number == first_id
        assert sum(rotation_pending().values()) > 0
        # Stopped after three batches of three rows (a worker killed, a deploy) ...
        rotation_run(actor=SYSTEM, size=3, max_batches=3)
        first_step = rotation_steps()[0]
        assert rotation_progress(first_step)[1]  # the message step (1 row) finished
        last, done = rotation_progress(rotation_steps()[1])
        assert last > 0 and not done
        batches = AuditLog.objects.filter(action="crypto.rotate_batch").count()
        # ... then resumed: it starts after the last batch done, never from the beginning.
        rotation_run(actor=SYSTEM, size=3)
        resumed = AuditLog.objects.filter(action="crypto.rotate_batch").order_by("id")[batches]
        assert resumed.details["first"] > last
        assert rotation_pending() == dict.fromkeys(rotation_pending(), 0)
        assert not old_tokens & set(_raw_tokens())
        # Idempotent: a second run has nothing left to do.
        assert sum(rotation_run(actor=SYSTEM, size=3).values()) == 0
    with override_settings(**AFTER):  # old keys retired
        _assert_all_readable_and_findable(numbers)
    with override_settings(**BEFORE), pytest.raises(ValueError):
        list(Person.objects.all())  # the old key alone reads nothing any more


@pytest.mark.django_db
def test_a_batch_never_overwrites_a_concurrent_correction(province, monkeypatch):
    with override_settings(**BEFORE):
        _people(1)
        person = Person.objects.get()
    with override_settings(**DURING):
        # The correction lands between the batch's read and its write: simulated by changing
        # the row after the token was read (the conditional update then matches nothing).
        real = crypto.decrypt

        def correct_then_decrypt(token: str) -> str:
            Person.objects.filter(pk=person.pk).update(phone="0999999999")
            return real(token)

        monkeypatch.setattr(crypto, "decrypt", correct_then_decrypt)
        changed, _done = services.key_rotation_batch(actor=SYSTEM, step=Step("encrypt", "core.person"))
        monkeypatch.undo()
        assert changed == 0
        assert Person.objects.get(pk=person.pk).phone == "0999999999"


@pytest.mark.django_db
def test_officials_cannot_run_a_rotation_batch(epidemiologist):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.key_rotation_batch(actor=epidemiologist, step=rotation_steps()[0])


@pytest.mark.django_db(transaction=True)
def test_rotation_while_check_ins_are_written_on_postgresql(province, dong_son):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers: run with DATABASE_URL=postgres://…")
    with override_settings(**BEFORE):
        point = _point({"dong_son": dong_son})
        numbers = _people(60)
    stop, errors, written = threading.Event(), [], []

    def check_ins(worker: int) -> None:
        try:
            i = 0
            while not stop.is_set() or i < 5:
                # Returning visitors (found through the old hash) and new ones, alternately.
                if i % 2:
                    id_number, phone = numbers[(worker * 7 + i) % len(numbers)]
                    name = f"Người {id_number}"
                else:
                    id_number, phone = f"0389{worker}{i:07d}", f"0939{worker}{i:05d}"
                    name = f"Mới {worker} {i}"
                    written.append((id_number, phone))
                data = DeclarationData(person=person_data(id_number=id_number, phone=phone, full_name=name))
                intake.visitor_submit(token=point.qr_token, declaration=data, submission=uuid.uuid4())
                i += 1
        except Exception as exc:  # reported below: a writer must never fail
            errors.append(exc)
        finally:
            connections.close_all()

    with override_settings(**DURING):
        writers = [threading.Thread(target=check_ins, args=(w,)) for w in range(2)]
        for writer in writers:
            writer.start()
        changed = rotation_run(actor=SYSTEM, size=7)
        stop.set()
        for writer in writers:
            writer.join(60)
        assert not errors, errors
        assert changed["rehash:core.person"] >= 60 and changed["encrypt:core.person"] >= 60
        # Rows written during the run were written under the new keys already.
        assert rotation_pending() == dict.fromkeys(rotation_pending(), 0)
        checkins = CheckIn.objects.count()
        assert checkins >= 10
    with override_settings(**AFTER):
        _assert_all_readable_and_findable(numbers + written)
        # Returning visitors were matched (through either hash version), never duplicated.
        for id_number, _phone in numbers:
            assert (
                Person.objects.filter(id_number_hash=crypto.lookup_hash("id_number", id_number)).count() == 1
            )
        assert CheckIn.objects.count() == checkins
