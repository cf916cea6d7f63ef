"""Running sweep tasks on Dask: a private cluster on loopback, or one a user already runs.

Each worker is a process with one thread: the engine is single-threaded Python, so
threads would only share the GIL, and one process per core is what makes the cores
count. Workers import the project by module path (tasks pickle as a reference to
`run_task` plus plain data), so a remote cluster's workers need this project
installed at the same revision.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from devops.sweep.task import ResultRow, SweepTask, run_task

if TYPE_CHECKING:
    from distributed import Client

CONNECT_TIMEOUT = "20s"


class ClusterError(RuntimeError):
    """The cluster could not be started or reached; the message says which and why."""


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not every platform can say
        return max(1, os.cpu_count() or 1)


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Client]:
    """A client of the cluster at `scheduler`, or of a new local one bound to 127.0.0.1."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as failure:
            raise ClusterError(f"no Dask scheduler answered at {scheduler}: {failure}") from None
        with client:
            yield client
        return
    try:
        cluster = LocalCluster(
            n_workers=workers or default_workers(),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            scheduler_port=0,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    except (OSError, TimeoutError) as failure:
        raise ClusterError(f"could not start a local Dask cluster: {failure}") from None
    with cluster, Client(cluster, timeout=CONNECT_TIMEOUT) as client:
        yield client


def run_tasks(
    client: Client,
    tasks: Sequence[SweepTask],
    on_row: Callable[[ResultRow], None] | None = None,
    timeout: float | None = None,
) -> list[ResultRow]:
    """Every task's row, in the order of `tasks`; `on_row` hears each as it lands.

    `timeout` bounds the whole sweep in seconds; past it the unfinished tasks are
    cancelled and ClusterError says how many were left.
    """
    from distributed import as_completed

    futures = client.map(run_task, list(tasks), pure=False)
    position = {future.key: index for index, future in enumerate(futures)}
    rows: list[ResultRow | None] = [None] * len(futures)
    try:
        for future in as_completed(futures, timeout=timeout):
            try:
                row = future.result()
            except Exception as failure:  # noqa: BLE001 - e.g. a worker that died mid-run
                task = tasks[position[future.key]]
                client.cancel(futures)
                raise ClusterError(
                    f"{task.scenario} seed {task.seed} {task.overrides or 'defaults'} failed on "
                    f"the cluster: {type(failure).__name__}: {' '.join(str(failure).split())}"
                ) from None
            rows[position[future.key]] = row
            if on_row is not None:
                on_row(row)
    except TimeoutError:
        client.cancel(futures)
        left = sum(row is None for row in rows)
        raise ClusterError(f"{left} of {len(rows)} runs unfinished after {timeout:g} s") from None
    return [row for row in rows if row is not None]
