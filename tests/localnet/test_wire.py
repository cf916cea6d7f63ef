"""The gRPC services and the wallet's HTTP API, checked on the wire."""

from __future__ import annotations

import base64
import json
import time

import grpc
import pytest
import requests
from nacl.signing import VerifyKey
from vega_sim.proto.data_node.api.v2 import trading_data_pb2 as td
from vega_sim.proto.data_node.api.v2 import trading_data_pb2_grpc
from vega_sim.proto.vega.api.v1 import core_pb2, core_pb2_grpc
from vega_sim.proto.vega.commands.v1 import transaction_pb2
from vega_sim.proto.vega.events.v1 import events_pb2

from devops.harness.local_network import LocalNetworkProcess

pytestmark = pytest.mark.xdist_group("localnet")
CALL_SECONDS = 5.0


@pytest.fixture
def data_node(local_network: LocalNetworkProcess) -> trading_data_pb2_grpc.TradingDataServiceStub:
    channel = grpc.insecure_channel(local_network.data_node_grpc_url)
    yield trading_data_pb2_grpc.TradingDataServiceStub(channel)
    channel.close()


def test_core_and_data_node_agree_on_a_moving_chain(
    local_network: LocalNetworkProcess, data_node: trading_data_pb2_grpc.TradingDataServiceStub
) -> None:
    with grpc.insecure_channel(local_network.core_grpc_url) as channel:
        core = core_pb2_grpc.CoreServiceStub(channel)
        first = core.LastBlockHeight(core_pb2.LastBlockHeightRequest(), timeout=CALL_SECONDS)
        core_time = core.GetVegaTime(core_pb2.GetVegaTimeRequest(), timeout=CALL_SECONDS)
        node_time = data_node.GetVegaTime(td.GetVegaTimeRequest(), timeout=CALL_SECONDS)
        assert abs(core_time.timestamp - node_time.timestamp) <= 2_000_000_000
        assert abs(node_time.timestamp / 1e9 - time.time()) < 2.5
        time.sleep(1.5)
        second = core.LastBlockHeight(core_pb2.LastBlockHeightRequest(), timeout=CALL_SECONDS)
        assert second.height > first.height


def test_grpc_errors_carry_status_and_message(
    data_node: trading_data_pb2_grpc.TradingDataServiceStub,
) -> None:
    with pytest.raises(grpc.RpcError) as missing:
        data_node.GetMarket(td.GetMarketRequest(market_id="nope"), timeout=CALL_SECONDS)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    assert "nope" in missing.value.details()
    with pytest.raises(grpc.RpcError) as unserved:
        data_node.ListERC20MultiSigSignerAddedBundles(
            td.ListERC20MultiSigSignerAddedBundlesRequest(), timeout=CALL_SECONDS
        )
    assert unserved.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert "ListERC20MultiSigSignerAddedBundles" in unserved.value.details()


def test_event_bus_streams_each_block_live(
    data_node: trading_data_pb2_grpc.TradingDataServiceStub,
) -> None:
    request = td.ObserveEventBusRequest(type=[events_pb2.BUS_EVENT_TYPE_TIME_UPDATE])
    stream = data_node.ObserveEventBus(iter([request]), timeout=CALL_SECONDS)
    seen: list[int] = []
    for response in stream:
        seen.extend(event.time_update.timestamp for event in response.events)
        if len(seen) >= 2:
            break
    stream.cancel()
    assert seen[1] > seen[0]  # two blocks, each delivered when it happened
    assert abs(seen[-1] / 1e9 - time.time()) < 2.5


def _rpc(network: LocalNetworkProcess, body: dict, token: str | None) -> requests.Response:
    headers = {"Origin": "tests"}
    if token is not None:
        headers["Authorization"] = f"VWT {token}"
    return requests.post(
        f"{network.wallet_url}/api/v2/requests", json=body, headers=headers, timeout=CALL_SECONDS
    )


