"""A progress update's attachment is served only to those who may see the assignment."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.roles import Role
from taskforce import services
from taskforce.models import Assignment


def test_update_attachment_needs_the_right_to_the_assignment(client, tf, make_user):
    update = services.assignment_progress(
        actor=tf.users[Role.TASKFORCE_LEADER],
        assignment=tf.assignment,
        text="Đã rà soát",
        status=Assignment.Status.IN_PROGRESS,
        attachment=SimpleUploadedFile("bien-ban.pdf", b"%PDF update"),
    )
    assert "bien-ban" not in update.attachment.name
    url = reverse("taskforce:update-attachment", args=[tf.assignment.pk, update.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(make_user(Role.CHECKPOINT_OPERATOR, province_wide=True))
    assert client.get(url).status_code == 403
    client.force_login(tf.users[Role.TASKFORCE_LEADER])
    page = client.get(reverse("taskforce:assignment-detail", args=[tf.assignment.pk]))
    assert url.encode() in page.content and b"/media/" not in page.content
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF update"
    assert client.get("/media/" + update.attachment.name).status_code == 404


def test_the_admin_links_a_decision_document_to_the_protected_download(client, tf, make_user):
    decision = services.decision_record(
        actor=tf.users[Role.TASKFORCE_LEADER],
        title="Quyết định kiện toàn Tổ",
        document=SimpleUploadedFile("qd-123.pdf", b"%PDF decision"),
    )
    url = reverse("taskforce:decision-document", args=[decision.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(make_user(Role.EPIDEMIOLOGIST, province_wide=True))
    assert client.get(url).status_code == 403
    client.force_login(tf.users[Role.TASKFORCE_LEADER])
    page = client.get(reverse("admin:taskforce_decision_change", args=[decision.pk])).content.decode()
    assert f'href="{url}"' in page and "/media/" not in page
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF decision"
    assert 'filename="quyet-dinh-' in response["Content-Disposition"]
    assert client.get("/media/" + decision.document.name).status_code == 404
    # A decision without a document has nothing to download.
    bare = services.decision_record(actor=tf.users[Role.TASKFORCE_LEADER], title="Dự thảo")
    assert client.get(reverse("taskforce:decision-document", args=[bare.pk])).status_code == 404
