"""The collection page, labels (decoded by zbarimg from the rendered PDF), the lab page."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from core.models import Person
from testing.models import Sample
from tests.testing.conftest import collect

pytestmark = pytest.mark.django_db
CCCD = "038085000001|123456789|Nguyễn Văn An|12031985|Nam|Thôn 1, Đông Sơn, Thanh Hóa|01012022"


def test_a_returning_person_takes_one_post(client, lab_user, site):
    collect(site, "TH-0001")  # known from an earlier test (same ID number as the card)
    client.force_login(lab_user)
    url = reverse("testing:collect", kwargs={"pk": site.pk})
    people = Person.objects.count()
    response = client.post(
        url, {"payload": CCCD, "code": "th-0002", "sample_type": "np", "test_kind": "rt_pcr"}
    )
    assert response.status_code == 302 and Person.objects.count() == people
    sample = Sample.objects.get(code="TH-0002")
    assert sample.collector_id == lab_user.pk and sample.person.id_number == "038085000001"
    page = client.get(url)
    assert "TH-0002" in page.content.decode()  # the last sample, with its label link


def test_the_card_first_waits_for_the_tube_and_the_choices_stay(client, lab_user, site):
    client.force_login(lab_user)
    url = reverse("testing:collect", kwargs={"pk": site.pk})
    page = client.post(url, {"payload": CCCD, "code": "", "sample_type": "saliva", "test_kind": "antigen"})
    assert page.status_code == 200 and "Nguyễn Văn ***" in page.content.decode()
    assert not Sample.objects.exists()
    client.post(url, {"payload": CCCD, "code": "TH-0003", "sample_type": "saliva", "test_kind": "antigen"})
    assert client.get(url).context["form"].initial["sample_type"] == "saliva"


def test_a_code_used_twice_is_said_and_what_was_typed_stays(client, lab_user, site):
    collect(site, "TH-0001")
    client.force_login(lab_user)
    url = reverse("testing:collect", kwargs={"pk": site.pk})
    page = client.post(url, {"payload": CCCD, "code": "TH-0001", "sample_type": "np", "test_kind": "rt_pcr"})
    text = page.content.decode()
    assert "đã được dùng" in text and CCCD.split("|")[0] in text


@pytest.mark.skipif(
    not shutil.which("zbarimg") or not shutil.which("pdftoppm"), reason="needs zbarimg, pdftoppm"
)
@pytest.mark.parametrize("name", ["testing:label", "testing:label-sheet"])
def test_labels_carry_a_code_zbarimg_decodes(client, lab_user, site, tmp_path, name):
    sample = collect(site, "TH-2026-000123")
    client.force_login(lab_user)
    pk = sample.pk if name == "testing:label" else site.pk
    pdf = client.get(reverse(name, kwargs={"pk": pk}))
    assert pdf["Content-Type"] == "application/pdf"
    (tmp_path / "label.pdf").write_bytes(pdf.content)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", str(tmp_path / "label.pdf"), str(tmp_path / "p")], check=True
    )
    page = sorted(tmp_path.glob("p*.png"))[0]
    out = subprocess.run(["zbarimg", "-q", "--raw", str(page)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "TH-2026-000123"
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "label.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "TH-2026-000123" in text


@pytest.mark.skipif(not shutil.which("pdfinfo"), reason="needs pdfinfo")
def test_the_label_printer_page_is_50_by_25_mm(client, lab_user, site, tmp_path):
    sample = collect(site, "TH-0001")
    client.force_login(lab_user)
    (tmp_path / "l.pdf").write_bytes(client.get(reverse("testing:label", kwargs={"pk": sample.pk})).content)
    info = subprocess.run(["pdfinfo", str(tmp_path / "l.pdf")], capture_output=True, text=True).stdout
    # 50 × 25 mm in PDF points (1 mm = 72 / 25.4 pt), one label a page.
    assert "141.732 x 70.866" in info and "Pages:           1" in info


def test_the_lab_receives_in_bulk_and_a_bad_code_stores_nothing(client, lab_user, site, lab):
    collect(site, "TH-0001")
    client.force_login(lab_user)
    url = reverse("testing:lab", kwargs={"pk": lab.pk})
    bad = client.post(url, {"action": "receive", "rc-codes": "TH-0001\nTH-0404"})
    assert bad.status_code == 400 and "TH-0404" in bad.content.decode()
    assert Sample.objects.get().status == "collected"
    ok = client.post(url, {"action": "receive", "rc-codes": "TH-0001"})
    assert ok.status_code == 302 and Sample.objects.get().status == "received"
    client.post(url, {"action": "results", "rs-lines": "TH-0001; duong; 24.5", "rs-verified_by": "BS. Lê"})
    assert Sample.objects.get().result.outcome == "positive"


def test_home_masks_the_people_to_sample_for_viewers_and_logs_the_collectors_read(
    client, make_user, lab_user, site, lab, campaign
):
    from core.models import AuditLog
    from core.roles import Role
    from testing import services
    from tests.actors import SYSTEM
    from tests.testing.conftest import received

    (sample,) = received(site, lab, ["TH-0001"])
    services.sample_reject(actor=SYSTEM, sample=sample, reason="leaked")
    chairman = make_user(Role.CHAIRMAN, province_wide=True)
    client.force_login(chairman)
    text = client.get(reverse("testing:home")).content.decode()
    assert "Người Thứ ***" in text and "Người Thứ 1" not in text
    assert "Xét nghiệm toàn dân xã" in text and "0 / 4" in text
    client.force_login(lab_user)
    assert "Người Thứ 1" in client.get(reverse("testing:home")).content.decode()
    assert AuditLog.objects.filter(action="samplingtask.read", reason="testing.tasks").exists()
