"""Runs the Dockerfile's build steps without Docker, as the image build would run them.

Docker cannot run on the CI machine, so this reads the Dockerfile itself (not a copy of its
commands) and repeats what can be repeated:

- ``ENV``: the image's environment; refused if it holds a secret (those come at run time).
- ``apt-get install``: each package must be installed or known to apt on this Debian machine.
- ``pip install .``: the virtualenv stands in for the image's Python; every pinned dependency of
  ``pyproject.toml`` must be installed there at its pinned version.
- ``COPY . .``: the build context (the checkout minus ``.dockerignore``) copied to a temporary
  ``WORKDIR``, so a developer's ``.env`` or ``var/`` cannot make a broken build pass.
- ``RUN`` lines that call ``manage.py``: run with ``/bin/sh -c`` in a clean environment
  (``env -i``) holding only the Dockerfile's ``ENV`` values and ``PATH`` to the virtualenv.

Other ``RUN`` lines (user creation, ``chown``) need root and a container: listed as skipped.
Usage: ``.venv/bin/python .ci/dockerfile_steps.py [--dockerfile PATH]``; exit status 1 on failure.
"""

from __future__ import annotations

import argparse
import fnmatch
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
# Variables that must never be baked into the image: they come from .env at run time.
SECRETS = {
    "DJANGO_SECRET_KEY",
    "PORTAL_FIELD_ENCRYPTION_KEYS",
    "PORTAL_LOOKUP_HASH_KEY",
    "DATABASE_URL",
    "DJANGO_EMAIL_HOST_PASSWORD",
    "POSTGRES_PASSWORD",
}


@dataclass
class Instruction:
    keyword: str
    argument: str


def instructions(text: str) -> list[Instruction]:
    """Dockerfile instructions, continuation lines joined and comments dropped."""
    found: list[Instruction] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        pending += line
        keyword, _, argument = pending.partition(" ")
        found.append(Instruction(keyword.upper(), argument.strip()))
        pending = ""
    return found


def env_pairs(argument: str) -> dict[str, str]:
    pairs = {}
    for word in shlex.split(argument):
        name, sep, value = word.partition("=")
        if not sep:
            raise SystemExit(f"ENV without '=' is not supported here: {argument}")
        pairs[name] = value
    return pairs


def ignored(relative: str, patterns: list[str]) -> bool:
    """.dockerignore matching for the patterns this project uses (names, globs, ``**/``)."""
    for pattern in patterns:
        if pattern.startswith("**/"):
            name = pattern[3:]
            if any(fnmatch.fnmatch(part, name) for part in relative.split("/")):
                return True
        elif fnmatch.fnmatch(relative, pattern) or relative.startswith(pattern.rstrip("/") + "/"):
            return True
    return False


def copy_context(target: Path) -> None:
    dockerignore = ROOT / ".dockerignore"
    lines = dockerignore.read_text(encoding="utf-8").splitlines() if dockerignore.exists() else []
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]

    def ignore(directory: str, names: list[str]) -> list[str]:
        base = Path(directory).relative_to(ROOT).as_posix()
        prefix = "" if base == "." else base + "/"
        return [name for name in names if ignored(prefix + name, patterns)]

    shutil.copytree(ROOT, target, ignore=ignore, symlinks=True)


