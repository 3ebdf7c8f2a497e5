"""Public home page, officials' portal home and health endpoints."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import health, navigation, retention


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"public_entries": navigation.PUBLIC_ENTRIES})


@login_required
@require_GET
def portal_home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"portal_modules": navigation.portal_modules_for(request)})


@login_required
@require_GET
def retention_policy(request: HttpRequest) -> HttpResponse:
    """What the portal keeps and for how long (every official may read it: no personal data)."""
    return render(request, "core/retention.html", {"rows": retention.overview()})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches nothing else."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: database, cache and broker reachable, 503 otherwise."""
    results = health.readiness()
    ready = all(value == "ok" for value in results.values())
    return JsonResponse({"ready": ready, "checks": results}, status=200 if ready else 503)
