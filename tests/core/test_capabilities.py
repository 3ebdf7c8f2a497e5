"""Capabilities are declared by their apps and composed into one role table (core.roles)."""

import types

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.test import modify_settings

from certificates.capabilities import CertificateCap
from checkpoints.capabilities import CheckpointCap
from core.capabilities import Cap
from core.roles import Role, compose, role_capabilities, user_can

pytestmark = pytest.mark.django_db


def _module(name: str, grants: dict, **choices: type) -> types.ModuleType:
    module = types.ModuleType(name)
    for cls in choices.values():
        cls.__module__ = name
    vars(module).update(choices, GRANTS=grants)
    return module


def test_each_app_declares_its_own_and_the_table_composes_them():
    table = role_capabilities()
    assert Cap.VIEW_UNITS in table[Role.TASKFORCE_LEADER]  # core's
    assert CheckpointCap.VIEW_CHECKPOINTS in table[Role.TASKFORCE_LEADER]  # checkpoints'
    # Operators scan visitors and check the certificates they show (certificates' own grant).
    assert table[Role.CHECKPOINT_OPERATOR] == {
        CheckpointCap.OPERATE_CHECKPOINTS,
        CertificateCap.CERTIFICATES_VERIFY,
    }
    assert role_capabilities() is table  # composed once, then cached


def test_a_new_app_adds_its_capabilities_without_editing_core(make_user):
    lab = make_user(Role.LAB_STAFF)
    assert not user_can(lab, "testing_demo.record_results")
    role_capabilities.cache_clear()
    try:
        with modify_settings(INSTALLED_APPS={"append": "tests.capapp"}):
            role_capabilities.cache_clear()
            assert user_can(lab, "testing_demo.record_results")
            assert not user_can(make_user(Role.EPIDEMIOLOGIST), "testing_demo.record_results")
    finally:
        role_capabilities.cache_clear()
    assert not user_can(lab, "testing_demo.record_results")


def test_two_apps_declaring_one_capability_is_refused():
    class A(models.TextChoices):
        X = "shared.x", "x"

    class B(models.TextChoices):
        X = "shared.x", "x"

    with pytest.raises(ImproperlyConfigured, match=r"shared\.x"):
        compose([_module("app_a.capabilities", {}, A=A), _module("app_b.capabilities", {}, B=B)])


def test_a_grant_to_an_unknown_role_is_refused():
    class C(models.TextChoices):
        X = "c.x", "x"

    with pytest.raises(ImproperlyConfigured, match="nobody"):
        compose([_module("app_c.capabilities", {"nobody": {C.X}}, C=C)])


def test_a_grant_of_an_undeclared_capability_is_refused():
    class D(models.TextChoices):
        X = "d.x", "x"

    with pytest.raises(ImproperlyConfigured, match=r"d\.typo"):
        compose([_module("app_d.capabilities", {Role.LAB_STAFF: {"d.typo"}}, D=D)])
