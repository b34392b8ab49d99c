"""Developer sessions: ``nox -s tests``, ``lint``, ``typecheck``, ``generate``, ``docs``."""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "typecheck", "tests"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = ["3.11"]


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the whole test suite (the same command as the README and CI)."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Ruff lint and format check over code, tests, tools and benchmarks."""
    session.install("-e", ".[test]")
    session.run("ruff", "check", "moderately", "tools", "tests", "benchmarks")
    session.run("ruff", "format", "--check", "moderately", "tools", "tests", "benchmarks")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """Type-check with mypy --strict: the package, generated tree included, and tests/typing."""
    session.install("-e", ".[test]")
    session.run("mypy", "--strict", "moderately", "tests/typing")


@nox.session(python=PYTHON)
def generate(session: nox.Session) -> None:
    """Regenerate moderately/_sync from moderately/_async; ``-- --check`` only verifies."""
    session.install("-e", ".[test]")
    session.run("python", "tools/unasync.py", *session.posargs)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Run the benchmark suite; results go to benchmarks/results/ (see docs/benchmarks.md)."""
    session.install("-e", ".[bench]")
    session.run("python", "benchmarks/run.py", *session.posargs)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation site in strict mode (any warning fails); output in site/."""
    session.install("-e", ".[docs]")
    session.run("mkdocs", "build", "--strict", *session.posargs)
