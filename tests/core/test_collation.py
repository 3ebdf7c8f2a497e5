"""Vietnamese order of names, the same in Python, on SQLite and on PostgreSQL (ICU vi-VN)."""

import pytest
from django.db import connection

from core.collation import POSTGRES_CREATE, sort_by_name, vi_order, vi_sort_key
from core.models import AdministrativeUnit, Organization

# The order a Vietnamese reader expects: ă, â after a; đ after d and before e; ư after u;
# tones only break ties (no tone, huyền, hỏi, ngã, sắc, nặng).
EXPECTED = [
    "Anh",
    "Ảnh",
    "Ánh",
    "Ăn",
    "Âu",
    "Ba",
    "Bà",
    "Bá Thước",
    "Bệnh viện",
    "Bưu điện",
    "Dân",
    "Dương",
    "Đa",
    "Đông Sơn",
    "Ea",
    "Ê",
    "Ích",
    "Ơn",
    "Uông",
    "Ứng",
    "Yên Định",
]


def shuffled() -> list[str]:
    return EXPECTED[1::2][::-1] + EXPECTED[::2]


def test_python_key_orders_the_examples():
    assert sorted(shuffled(), key=vi_sort_key) == EXPECTED
    assert sorted(["Bưu điện", "Bệnh viện"]) == ["Bưu điện", "Bệnh viện"]  # code points get it wrong
    assert sort_by_name([type("O", (), {"name": n})() for n in shuffled()])[0].name == "Anh"


@pytest.mark.django_db
def test_the_database_orders_the_examples(province):
    for name in shuffled():
        Organization.objects.create(name=name, kind="department", unit=province)
    names = list(Organization.objects.order_by(vi_order("name"), "id").values_list("name", flat=True))
    assert names == EXPECTED, connection.vendor
    backwards = Organization.objects.order_by(vi_order("name", descending=True)).values_list(
        "name", flat=True
    )
    assert list(backwards) == EXPECTED[::-1]


@pytest.mark.django_db
def test_the_database_and_python_agree_on_every_unit_name(units_2021, units_2025):
    """About 750 real names of Thanh Hóa's districts, wards and communes (both schemes)."""
    rows = list(AdministrativeUnit.objects.order_by(vi_order("name"), "id").values_list("name", flat=True))
    assert len(rows) > 700
    assert rows == sorted(rows, key=vi_sort_key), connection.vendor


@pytest.mark.postgres
def test_postgresql_icu_collation_matches_the_python_key(scratch_database, units_2021, units_2025):
    """Whatever the test database: the migration's statement on the PostgreSQL server (ICU)
    gives the order of the Python key (used by SQLite and in-memory lists)."""
    import psycopg2

    names = sorted({*EXPECTED, *AdministrativeUnit.objects.values_list("name", flat=True)})
    conn = psycopg2.connect(scratch_database)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(POSTGRES_CREATE)
            cursor.execute("SELECT w FROM unnest(%s) AS w ORDER BY w COLLATE vi_vn", [names])
            ordered = [row[0] for row in cursor.fetchall()]
    finally:
        conn.close()
    assert ordered == sorted(names, key=vi_sort_key)


@pytest.mark.django_db
def test_lists_of_names_use_the_vietnamese_order(client, province, make_user):
    """The organizations API, the admin's list and the checkpoint form's organization select."""
    from django.forms import ModelChoiceField
    from django.urls import reverse

    from checkpoints.forms import CheckpointForm
    from core.roles import Role

    for name in ["Bưu điện tỉnh", "Đài Phát thanh", "Bệnh viện Đa khoa", "Ea Súp", "Dịch vụ công"]:
        Organization.objects.create(name=name, kind="department", unit=province)
    wanted = ["Bệnh viện Đa khoa", "Bưu điện tỉnh", "Dịch vụ công", "Đài Phát thanh", "Ea Súp"]
    user = make_user(Role.SECRETARIAT, province_wide=True)
    client.force_login(user)
    api = client.get(reverse("core-api:organization-list"), {"page_size": 100}).json()
    rows = api["results"] if isinstance(api, dict) else api
    assert [r["name"] for r in rows if r["name"] in wanted] == wanted
    form = CheckpointForm(user=user)
    field = form.fields["organization"]
    assert isinstance(field, ModelChoiceField) and field.queryset is not None
    assert [o.name for o in field.queryset if o.name in wanted] == wanted
    html = client.get(reverse("admin:core_organization_changelist")).content.decode()
    positions = [html.index(f">{name}<") for name in wanted]
    assert positions == sorted(positions)
