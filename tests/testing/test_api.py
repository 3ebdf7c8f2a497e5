"""The lab system API (issue 18 point 5): a lab's token lists its waiting samples and sends
results through the lab page's services; it never reads or writes another lab's samples."""

import pytest
from rest_framework.test import APIClient

from core import services as core_services
from core.models import AuditLog
from testing import services
from testing.models import Case, LabResult, Sample, SamplePool
from tests.actors import SYSTEM
from tests.testing.conftest import collect, person_n, received

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

READ_WRITE = ["testing.samples:read", "testing.results:write"]


@pytest.fixture
def own_lab(dong_son, org):
    return services.lab_create(actor=SYSTEM, name="Lab Đông Sơn", unit=dong_son, organization=org)


@pytest.fixture
def other_lab(sam_son, other_org):
    return services.lab_create(actor=SYSTEM, name="Lab Sầm Sơn", unit=sam_son, organization=other_org)


def bearer(org, scopes=READ_WRITE):
    token, raw = core_services.api_token_create(actor=SYSTEM, organization=org, name="LIS", scopes=scopes)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.token = token  # type: ignore[attr-defined]
    return client


def base(lab):
    return f"/api/v1/testing/labs/{lab.pk}"


def test_lists_its_labs_and_the_samples_waiting(site, own_lab, other_lab, org):
    received(site, own_lab, ["AP-0001", "AP-0002"])
    received(site, other_lab, ["AP-0003"], first=3)
    collect(site, "AP-0004", **person_n(4))  # on its way (the site is in Đông Sơn, the lab's area)
    client = bearer(org)
    assert client.get("/api/v1/testing/labs/").json()["results"] == [
        {"id": own_lab.pk, "name": "Lab Đông Sơn"}
    ]
    body = client.get(f"{base(own_lab)}/samples/").json()
    assert [s["code"] for s in body["results"]] == ["AP-0001", "AP-0002"]
    assert set(body["results"][0]) == {
        "code",
        "status",
        "sample_type",
        "test_kind",
        "site",
        "collected_at",
        "received_at",
        "pool",
    }  # no personal data
    sent = client.get(f"{base(own_lab)}/samples/?sent=true").json()
    assert [s["code"] for s in sent["results"]] == ["AP-0004"]


