"""Template helpers of the task force's pages."""

from typing import Any

from django import template

from core.roles import Cap, user_can

register = template.Library()


@register.simple_tag(takes_context=True)
def tf_perms(context: dict[str, Any]) -> dict[str, bool]:
    """Which task force sections the signed-in user's navigation shows."""
    user = context["request"].user
    return {
        "view": user_can(user, Cap.TASKFORCE_VIEW),
        "work": user_can(user, Cap.TASKFORCE_VIEW_ALL_WORK) or user_can(user, Cap.ASSIGNMENT_WORK),
        "proposals": user_can(user, Cap.TASKFORCE_VIEW_ALL_WORK) or user_can(user, Cap.TASKFORCE_PROPOSE),
        "adoption": user_can(user, Cap.ADOPTION_VIEW),
        "report": user_can(user, Cap.ADOPTION_REPORT),
    }
