"""A small sweep on a real Dask cluster on loopback, against the same runs done serially.

Bounded: two worker processes, a 10-step run per task, and a timeout on the whole sweep
(a stuck cluster fails the test instead of hanging it).
"""

from __future__ import annotations

import csv
import io
import socket
from pathlib import Path

import pytest

from devops.sweep import cli, cluster
from devops.sweep.cluster import ClusterError, run_tasks
from devops.sweep.grid import Axis
from devops.sweep.outputs import write_runs_csv
from devops.sweep.task import SweepTask, run_task

VARY = "market_maker_args.inventory_lower_boundary=-1,-30"
ARGV = ["-s", "ETHUSD", "--seeds", "0:2", "--steps", "10", "--vary", VARY]
SWEEP_TIMEOUT_SECONDS = 150
# one pytest-xdist worker runs the whole module, so the cluster sweep runs once
pytestmark = pytest.mark.xdist_group("sweep-dask")


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The sweep's folder and what it printed, run once on a local two-worker cluster."""
    from rich.console import Console

    out = tmp_path_factory.mktemp("sweep")
    printed = Console(record=True, width=100, file=io.StringIO())
    status = cli.main(
        [*ARGV, "--workers", "2", "--timeout", str(SWEEP_TIMEOUT_SECONDS), "--out", str(out)],
        printed,
    )
    assert status == 0
    return out, printed.export_text()


def _serial_tasks() -> list[SweepTask]:
    point = "market_maker_args.inventory_lower_boundary"
    return [
        SweepTask("ETHUSD", ((point, value),), seed, 10) for value in (-1, -30) for seed in (0, 1)
    ]


def test_one_csv_row_per_point_and_seed(swept: tuple[Path, str]) -> None:
    with (swept[0] / "runs.csv").open() as text:
        rows = list(csv.DictReader(text))
    assert [(r["market_maker_args.inventory_lower_boundary"], r["seed"]) for r in rows] == [
        ("-1", "0"),
        ("-1", "1"),
        ("-30", "0"),
        ("-30", "1"),
    ]
    assert all(r["steps"] == "10" and r["steps_done"] == "10" for r in rows)
    for name in ("run_completed", "money_conserved", "maker_within_boundaries"):
        assert {f"{name}.passed", f"{name}.figure"} <= set(rows[0])
    # a boundary of -1 is tight enough to be left by seed 1; -30 is not
    assert [r["maker_within_boundaries.passed"] for r in rows] == ["True", "False", "True", "True"]
    assert float(rows[1]["maker_within_boundaries.figure"]) > 1.1
    assert rows[1]["first_failure"].startswith("maker_within_boundaries: step ")


def test_results_equal_the_same_runs_done_serially(swept: tuple[Path, str], tmp_path: Path) -> None:
    serial = [run_task(task) for task in _serial_tasks()]
    write_runs_csv(
        serial,
        [Axis("market_maker_args.inventory_lower_boundary", (-1, -30))],
        tmp_path / "serial.csv",
    )
    assert (tmp_path / "serial.csv").read_text() == (swept[0] / "runs.csv").read_text()


def test_summary_and_plot_are_written(swept: tuple[Path, str]) -> None:
    out, printed = swept
    with (out / "summary.csv").open() as text:
        rows = list(csv.DictReader(text))
    tight = next(
        r
        for r in rows
        if r["point"] == "inventory_lower_boundary=-1"
        and r["invariant"] == "maker_within_boundaries"
    )
    assert (tight["passes"], tight["trials"], tight["pass_rate"]) == ("1", "2", "0.5000")
    assert float(tight["wilson_lower_bound_95"]) == pytest.approx(0.0945, abs=1e-4)
    assert (out / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = (out / "sweep.html").read_text()
    assert "inventory_lower_boundary=-1" in page and "maker_within_boundaries" in page
    assert "inventory_lower_boundary=-1: 1 of 2 runs passed all" in printed
    assert "inventory_lower_boundary=-30: 2 of 2 runs passed all" in printed


def test_an_existing_scheduler_is_used(tmp_path: Path) -> None:
    """`--scheduler` reaches a cluster the sweep did not start (here one in this process)."""
    from distributed import Client, LocalCluster

    with LocalCluster(
        n_workers=1,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_port=0,
    ) as running:
        assert running.scheduler_address.startswith("tcp://127.0.0.1:")
        address = running.scheduler_address
        argv = ["-s", "ETHUSD", "--seeds", "1", "--steps", "5", "--scheduler", address]
        status = cli.main([*argv, "--timeout", "60", "--out", str(tmp_path)])
        assert status == 0
        # a sweep past its time is abandoned with a count of what was left, not waited for
        with Client(running, timeout="10s") as client:
            # a task that raises on a worker ends the sweep with one line naming the task
            broken = SweepTask("NOSUCH", (), 3, 5)
            with pytest.raises(
                ClusterError, match=r"^NOSUCH seed 3 defaults failed on the cluster: KeyError: "
            ):
                run_tasks(client, [broken])
            with pytest.raises(ClusterError, match=r"^2 of 2 runs unfinished after 0.01 s$"):
                run_tasks(
                    client, [SweepTask("ETHUSD", (), seed, 5) for seed in (0, 1)], timeout=0.01
                )
    with (tmp_path / "runs.csv").open() as text:
        rows = list(csv.DictReader(text))
    assert len(rows) == 1 and rows[0]["steps_done"] == "5" and rows[0]["passed"] == "True"


def test_a_scheduler_that_does_not_answer_is_one_line_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a loopback port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "2s")
    address = f"tcp://127.0.0.1:{port}"
    argv = ["-s", "ETHUSD", "--seeds", "1", "--scheduler", address, "--out", str(tmp_path / "o")]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"no Dask scheduler answered at {address}: ") and "\n" not in err
    assert not (tmp_path / "o").exists()
