from core.roles import Role
from tests.test_permission_matrix import ALL, ANON, SUPER, Url

VIEW = {
    SUPER,
    Role.TASKFORCE_LEADER,
    Role.TASKFORCE_DEPUTY,
    Role.TASKFORCE_MEMBER,
    Role.SECRETARIAT,
    Role.CHAIRMAN,
}
REQUEST = {SUPER, Role.TASKFORCE_LEADER, Role.TASKFORCE_DEPUTY, Role.SECRETARIAT}


def _report(objects):
    return {"report_id": objects["reports.report"].pk}


def _download(objects):
    return {"report_id": objects["reports.report"].pk, "fmt": "pdf"}


URLS = {
    "reports:archive": Url(allowed=VIEW),
    "reports:request": Url(allowed=REQUEST),
    "reports:detail": Url(allowed=VIEW, kwargs=_report),
    "reports:regenerate": Url(method="post", ok=302, allowed=REQUEST, kwargs=_report),
    "reports:download": Url(allowed=VIEW, kwargs=_download),
}

ADMIN = {
    "reports.report": {"view": VIEW, "add": set(), "change": set()},
    "reports.reportrecipient": {
        "view": {SUPER, Role.TASKFORCE_LEADER, Role.SECRETARIAT},
        "add": {SUPER, Role.TASKFORCE_LEADER, Role.SECRETARIAT},
        "change": {SUPER, Role.TASKFORCE_LEADER, Role.SECRETARIAT},
    },
}


def objects(world):
    import datetime

    from reports import services
    from reports.models import ReportRecipient

    report = services.weekly_report_ensure(week_start=datetime.date(2021, 9, 6))
    report = services.report_generate(report_id=report.pk)
    recipient = ReportRecipient.objects.create(name="VP UBND", email="vp@example.invalid")
    return {"reports.report": report, "reports.reportrecipient": recipient}


__all__ = ["ALL", "ANON"]
