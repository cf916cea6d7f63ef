"""The list of Vega scenarios that do not pass yet, one line each with its reason.

Format: `<scenario id> | <reason>`; `#` starts a comment. A reason starts with
where the scenario fails (`line N:` or `at scenario end:`), and a listed scenario
must fail exactly there: failing at another step fails the run. `python -m
devops.fidelity.expectations --update` rewrites the file from a run's failures.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

FILE = Path(__file__).resolve().parents[2] / "tests" / "fidelity" / "expectations.txt"


class ListedFailure(AssertionError):
    """A listed scenario failed where its line in the expectations says it fails."""


def failing_location(reason: str) -> str:
    """Where a reason says the scenario fails: `line N` or `at scenario end` (else the text)."""
    return reason.split(":", 1)[0].strip()


def check_listed(location: str, message: str, reason: str) -> None:
    """Raise ListedFailure when the failure is where `reason` lists it, else a plain error."""
    listed = failing_location(reason)
    if location == listed:
        raise ListedFailure(message)
    raise AssertionError(
        f"listed as failing at {listed}, but fails at {location}; update its line in "
        f"tests/fidelity/expectations.txt if this is expected:\n{message}"
    )


def read(path: Path = FILE) -> dict[str, str]:
    expected: dict[str, str] = {}
    if not path.exists():
        return expected
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        scenario_id, _, reason = text.partition(" | ")
        expected[scenario_id.strip()] = reason.strip() or "not passing yet"
    return expected


def write(failures: dict[str, str], path: Path = FILE) -> None:
    header = (
        "# Vega integration scenarios the embedded engine does not pass yet.\n"
        "# Each runs as a strict xfail: when one starts passing, remove its line.\n"
        "# Regenerate with: python -m devops.fidelity.expectations --update\n"
    )
    lines = [f"{key} | {reason}" for key, reason in sorted(failures.items())]
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--update", action="store_true", help="rewrite the expectations file")
    args = parser.parse_args(argv)
    if not args.update:
        for key, reason in read().items():
            print(f"{key} | {reason}")
        return 0
    report = FILE.parent / ".last-failures.txt"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/fidelity",
            "-q",
            "-p",
            "no:cacheprovider",
            "--fidelity-no-expectations",
            f"--fidelity-record={report}",
            "-n",
            "2",
        ],
        check=False,
        cwd=FILE.parents[2],
    )
    failures = read(report)
    write(failures)
    report.unlink(missing_ok=True)
    print(f"{len(failures)} scenarios listed in {FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
