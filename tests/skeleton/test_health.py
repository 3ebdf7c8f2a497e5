"""Liveness and readiness endpoints."""

import pytest

from core import health


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_200_when_every_check_passes(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ready"] is True
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize("failing", ["database", "cache", "broker"])
def test_readyz_503_when_a_check_fails(client, monkeypatch, failing):
    checks = dict(health.CHECKS)
    checks[failing] = lambda: "OperationalError"
    monkeypatch.setattr(health, "CHECKS", checks)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["ready"] is False
    assert body["checks"][failing] == "OperationalError"


def test_broker_check_reports_an_unreachable_broker(monkeypatch):
    from config.celery_app import app

    # A port nobody listens on: the real check must notice, not just the monkeypatched one.
    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    assert health.check_broker() is not None


@pytest.mark.django_db
def test_database_check_reports_a_broken_database(monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OSError("database is gone")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    assert health.check_database() == "OSError"
