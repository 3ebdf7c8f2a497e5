"""The Docker image's build steps run (issue 13, point 15), repeated by .ci/dockerfile_steps.py
from the Dockerfile itself, in a clean environment; Docker cannot run on the CI machine."""

import subprocess
import sys

import pytest

from tests.support import BASE_DIR

SCRIPT = BASE_DIR / ".ci" / "dockerfile_steps.py"


def build(dockerfile) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--dockerfile", str(dockerfile)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_the_dockerfile_build_steps_run():
    result = build(BASE_DIR / "Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "collectstatic" in result.stdout
    assert "check --deploy" in result.stdout


def test_a_build_step_missing_a_required_key_fails(tmp_path):
    """What the image did before: collectstatic without PORTAL_LOOKUP_HASH_KEY."""
    text = (BASE_DIR / "Dockerfile").read_text(encoding="utf-8")
    assert "PORTAL_LOOKUP_HASH_KEY=" in text
    broken = tmp_path / "Dockerfile"
    broken.write_text(text.replace("PORTAL_LOOKUP_HASH_KEY=", "PORTAL_UNRELATED="), encoding="utf-8")
    result = build(broken)
    assert result.returncode == 1
    assert "PORTAL_LOOKUP_HASH_KEY" in result.stdout
    assert "The image would not build" in result.stdout


def test_a_secret_baked_into_the_image_environment_fails(tmp_path):
    text = (BASE_DIR / "Dockerfile").read_text(encoding="utf-8")
    broken = tmp_path / "Dockerfile"
    broken.write_text(
        text.replace("WORKDIR /app", "ENV PORTAL_LOOKUP_HASH_KEY=baked-into-every-layer\nWORKDIR /app", 1),
        encoding="utf-8",
    )
    result = build(broken)
    assert result.returncode == 1
    assert "ENV bakes the secret PORTAL_LOOKUP_HASH_KEY into the image" in result.stdout


def test_a_developer_env_file_does_not_reach_the_build(tmp_path):
    """The build context leaves out what .dockerignore names (.env, var/, .venv, .git)."""
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import dockerfile_steps
    finally:
        sys.path.remove(str(SCRIPT.parent))
    patterns = [".venv", "var", ".git", ".env", "**/__pycache__"]
    assert dockerfile_steps.ignored(".env", patterns)
    assert dockerfile_steps.ignored("var/portal.sqlite3", patterns)
    assert dockerfile_steps.ignored("core/__pycache__/models.cpython-311.pyc", patterns)
    assert not dockerfile_steps.ignored(".env.example", patterns)
    assert not dockerfile_steps.ignored("core/models.py", patterns)
