"""Founding decisions and the members they appoint."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import RandomName


class Decision(models.Model):
    """A numbered decision that founds the task force or changes its membership.

    ``signed_on`` and ``signer_name`` stay blank while the number or date is unknown (an
    unsigned draft); ``notes`` says where each fact comes from.
    """

    class Kind(models.TextChoices):
        FOUNDING = "founding", _("Thành lập")
        AMENDMENT = "amendment", _("Kiện toàn, bổ sung thành viên")

    number = models.CharField(_("số hiệu"), max_length=60, blank=True)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, default=Kind.FOUNDING)
    title = models.CharField(_("trích yếu"), max_length=300)
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    effective_from = models.DateField(_("có hiệu lực từ"), null=True, blank=True)
    document = models.FileField(
        _("văn bản đính kèm"), upload_to=RandomName("taskforce/decisions/%Y/"), blank=True
    )
    notes = models.TextField(_("ghi chú, nguồn"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("quyết định")
        verbose_name_plural = _("quyết định")

    def __str__(self) -> str:
        return self.number or str(self.title)


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class MemberQuerySet(models.QuerySet["Member"]):
    def active_on(self, day: datetime.date) -> "MemberQuerySet":
        return self.filter(Q(active_from__lte=day), Q(active_to__isnull=True) | Q(active_to__gte=day))


class Member(models.Model):
    """One seat in the task force, held by one official between two dates.

    Members are officials acting in their public function, named in a published decision,
    not citizens whose health is recorded: their name, work phone and work email are held
    here directly rather than in ``core.Person``, which exists for citizens' health data
    (encrypted, de-duplicated, read-audited). Contact details that the decisions do not
    publish are entered by the standing agency; demo values are flagged ``contact_is_demo``.
    A change of membership ends one seat (``active_to``) and opens another, so the task
    force can be shown as of any date.
    """

    class Role(models.TextChoices):
        LEADER = "leader", _("Tổ trưởng")
        DEPUTY = "deputy", _("Tổ phó")
        MEMBER = "member", _("Thành viên")
        SUPPORT = "support", _("Bộ phận giúp việc")

    full_name = models.CharField(_("họ và tên"), max_length=120)
    honorific = models.CharField(_("danh xưng"), max_length=10, blank=True)
    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="taskforce_members",
        verbose_name=_("cơ quan"),
    )
    position_title = models.CharField(_("chức vụ"), max_length=200)
    role = models.CharField(_("vai trò trong Tổ"), max_length=10, choices=Role.choices)
    responsibilities = models.TextField(_("nhiệm vụ được phân công"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    contact_is_demo = models.BooleanField(_("liên hệ minh họa"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="taskforce_seats",
        verbose_name=_("tài khoản"),
    )
    # Article 3 of the decision lets the leader hand out assignments through a deputy.
    may_assign = models.BooleanField(_("được Tổ trưởng ủy quyền giao nhiệm vụ"), default=False)
    order = models.PositiveSmallIntegerField(_("thứ tự trong quyết định"), default=0)
    appointed_by = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointed",
        verbose_name=_("theo quyết định"),
    )
    ended_by = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ended",
        verbose_name=_("thôi theo quyết định"),
    )
    active_from = models.DateField(_("tham gia từ"))
    active_to = models.DateField(_("đến"), null=True, blank=True)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["order", "full_name", "id"]
        verbose_name = _("thành viên Tổ")
        verbose_name_plural = _("thành viên Tổ")
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=models.F("active_from")),
                name="taskforce_member_dates_in_order",
            ),
            models.UniqueConstraint(
                fields=["role"],
                condition=Q(role="leader", active_to__isnull=True),
                name="taskforce_one_open_leader",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(user__isnull=False, active_to__isnull=True),
                name="taskforce_one_open_seat_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.active_from <= day and (self.active_to is None or self.active_to >= day)
