"""Stored files leave only through views that check the user's right (issue 15, point 5)."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve, reverse

from core.roles import Role
from reports import services
from reports.models import Report
from tests.actors import SYSTEM

PDF = b"%PDF-1.4 test bytes of a report"


@pytest.fixture
def report(province):
    report = services.report_request(
        actor=SYSTEM, period_start=datetime.date(2021, 9, 6), period_end=datetime.date(2021, 9, 12)
    )
    report.pdf.save("bao-cao.pdf", ContentFile(PDF), save=False)
    report.xlsx.save("bao-cao.xlsx", ContentFile(b"PK xlsx"), save=False)
    report.status = Report.Status.DONE
    report.save()
    return report


def test_stored_names_are_random_and_unguessable(report):
    other = Report.objects.get(pk=report.pk)
    name = other.pdf.name.rsplit("/", 1)[-1]
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", name)
    assert "bao-cao" not in name
    assert other.xlsx.name.rsplit("/", 1)[-1] != name.replace(".pdf", ".xlsx")


def test_media_url_is_not_routed(client, report):
    with pytest.raises(Resolver404):
        resolve("/" + "media/" + report.pdf.name)
    assert client.get("/media/" + report.pdf.name).status_code == 404


@override_settings(DEBUG=True)
def test_media_url_is_not_routed_in_debug_either(client, report):
    # config.urls is read once; the static() helper used to be added when DEBUG was on at import.
    import importlib

    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()
    try:
        with pytest.raises(Resolver404):
            resolve("/media/" + report.pdf.name)
    finally:
        importlib.reload(config.urls)
        clear_url_caches()


def test_anonymous_and_unauthorised_get_no_bytes(client, make_user, report):
    url = reverse("reports:download", args=[report.pk, "pdf"])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client.force_login(make_user(Role.CHECKPOINT_OPERATOR, province_wide=True))
    assert client.get(url).status_code == 403


def test_authorised_gets_the_bytes_streamed(client, make_user, report):
    client.force_login(make_user(Role.TASKFORCE_LEADER, province_wide=True))
    response = client.get(reverse("reports:download", args=[report.pk, "pdf"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]


@override_settings(PROTECTED_FILES_ACCEL_PREFIX="/protected-files/")
def test_behind_a_proxy_the_view_answers_with_x_accel_redirect(client, make_user, report):
    client.force_login(make_user(Role.TASKFORCE_LEADER, province_wide=True))
    response = client.get(reverse("reports:download", args=[report.pk, "pdf"]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-files/" + report.pdf.name
    assert response["Content-Type"] == "application/pdf"
    assert response.content == b""
    client.logout()
    client.force_login(make_user(Role.CHECKPOINT_OPERATOR, province_wide=True))
    refused = client.get(reverse("reports:download", args=[report.pk, "pdf"]))
    assert refused.status_code == 403 and "X-Accel-Redirect" not in refused
