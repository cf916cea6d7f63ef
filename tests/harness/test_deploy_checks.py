"""Live deploys fail fast, with one line saying what to set up."""

from __future__ import annotations

from pathlib import Path

import pytest

from devops.harness.deploy import DeployError, deploy


def test_unknown_network_is_named(tmp_path: Path) -> None:
    with pytest.raises(DeployError, match="unknown network 'moonnet'"):
        deploy("ETHUSD", "moonnet", steps=1)


def test_missing_network_config_says_make_networks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VEGA_NETWORK_CONFIG", str(tmp_path))
    with pytest.raises(DeployError, match="run `make networks`"):
        deploy("ETHUSD", "stagnet1", steps=1)


def test_missing_wallet_binary_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "vegawallet-stagnet1.toml").write_text('[API.GRPC]\nHosts = ["127.0.0.1:9"]\n')
    monkeypatch.setenv("VEGA_NETWORK_CONFIG", str(tmp_path))
    monkeypatch.setenv("VEGA_WALLET_PATH", "no-such-wallet-binary")
    with pytest.raises(DeployError, match="no-such-wallet-binary"):
        deploy("ETHUSD", "stagnet1", steps=1)


def test_unreachable_network_fails_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "vegawallet-fairground.toml").write_text('[API.GRPC]\nHosts = ["127.0.0.1:9"]\n')
    (tmp_path / "vegawallet").write_text("#!/bin/sh\n")
    (tmp_path / "vegawallet").chmod(0o755)
    monkeypatch.setenv("VEGA_NETWORK_CONFIG", str(tmp_path))
    monkeypatch.setenv("VEGA_WALLET_PATH", str(tmp_path / "vegawallet"))
    with pytest.raises(DeployError, match="fairground is unreachable at 127.0.0.1:9"):
        deploy("ETHUSD", "fairground", steps=1)


def test_missing_passphrase_is_asked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        config = f'[API.GRPC]\nHosts = ["127.0.0.1:{port}"]\n'
        (tmp_path / "vegawallet-stagnet2.toml").write_text(config)
        (tmp_path / "vegawallet").write_text("#!/bin/sh\n")
        (tmp_path / "vegawallet").chmod(0o755)
        monkeypatch.setenv("VEGA_NETWORK_CONFIG", str(tmp_path))
        monkeypatch.setenv("VEGA_WALLET_PATH", str(tmp_path / "vegawallet"))
        monkeypatch.delenv("VEGA_USER_WALLET_PASS", raising=False)
        monkeypatch.delenv("VEGA_WALLET_TOKENS_PASSPHRASE_FILE", raising=False)
        with pytest.raises(DeployError, match="set VEGA_USER_WALLET_PASS"):
            deploy("ETHUSD", "stagnet2", steps=1)
