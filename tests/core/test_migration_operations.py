"""Indexes on the big tables are built without stopping inserts (core/migration_operations.py)."""

import io
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection

from tests.support import BASE_DIR, project_env, run_manage, wait_for

# The migrations that index tables filled by every check-in (check-ins, declarations, audit log).
BIG_TABLE_INDEX_MIGRATIONS = [
    ("checkpoints", "0003_checkin_index_with_checkout", "checkin_point_time_out"),
    ("core", "0003_lean_indexes", "auditlog_action"),
    ("declarations", "0002_lean_indexes", "declaration_address_unit"),
]


@pytest.mark.django_db(transaction=True)  # sqlmigrate of a non-atomic migration: no test transaction
@pytest.mark.parametrize(("app", "migration", "index"), BIG_TABLE_INDEX_MIGRATIONS)
def test_index_sql_is_concurrent_on_postgresql_and_plain_elsewhere(app, migration, index):
    out = io.StringIO()
    call_command("sqlmigrate", app, migration, stdout=out)
    sql = out.getvalue()
    if connection.vendor == "postgresql":
        assert f'CREATE INDEX CONCURRENTLY "{index}"' in sql
        assert "BEGIN;" not in sql  # atomic = False: CONCURRENTLY cannot run in a transaction
    else:
        assert f'CREATE INDEX "{index}"' in sql


def _migrate(env: dict[str, str], *args: str) -> None:
    result = run_manage(["migrate", "--noinput", *args], env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.postgres
@pytest.mark.slow
def test_check_ins_keep_being_written_while_the_checkin_index_is_built(scratch_database):
    """A visitor's INSERT takes ROW EXCLUSIVE on the check-in table. A plain CREATE INDEX needs
    SHARE, so while it waits for (or runs beside) an open transaction, every new check-in waits
    too; CREATE INDEX CONCURRENTLY does not stop them."""
    import psycopg2

    env = project_env(DATABASE_URL=scratch_database, REDIS_URL=None)
    _migrate(env, "checkpoints", "0002")
    earlier, visitor = psycopg2.connect(scratch_database), psycopg2.connect(scratch_database)
    watcher = psycopg2.connect(scratch_database)
    watcher.autocommit = True  # a fresh look at pg_stat_activity each time, no open snapshot
    migrate = None
    try:
        # A check-in transaction still open when the migration starts.
        with earlier.cursor() as cursor:
            cursor.execute("LOCK TABLE checkpoints_checkin IN ROW EXCLUSIVE MODE")
        migrate = subprocess.Popen(
            [sys.executable, "manage.py", "migrate", "--noinput", "checkpoints", "0003"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

        def building() -> bool:
            with watcher.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND query LIKE 'CREATE INDEX%checkin_point_time_out%' AND state = 'active'"
                )
                return cursor.fetchone()[0] > 0

        assert wait_for(building, timeout=60), "the migration never started building the index"
        # A new visitor checks in meanwhile: it must not queue behind the index build.
        with visitor.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
            cursor.execute("LOCK TABLE checkpoints_checkin IN ROW EXCLUSIVE MODE")
        visitor.rollback()
        earlier.rollback()  # the build may finish now
        output, _ = migrate.communicate(timeout=120)
        assert migrate.returncode == 0, output
        with watcher.cursor() as cursor:
            cursor.execute(
                "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                " WHERE c.relname = 'checkin_point_time_out'"
            )
            assert cursor.fetchone() == (True,)
    finally:
        if migrate is not None and migrate.poll() is None:
            migrate.kill()
            migrate.wait()
        for conn in (earlier, visitor, watcher):
            conn.close()


@pytest.mark.postgres
@pytest.mark.slow
def test_concurrent_index_migrations_reverse_and_reapply(scratch_database):
    env = project_env(DATABASE_URL=scratch_database, REDIS_URL=None)
    _migrate(env)
    _migrate(env, "checkpoints", "0002")
    _migrate(env, "core", "0002")  # takes declarations 0002 back with it
    _migrate(env)
    result = run_manage(["showmigrations", "--plan"], env)
    assert "[ ]" not in result.stdout
    import psycopg2

    with psycopg2.connect(scratch_database) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE c.relname = ANY(%s) ORDER BY 1",
            [[index for _app, _migration, index in BIG_TABLE_INDEX_MIGRATIONS] + ["checkin_point_time"]],
        )
        assert cursor.fetchall() == [
            ("auditlog_action", True),
            ("checkin_point_time_out", True),
            ("declaration_address_unit", True),
        ]
