import pytest

from core.roles import Role
from tests.taskforce.factories import build


@pytest.fixture
def tf(province, dong_son, make_user):
    return build(province, dong_son, make_user=make_user)


@pytest.fixture
def leader(tf):
    return tf.users[Role.TASKFORCE_LEADER]


@pytest.fixture
def member_user(tf):
    return tf.users[Role.TASKFORCE_MEMBER]


@pytest.fixture
def deputy_user(tf):
    return tf.users[Role.TASKFORCE_DEPUTY]
