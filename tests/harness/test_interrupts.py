"""A command-line run survives Ctrl-C, SIGTERM and a report folder it cannot write.

The signal tests start `python -m devops.run` as a user would, wait until its
progress bar shows a few steps, signal it, and read what it left behind: a report
of the steps done marked "interrupted at step k of n", the shell's exit status for
that signal, and no traceback.
"""

from __future__ import annotations

import errno
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from devops.harness import cli
from devops.harness.interruption import RunInterrupted, StopSignals
from devops.harness.records import RunRecord
from devops.harness.reports import HTML_FILE, RUN_FILE, load_record, report_html

ROOT = Path(__file__).resolve().parents[2]
STEPS = 300
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PROGRESS = re.compile(rb"(\d+)/" + str(STEPS).encode())


def _progressing_run(logs: Path, at_least: int = 5) -> tuple[subprocess.Popen[bytes], int, bytes]:
    """A CLI run whose progress bar has shown `at_least` steps: (process, steps seen, output)."""
    # FORCE_COLOR makes rich draw its live progress bar into the pipe, as on a terminal
    env = {**os.environ, "FORCE_COLOR": "1", "TERM": "xterm", "COLUMNS": "120"}
    process = subprocess.Popen(
        [sys.executable, "-m", "devops.run", "-s", "ETHUSD", "--steps", str(STEPS)]
        + ["--run-logs", str(logs)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    seen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        ready, _, _ = select.select([process.stdout], [], [], 0.1)
        if ready:
            seen += os.read(process.stdout.fileno(), 1 << 16)
            counts = [int(c) for c in PROGRESS.findall(seen)]
            if counts and max(counts) >= at_least:
                return process, max(counts), seen
    process.kill()
    process.communicate()
    pytest.fail(f"no progress to {at_least} steps within 60 s; output: {seen[-500:]!r}")


@pytest.mark.parametrize(("number", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signalled_run_leaves_a_partial_report(
    tmp_path: Path, number: signal.Signals, status: int
) -> None:
    process, seen, early = _progressing_run(tmp_path)
    process.send_signal(number)
    sent = time.monotonic()
    rest, err = process.communicate(timeout=30)
    elapsed = time.monotonic() - sent
    out = ANSI.sub("", (early + rest).decode())

    assert process.returncode == status
    assert "Traceback" not in err.decode() and "KeyboardInterrupt" not in err.decode()
    assert elapsed < 15  # the step in progress, then the report: seconds, not the whole run

    folder = tmp_path / "ETHUSD-seed0-embedded"
    record = load_record(folder)
    done = len(record.states)
    note = f"interrupted at step {done} of {STEPS}"
    assert seen <= done < STEPS
    assert record.interrupted and record.error == note
    assert json.loads((folder / RUN_FILE).read_text())["interrupted"] is True
    assert f"Partial report: {note}" in (folder / HTML_FILE).read_text()
    results = {r["name"]: r for r in json.loads((folder / "invariants.json").read_text())}
    assert not results["run_completed"]["passed"]
    assert note in results["run_completed"]["message"]
    # the checks over the steps done are still judged on them
    assert results["money_conserved"]["passed"]
    assert results["left_opening_auction"]["passed"]
    assert f"invariants ({note})" in out and f"report: {folder / HTML_FILE}" in out


def test_report_folder_in_the_way_still_prints_the_results(tmp_path: Path) -> None:
    (tmp_path / "ETHUSD-seed0-embedded").write_text("in the way")
    done = subprocess.run(
        [sys.executable, "-m", "devops.run", "-s", "ETHUSD", "--steps", "3"]
        + ["--run-logs", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    folder = tmp_path / "ETHUSD-seed0-embedded"
    assert done.stderr.strip().splitlines() == [
        f"could not write the report to {folder}: a file of that name is in the way"
    ]
    assert "ETHUSD: invariants" in done.stdout and "run_completed" in done.stdout
    assert done.returncode == (1 if "FAIL" in done.stdout else 0)
    assert folder.read_text() == "in the way"


def test_a_full_disk_leaves_no_half_written_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    written: list[Path] = []
    real_write = Path.write_text

    def fill_up(self: Path, text: str, *args: Any, **kwargs: Any) -> int:
        if len(written) == 2:  # the third file does not fit
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        written.append(self)
        return real_write(self, text, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", fill_up)
    status = cli.main(["-s", "ETHUSD", "--steps", "5", "--run-logs", str(tmp_path)])
    out, err = capsys.readouterr()
    folder = tmp_path / "ETHUSD-seed0-embedded"
    assert f"could not write the report to {folder}: No space left on device" in err
    assert "ETHUSD: invariants" in out and "report:" not in out
    assert status in (0, 1) and (status == 1) == ("FAIL" in out)
    assert len(written) == 2 and list(folder.iterdir()) == []  # drafts removed


# ---- the pieces -------------------------------------------------------------------------------


@pytest.mark.parametrize(("number", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_run_at_the_end_of_the_step(number: int, status: int) -> None:
    with StopSignals() as stop:
        stop.check(3, 10)  # nothing asked yet
        signal.raise_signal(number)
        assert stop.requested and not stop.raised
        with pytest.raises(RunInterrupted, match="interrupted at step 4 of 10"):
            stop.check(4, 10)
        assert stop.raised and stop.exit_status == status
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_a_second_signal_while_simulating_stops_at_once() -> None:
    with StopSignals() as stop:
        stop.check(7, 10)
        signal.raise_signal(signal.SIGINT)
        stop.simulating = True
        with pytest.raises(RunInterrupted, match="interrupted at step 7 of 10"):
            signal.raise_signal(signal.SIGINT)
        stop.simulating = False
        signal.raise_signal(signal.SIGINT)  # while the report is written: only noted


def test_an_interrupted_record_round_trips_and_says_so(tmp_path: Path) -> None:
    from devops.harness.reports import write_report

    record = RunRecord("ETHUSD", 0, 40, 10, "embedded", "market_maker", -30, 30)
    marked = RunRecord(
        "ETHUSD", 0, 40, 10, "embedded", "market_maker", -30, 30, (), "x", interrupted=True
    )
    assert "interrupted at step" not in report_html(record, [])
    assert "interrupted at step 0 of 40" in report_html(marked, [])
    write_report(marked, [], tmp_path)
    assert load_record(tmp_path) == marked


def test_a_signal_after_the_last_step_keeps_the_whole_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from devops.harness import simulation

    real_run = simulation.run_scenario

    def signalled_at_the_end(*args: Any, **kwargs: Any) -> RunRecord:
        record = real_run(*args, **kwargs)
        signal.raise_signal(signal.SIGINT)  # e.g. while the market settles
        return record

    monkeypatch.setattr(simulation, "run_scenario", signalled_at_the_end)
    assert cli.main(["-s", "ETHUSD", "--steps", "3", "--run-logs", str(tmp_path)]) == 130
    assert "interrupted after the last step; the report is complete" in capsys.readouterr().out
    record = load_record(tmp_path / "ETHUSD-seed0-embedded")
    assert len(record.states) == 3 and not record.interrupted and record.error is None
