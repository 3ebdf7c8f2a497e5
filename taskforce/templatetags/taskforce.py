"""Template helpers of the task force's pages."""

from typing import Any

from django import template

from core.roles import user_can
from taskforce.capabilities import TaskforceCap

register = template.Library()


@register.simple_tag(takes_context=True)
def tf_perms(context: dict[str, Any]) -> dict[str, bool]:
    """Which task force sections the signed-in user's navigation shows."""
    user = context["request"].user
    return {
        "view": user_can(user, TaskforceCap.TASKFORCE_VIEW),
        "work": user_can(user, TaskforceCap.TASKFORCE_VIEW_ALL_WORK)
        or user_can(user, TaskforceCap.ASSIGNMENT_WORK),
        "proposals": user_can(user, TaskforceCap.TASKFORCE_VIEW_ALL_WORK)
        or user_can(user, TaskforceCap.TASKFORCE_PROPOSE),
        "adoption": user_can(user, TaskforceCap.ADOPTION_VIEW),
        "report": user_can(user, TaskforceCap.ADOPTION_REPORT),
    }
