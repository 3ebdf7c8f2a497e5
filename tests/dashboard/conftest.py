"""A small hand-countable data set: two checkpoints in Đông Sơn (405) and Sầm Sơn (382), a
silent one in Sầm Sơn, check-ins on chosen local days around a fixed "now" (Wednesday
25 November 2026, 12:00 Asia/Ho_Chi_Minh; this week = Monday 23 to Wednesday 25)."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from checkpoints.models import CheckIn, Checkpoint
from core.models import Person
from tests.checkpoints.conftest import agency, make_checkpoint, operator  # noqa: F401 (fixtures)
from tests.core.fixtures import first_ward

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=HCM)
TODAY = NOW.date()


def day(n: int) -> datetime.date:
    """November ``n``, 2026."""
    return datetime.date(2026, 11, n)


def add_checkins(checkpoint, person, when: datetime.datetime, n: int, flagged: int = 0) -> None:
    CheckIn.objects.bulk_create(
        CheckIn(
            checkpoint=checkpoint,
            person=person,
            method=CheckIn.Method.SELF,
            checked_in_at=when,
            checked_out_at=when + datetime.timedelta(minutes=30),
            risk="high" if i < flagged else "none",
        )
        for i in range(n)
    )


def on(n: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 11, n, hour, minute, tzinfo=HCM)


@pytest.fixture
def places(db, agency, sam_son):  # noqa: F811 (the fixture imported above)
    """(Đông Sơn checkpoint, Sầm Sơn checkpoint, silent Sầm Sơn checkpoint, a person)."""
    ds = make_checkpoint(agency, name="Chợ Đông Sơn")
    ss = make_checkpoint(agency, name="Chợ Sầm Sơn", unit=first_ward("382"))
    quiet = make_checkpoint(agency, name="Bưu điện Sầm Sơn", unit=first_ward("382"))
    long_ago = datetime.datetime(2026, 11, 1, 8, 0, tzinfo=HCM)
    Checkpoint.objects.filter(pk__in=[ds.pk, ss.pk, quiet.pk]).update(
        registered_at=long_ago, decided_at=long_ago
    )
    person = Person.objects.create(full_name="Nguyễn Văn A", name_key="nguyen van a")
    return ds, ss, quiet, person


@pytest.fixture
def week_data(places):
    """Check-ins (flagged) per local day, hand-counted in test_figures.py:

    ===========  ==  ==  ==  ==  =======  =======  ======
    Nov          19  20  21  22  23       24       25 (today, before noon)
    Đông Sơn      -   -   -   -  10       20 (6)    8
    Sầm Sơn       5   6   7   8   6       30 (5)    7
    ===========  ==  ==  ==  ==  =======  =======  ======
    """
    ds, ss, _quiet, person = places
    add_checkins(ds, person, on(23), 10)
    add_checkins(ds, person, on(24), 20, flagged=6)
    add_checkins(ds, person, on(25, 9), 8)
    for n, count in ((19, 5), (20, 6), (21, 7), (22, 8), (23, 6)):
        add_checkins(ss, person, on(n), count)
    add_checkins(ss, person, on(24), 30, flagged=5)
    add_checkins(ss, person, on(25, 11, 59), 7)
    return places