def test_a_single_positive_result_confirms_a_case_and_is_audited_as_the_token(site, own_lab, org):
    received(site, own_lab, ["AP-0001"])
    client = bearer(org)
    response = client.post(
        f"{base(own_lab)}/results/",
        {"code": "ap-0001", "outcome": "positive", "ct_value": "21.5", "verified_by": "BS. Lê"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["code"] == "AP-0001" and response.json()["outcome"] == "positive"
    sample = Sample.objects.get(code="AP-0001")
    assert sample.status == Sample.Status.RESULTED and sample.result.via == LabResult.Via.IMPORT
    assert Case.objects.filter(person_id=sample.person_id, source=sample).exists()
    row = AuditLog.objects.get(action="labresult.enter")
    assert row.actor is None and row.details["actor"] == f"token:{client.token.pk}"


def test_a_batch_is_all_or_nothing_with_errors_in_place(site, own_lab, org):
    received(site, own_lab, ["AP-0001", "AP-0002"])
    client = bearer(org)
    before = AuditLog.objects.count()
    items = [
        {"code": "AP-0001", "outcome": "negative", "verified_by": "KTV An"},
        {"code": "AP-9999", "outcome": "negative", "verified_by": "KTV An"},
        {"code": "AP-0002", "outcome": "negative", "verified_by": "KTV An", "ct_value": "60"},
    ]
    response = client.post(f"{base(own_lab)}/results/batch/", {"results": items}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "results": {
            "1": {"non_field_errors": ["Dòng 2: không có mẫu mã AP-9999."]},
            "2": {"non_field_errors": ["Dòng 3: Giá trị Ct phải trong khoảng 0–50."]},
        }
    }
    assert not LabResult.objects.exists() and AuditLog.objects.count() == before
    # A serializer-level problem answers in the same place.
    bad = client.post(
        f"{base(own_lab)}/results/batch/",
        {"results": [items[0], {"code": "AP-0002", "outcome": "maybe", "verified_by": "x"}]},
        format="json",
    )
    assert bad.status_code == 400 and set(bad.json()["results"]["1"]) == {"outcome"}
    del items[1]
    items[1].pop("ct_value")
    response = client.post(f"{base(own_lab)}/results/batch/", {"results": items}, format="json")
    assert response.status_code == 201 and [r["code"] for r in response.json()] == ["AP-0001", "AP-0002"]
    assert LabResult.objects.count() == 2


def test_receive_pool_result_and_correction_through_the_lab_services(site, own_lab, org):
    for i, code in enumerate(["AP-0001", "AP-0002"], start=1):
        collect(site, code, **person_n(i))
    client = bearer(org)
    assert client.post(
        f"{base(own_lab)}/receive/", {"codes": ["AP-0001", "AP-0002"]}, format="json"
    ).json() == {
        "count": 2,
        "codes": ["AP-0001", "AP-0002"],
    }
    response = client.post(
        f"{base(own_lab)}/pools/", {"code": "PL-0001", "codes": ["AP-0001", "AP-0002"]}, format="json"
    )
    assert response.status_code == 201 and response.json()["members"] == ["AP-0001", "AP-0002"]
    assert [p["code"] for p in client.get(f"{base(own_lab)}/pools/").json()] == ["PL-0001"]
    # A pooled sample takes its pool's result, not its own.
    single = client.post(
        f"{base(own_lab)}/results/",
        {"code": "AP-0001", "outcome": "negative", "verified_by": "x"},
        format="json",
    )
    assert single.status_code == 400 and "mẫu gộp" in single.json()["results"]["0"]["non_field_errors"][0]
    pool_url = f"{base(own_lab)}/pools/PL-0001"
    response = client.post(
        f"{pool_url}/result/", {"outcome": "negative", "verified_by": "KTV An"}, format="json"
    )
    assert response.status_code == 201
    assert LabResult.objects.filter(via=LabResult.Via.POOL).count() == 2
    again = client.post(
        f"{pool_url}/result/", {"outcome": "positive", "verified_by": "KTV An"}, format="json"
    )
    assert again.status_code == 400 and "non_field_errors" in again.json()
    response = client.post(
        f"{pool_url}/correction/",
        {"outcome": "positive", "verified_by": "KTV An", "reason": "nhầm giếng"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert SamplePool.objects.get().outcome == "positive"
    assert set(Sample.objects.values_list("status", flat=True)) == {Sample.Status.PENDING}
    assert AuditLog.objects.get(action="pool.correct").reason == "nhầm giếng"


def test_another_labs_samples_are_never_read_or_written(site, ward, own_lab, other_lab, org, other_org):
    received(site, other_lab, ["AP-0003"], first=3)
    SamplePool.objects.create(code="PL-0009", lab=other_lab)
    client = bearer(org)
    before = (AuditLog.objects.count(), LabResult.objects.count())
    # Another lab's URLs: 404, as if it did not exist.
    assert client.get(f"{base(other_lab)}/samples/").status_code == 404
    assert client.get(f"{base(other_lab)}/pools/").status_code == 404
    for url, body in [
        (f"{base(other_lab)}/results/", {"code": "AP-0003", "outcome": "positive", "verified_by": "x"}),
        (f"{base(other_lab)}/receive/", {"codes": ["AP-0003"]}),
        (f"{base(other_lab)}/pools/PL-0009/result/", {"outcome": "positive", "verified_by": "x"}),
    ]:
        assert client.post(url, body, format="json").status_code == 404, url
    # Its own lab's URL with the other lab's sample or pool: unknown, nothing stored.
    response = client.post(
        f"{base(own_lab)}/results/",
        {"code": "AP-0003", "outcome": "positive", "verified_by": "x"},
        format="json",
    )
    assert response.json() == {"results": {"0": {"non_field_errors": ["Dòng 1: không có mẫu mã AP-0003."]}}}
    assert (
        client.post(
            f"{base(own_lab)}/pools/PL-0009/result/",
            {"outcome": "negative", "verified_by": "x"},
            format="json",
        ).status_code
        == 404
    )
    assert client.get(f"{base(own_lab)}/samples/").json()["results"] == []
    assert (AuditLog.objects.count(), LabResult.objects.count()) == before
    # The other organization's token sees its own sample only.
    other = bearer(other_org)
    assert [s["code"] for s in other.get(f"{base(other_lab)}/samples/").json()["results"]] == ["AP-0003"]
    assert other.get(f"{base(own_lab)}/samples/").status_code == 404


def test_the_service_refuses_a_token_for_another_organizations_lab(site, other_lab, org):
    from django.core.exceptions import PermissionDenied

    from core.actors import ApiClient

    client = ApiClient(token_id=1, organization_id=org.pk, scopes=frozenset(READ_WRITE))
    with pytest.raises(PermissionDenied):
        services.samples_receive(actor=client, lab=other_lab, codes=["AP-0001"])


def test_scopes_keys_and_session_users(site, own_lab, org, client, make_user, dong_son):
    received(site, own_lab, ["AP-0001"])
    reader = bearer(org, scopes=["testing.samples:read"])
    assert reader.get(f"{base(own_lab)}/samples/").status_code == 200
    response = reader.post(
        f"{base(own_lab)}/results/",
        {"code": "AP-0001", "outcome": "negative", "verified_by": "x"},
        format="json",
    )
    assert response.status_code == 403 and not LabResult.objects.exists()
    readonly = bearer(org, scopes=["readonly"])
    assert readonly.get(f"{base(own_lab)}/samples/").status_code == 403
    assert APIClient().get(f"{base(own_lab)}/samples/").status_code == 401
    # Lab staff of the unit use the same endpoints from the browser.
    from core.roles import Role

    client.force_login(make_user(Role.LAB_STAFF, units=[dong_son]))
    assert [s["code"] for s in client.get(f"{base(own_lab)}/samples/").json()["results"]] == ["AP-0001"]
    client.force_login(make_user(Role.EPIDEMIOLOGIST, province_wide=True))
    assert client.get(f"{base(own_lab)}/samples/").status_code == 403


def test_the_schema_documents_the_lab_api():
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/testing/labs/",
        "/api/v1/testing/labs/{id}/samples/",
        "/api/v1/testing/labs/{id}/receive/",
        "/api/v1/testing/labs/{id}/results/",
        "/api/v1/testing/labs/{id}/results/batch/",
        "/api/v1/testing/labs/{id}/pools/",
        "/api/v1/testing/labs/{id}/pools/{code}/result/",
        "/api/v1/testing/labs/{id}/pools/{code}/correction/",
    ):
        assert path in paths, path
    batch = paths["/api/v1/testing/labs/{id}/results/batch/"]["post"]
    assert {"apiToken": []} in batch["security"]
    assert {"201", "400", "401", "403", "429"} <= set(batch["responses"])
