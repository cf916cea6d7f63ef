"""A local network in a subprocess, for the deploy path and tests.

    with LocalNetworkProcess("ETHUSD", seed=0, port_offset=free_port_offset(),
                             networks_dir=tmp_path) as network:
        VegaServiceNetwork(network=LOCAL_NETWORK, ..., wallet_url=network.wallet_url, ...)

The context manager starts `python -m devops.localnet`, waits (bounded) for its
`localnet ready` line and on exit sends SIGTERM, killing it after a bound. A
network that exits or does not get ready in time raises `LocalNetworkError`
with the end of its output. It runs the network by module name only: the
harness never imports `devops.localnet`, the layer above it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import deque
from pathlib import Path
from types import TracebackType

import devops
from devops.harness import agent_keys
from devops.harness.local_files import network_files
from devops.harness.local_ports import Ports, free_port_offset

# printed, flushed, by `python -m devops.localnet` once every port is served and the
# files are written
READY_LINE = "localnet ready"
STARTUP_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 5.0
_KEPT_LINES = 30

__all__ = ["READY_LINE", "LocalNetworkError", "LocalNetworkProcess", "free_port_offset"]


def _child_environment() -> dict[str, str]:
    """This environment, unbuffered, with this `devops` package first on the path."""
    root = str(Path(devops.__file__).resolve().parent.parent)
    path = os.environ.get("PYTHONPATH")
    return {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": f"{root}{os.pathsep}{path}" if path else root,
    }


class LocalNetworkError(RuntimeError):
    """The local network did not start; the message ends with its last output."""


class LocalNetworkProcess:
    """`python -m devops.localnet` as a context manager."""

    def __init__(
        self,
        scenario: str,
        seed: int = 0,
        port_offset: int = 0,
        networks_dir: Path = Path("networks"),
        block_seconds: int = 1,
        *,
        startup_timeout: float = STARTUP_TIMEOUT_SECONDS,
        stop_timeout: float = STOP_TIMEOUT_SECONDS,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.ports = Ports(port_offset)
        self.block_seconds = block_seconds
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self._files = network_files(Path(networks_dir), self.ports, agent_keys.wallet_name())
        self.process: subprocess.Popen[str] | None = None
        self._output: deque[str] = deque(maxlen=_KEPT_LINES)
        self._ready = threading.Event()
        self._reader: threading.Thread | None = None

    # ---- where it is ------------------------------------------------------------------------

    @property
    def env(self) -> dict[str, str]:
        """The variables `local.env` exports."""
        return dict(self._files.env)

    @property
    def config_path(self) -> Path:
        return self._files.config_path

    @property
    def tokens_path(self) -> Path:
        return self._files.tokens_path

    @property
    def networks_dir(self) -> Path:
        return self._files.config_path.parent

    @property
    def wallet_url(self) -> str:
        return self.ports.wallet_url

    @property
    def data_node_grpc_url(self) -> str:
        return self.ports.data_node_grpc_url

    @property
    def core_grpc_url(self) -> str:
        return self.ports.core_grpc_url

    @property
    def output(self) -> list[str]:
        """The network's last lines of output."""
        return list(self._output)

    # ---- lifetime ---------------------------------------------------------------------------

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "devops.localnet",
            "--scenario",
            self.scenario,
            "--seed",
            str(self.seed),
            "--port-offset",
            str(self.ports.offset),
            "--networks-dir",
            str(self.networks_dir),
            "--block-seconds",
            str(self.block_seconds),
        ]

    def start(self) -> None:
        """Start the network and wait until it serves; LocalNetworkError if it does not."""
        self.process = subprocess.Popen(
            self.command(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            env=_child_environment(),
        )
        self._reader = threading.Thread(target=self._read, name="localnet-output", daemon=True)
        self._reader.start()
        deadline_passed = not self._wait_ready()
        if not self._ready.is_set():
            status = self.process.poll()
            self.stop()
            reason = (
                f"did not get ready within {self.startup_timeout:.0f} s"
                if deadline_passed and status is None
                else f"exited with status {status}"
            )
            last = "\n".join(self._output) or "(no output)"
            raise LocalNetworkError(f"the local network {reason}; its last output:\n{last}")

    def _wait_ready(self) -> bool:
        """Wait for the ready line or the process's end; False when the time ran out."""
        assert self.process is not None
        waited = 0.0
        step = 0.1
        while waited < self.startup_timeout:
            if self._ready.wait(step):
                return True
            if self.process.poll() is not None:
                if self._reader is not None:
                    self._reader.join(1.0)  # collect its last lines
                return True
            waited += step
        return False

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            text = line.rstrip("\n")
            self._output.append(text)
            if text == READY_LINE:
                self._ready.set()

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL after `stop_timeout`; the exit status."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(self.stop_timeout)
        if self._reader is not None:
            self._reader.join(1.0)
        return process.returncode

    def __enter__(self) -> LocalNetworkProcess:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
