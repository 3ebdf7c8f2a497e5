"""Where ``next`` may send someone (``core.redirects.local_url``): a path on this site only."""

import pytest
from django.test import RequestFactory

from core.redirects import local_url


@pytest.mark.parametrize(
    ("candidate", "kept"),
    [
        ("/portal/", True),
        ("/tinh-hinh-dich/?sort=ten&dir=desc#theo-don-vi", True),
        ("/xet-nghiem/Đông Sơn/", True),  # Vietnamese and a space are printable
        ("", False),
        (None, False),
        ("%", False),  # a bare word: ``redirect`` took it for a URL name (a 500)
        ("portal", False),
        ("//evil.example/", False),
        ("https://evil.example/", False),
        ("http://testserver/portal/", False),  # this site, but not a path
        ("/\\evil.example/", False),
        ("/portal/\x00", False),
        ("/portal/\r\nSet-Cookie: x=1", False),
        ("/portal/\u202e", False),  # a right-to-left override
    ],
)
def test_only_a_path_on_this_site_is_kept(candidate, kept):
    request = RequestFactory().get("/")
    assert local_url(request, candidate, "/default/") == (candidate if kept else "/default/")


@pytest.mark.django_db
def test_the_second_factor_page_falls_back_on_a_bare_word(client, make_user, province):
    from core.roles import Role

    client.force_login(make_user(Role.TASKFORCE_LEADER, province_wide=True))
    response = client.get("/accounts/xac-thuc/", {"next": "%"})
    assert response.status_code == 302 and response["Location"] == "/portal/"