def _token(network: LocalNetworkProcess) -> str:
    tokens = json.loads(network.tokens_path.read_text())
    return tokens[network.env["VEGA_USER_WALLET_NAME"]]


LIST_KEYS = {"jsonrpc": "2.0", "method": "client.list_keys", "id": "1"}


def test_wallet_lists_every_agent_key_for_its_token(local_network: LocalNetworkProcess) -> None:
    from devops.harness.agent_keys import all_key_names

    health = requests.get(f"{local_network.wallet_url}/api/v2/health", timeout=CALL_SECONDS)
    assert health.status_code == 200
    assert local_network.tokens_path.stat().st_mode & 0o777 == 0o600
    response = _rpc(local_network, LIST_KEYS, _token(local_network))
    assert response.status_code == 200
    keys = response.json()["result"]["keys"]
    assert sorted(key["name"] for key in keys) == sorted(all_key_names())
    assert all(len(key["publicKey"]) == 64 for key in keys)


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_wallet_refuses_a_missing_or_wrong_token(
    local_network: LocalNetworkProcess, token: str | None
) -> None:
    response = _rpc(local_network, LIST_KEYS, token)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == -32003
    assert "\n" not in error["data"] and error["data"]
    assert _token(local_network) not in response.text


def test_wallet_rejects_bad_transactions_in_one_line(local_network: LocalNetworkProcess) -> None:
    token = _token(local_network)
    keys = _rpc(local_network, LIST_KEYS, token).json()["result"]["keys"]
    send = {"jsonrpc": "2.0", "method": "client.send_transaction", "id": "2"}
    not_a_command = {
        "publicKey": keys[0]["publicKey"],
        "sendingMode": "TYPE_ASYNC",
        "transaction": {"noSuchCommand": {}},
    }
    bad = _rpc(local_network, {**send, "params": not_a_command}, token)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == -32602
    assert "\n" not in bad.json()["error"]["data"]
    stranger = {**not_a_command, "publicKey": "ab" * 32, "transaction": {"orderCancellation": {}}}
    refused = _rpc(local_network, {**send, "params": stranger}, token)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == 2000
    unknown = _rpc(local_network, {"jsonrpc": "2.0", "method": "client.nope", "id": "3"}, token)
    assert unknown.json()["error"]["code"] == -32601


def test_wallet_signs_and_sends_a_transaction(local_network: LocalNetworkProcess) -> None:
    token = _token(local_network)
    keys = _rpc(local_network, LIST_KEYS, token).json()["result"]["keys"]
    public_key = next(k["publicKey"] for k in keys if k["name"] == "sensitive_trader_c")
    chain = _rpc(
        local_network, {"jsonrpc": "2.0", "method": "client.get_chain_id", "id": "c"}, None
    )
    chain_id = chain.json()["result"]["chainID"]
    params = {
        "publicKey": public_key,
        "sendingMode": "TYPE_ASYNC",
        "transaction": {"orderCancellation": {}},  # cancels nothing it does not own
    }
    sent = _rpc(
        local_network,
        {"jsonrpc": "2.0", "method": "client.send_transaction", "id": "s", "params": params},
        token,
    )
    assert sent.status_code == 200
    result = sent.json()["result"]
    assert set(result) == {"receivedAt", "sentAt", "transactionHash", "transaction"}
    transaction = result["transaction"]
    input_data = base64.b64decode(transaction["inputData"])
    assert transaction["pubKey"] == public_key
    assert transaction["signature"]["algo"] == "vega/ed25519"
    VerifyKey(bytes.fromhex(public_key)).verify(
        chain_id.encode() + b"\x00" + input_data,
        bytes.fromhex(transaction["signature"]["value"]),
    )  # raises BadSignatureError when the wallet signed anything else
    sent_data = transaction_pb2.InputData.FromString(input_data)
    assert sent_data.WhichOneof("command") == "order_cancellation"
