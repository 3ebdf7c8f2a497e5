import io
from base64 import b32encode

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AdministrativeUnit, Organization, Person
from core.roles import Role


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_demo_data_is_safe_to_run_twice(monkeypatch):
    # Only the province's units, to keep the test fast.
    from core.management.commands import load_admin_units

    original = load_admin_units.read_rows
    monkeypatch.setattr(load_admin_units, "read_rows", lambda scheme, province=None: original(scheme, "38"))
    call_command("demo_data", quiet_logins=True, verbosity=0)
    counts = (
        AdministrativeUnit.objects.count(),
        Organization.objects.count(),
        Person.objects.count(),
        get_user_model().objects.count(),
    )
    out = io.StringIO()
    call_command("demo_data", verbosity=0, stdout=out)
    assert counts == (
        AdministrativeUnit.objects.count(),
        Organization.objects.count(),
        Person.objects.count(),
        get_user_model().objects.count(),
    )
    User = get_user_model()
    for role in Role:
        assert User.objects.filter(groups__name=role).exists(), role
    assert Organization.objects.filter(is_standing_agency=True).get().short_name == "STTTT"
    # Every demo account has one authenticator; its secret is printed beside the password, and
    # `totp_code` gives its current code, which the login accepts.
    printed = out.getvalue()
    assert "manage.py totp_code" in printed
    for user in User.objects.all():
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        assert f"{user.username:<16} {b32encode(device.bin_key).decode()}" in printed
    demo = AdministrativeUnit.objects.filter(population_total__isnull=False)
    assert demo.count() == 27 and all(u.population_is_demo for u in demo)


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_demo_data_refuses_without_debug():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("demo_data")