def check_pins() -> list[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    problems = []
    for line in pyproject["project"]["dependencies"]:
        requirement = Requirement(line)
        try:
            installed = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            problems.append(f"{requirement.name} is not installed (pinned {requirement.specifier})")
            continue
        if not requirement.specifier.contains(installed, prereleases=True):
            problems.append(f"{requirement.name} {installed} does not satisfy {requirement.specifier}")
    return problems


def check_apt(command: str) -> list[str]:
    match = re.search(r"apt-get install ([^&;|]+)", command)
    packages = [word for word in shlex.split(match.group(1)) if not word.startswith("-")] if match else []
    problems = []
    for package in packages:
        status = subprocess.run(  # noqa: S603
            ["dpkg-query", "-W", "-f=${Status}", package],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        if "install ok installed" in status.stdout:
            continue
        known = subprocess.run(["apt-cache", "show", package], capture_output=True, check=False)  # noqa: S603, S607
        if known.returncode != 0:
            problems.append(f"Debian package {package} is neither installed nor known to apt")
    return problems


class Build:
    def __init__(self, dockerfile: Path, workspace: Path) -> None:
        self.dockerfile = dockerfile
        self.workspace = workspace
        self.app = workspace / "app"
        self.workdir = "/"
        self.env: dict[str, str] = {}
        self.problems: list[str] = []

    def local(self, value: str) -> str:
        """An image path under WORKDIR, mapped into the temporary copy."""
        if self.workdir != "/" and (value == self.workdir or value.startswith(self.workdir + "/")):
            return str(self.app) + value[len(self.workdir) :]
        return value

    def clean_env(self) -> dict[str, str]:
        venv_bin = Path(sys.executable).parent
        base = {"PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin", "HOME": str(self.workspace / "home")}
        return {**base, **{name: self.local(value) for name, value in self.env.items()}}

    def run(self, command: str) -> None:
        started = time.monotonic()
        env_args = [f"{name}={value}" for name, value in self.clean_env().items()]
        # The Dockerfile's own command, as docker build runs it.
        result = subprocess.run(  # noqa: S603
            ["env", "-i", *env_args, "/bin/sh", "-c", command],  # noqa: S607
            cwd=self.app,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        took = time.monotonic() - started
        if result.returncode != 0:
            self.problems.append(f"RUN failed (exit {result.returncode}): {command}")
            print(f"  FAIL {took:5.1f} s  RUN {command}\n{result.stdout}{result.stderr}")
        else:
            print(f"  ok   {took:5.1f} s  RUN {command}")

    def step(self, instruction: Instruction) -> None:
        keyword, argument = instruction.keyword, instruction.argument
        if keyword == "ENV":
            pairs = env_pairs(argument)
            baked = [name for name in pairs if name in SECRETS]
            self.problems += [f"ENV bakes the secret {name} into the image" for name in baked]
            self.env.update(pairs)
            print(f"  ok          ENV {', '.join(pairs)}")
        elif keyword == "WORKDIR":
            self.workdir = argument
        elif keyword == "COPY" and argument.split()[0] == ".":
            copy_context(self.app)
            print(f"  ok          COPY . {argument.split()[-1]} (build context minus .dockerignore)")
        elif keyword == "RUN" and "apt-get install" in argument:
            self.report("apt-get install: packages exist", check_apt(argument))
        elif keyword == "RUN" and re.search(r"\bpip install\b", argument):
            self.report("pip install: pinned dependencies in the virtualenv", check_pins())
        elif keyword == "RUN" and "manage.py" in argument:
            self.run(argument)
        elif keyword == "RUN":
            print(f"  skip        RUN {argument} (needs a container)")

    def report(self, what: str, problems: list[str]) -> None:
        self.problems += problems
        print(f"  {'FAIL' if problems else 'ok  '}        {what}")
        for problem in problems:
            print(f"    {problem}")

    def __call__(self) -> list[str]:
        for instruction in instructions(self.dockerfile.read_text(encoding="utf-8")):
            self.step(instruction)
            if self.problems:  # like docker build: the first failing step ends the build
                return self.problems
        self.check_static()
        return self.problems

    def check_static(self) -> None:
        """WhiteNoise serves what collectstatic left in the image: the site's CSS must be there."""
        var_dir = Path(self.local(self.env.get("PORTAL_VAR_DIR", f"{self.workdir}/var")))
        if not (var_dir / "staticfiles" / "css" / "site.css").is_file():
            self.problems.append(f"no collected static files in {var_dir / 'staticfiles'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dockerfile", type=Path, default=ROOT / "Dockerfile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portal-dockerfile-") as workspace:
        (Path(workspace) / "home").mkdir()
        problems = Build(args.dockerfile.resolve(), Path(workspace))()
    if problems:
        print("\nThe image would not build:\n" + "\n".join(f"- {p}" for p in problems))
        return 1
    print("\nThe Dockerfile's build steps ran.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
