import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from core import crypto, services
from core.models import Person
from tests.actors import SYSTEM
from tests.core.fixtures import person_data

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def _raw(person_id):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, id_number_hash, phone_hash FROM core_person WHERE id = %s", [person_id]
        )
        return cursor.fetchone()


@pytest.mark.django_db
def test_no_plaintext_in_the_database():
    person = services.person_create(actor=SYSTEM, data=person_data())
    raw = _raw(person.pk)
    assert "038085000001" not in "".join(raw)
    assert "0912345678" not in "".join(raw)
    assert raw[0].startswith("fernet:") and raw[1].startswith("fernet:")
    loaded = Person.objects.get(pk=person.pk)
    assert (loaded.id_number, loaded.phone) == ("038085000001", "0912345678")


@pytest.mark.django_db
def test_lookup_by_hash_finds_the_person_whatever_the_formatting():
    person = services.person_create(actor=SYSTEM, data=person_data())
    assert Person.objects.get(phone_hash=crypto.lookup_hash("phone", "+84 912 345 678")) == person
    assert Person.objects.get(id_number_hash=crypto.lookup_hash("id_number", " 038085000001 ")) == person


@pytest.mark.django_db
def test_second_key_decrypts_after_rotation():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        person = services.person_create(actor=SYSTEM, data=person_data())
        old_token = _raw(person.pk)[0]
    # New key first: old rows still decrypt.
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        assert Person.objects.get(pk=person.pk).id_number == "038085000001"
        call_command("rotate_encryption_keys", verbosity=0)
        new_token = _raw(person.pk)[0]
        assert new_token != old_token
    # Once rotated, the old key can be retired.
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert Person.objects.get(pk=person.pk).id_number == "038085000001"
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]), pytest.raises(ValueError):
        Person.objects.get(pk=person.pk)


def test_missing_key_refuses_to_store_personal_data():
    with override_settings(FIELD_ENCRYPTION_KEYS=[]), pytest.raises(ImproperlyConfigured):
        crypto.encrypt("038085000001")
