"""The Vega wallet's HTTP API v2 for the local network's one wallet.

`GET /api/v2/health` and `POST /api/v2/requests` (JSON-RPC 2.0), answering as
the Vega wallet service does (v0.72): `client.list_keys`,
`client.send_transaction` and `client.get_chain_id`, with the same error codes
and HTTP statuses: a missing or unknown `Authorization: VWT <token>` is HTTP 401
with error -32003, bad params are 400 with -32602, a key outside the wallet is
400 with 2000. Every request is approved at once, as `--automatic-consent` does.
A sent transaction is signed with the key's Ed25519 key, as the wallet does,
and queued for the next block.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import itertools
import json
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from google.protobuf.json_format import MessageToDict, ParseDict, ParseError
from vega_sim.proto.vega.commands.v1 import signature_pb2, transaction_pb2
from vega_sim.proto.vega.wallet.v1 import wallet_pb2

from devops.embedded.codec.transactions import Transaction
from devops.harness.local_ports import HOST
from devops.localnet.chain import LocalChain

AUTHENTICATION_FAILURE = -32003
HOSTNAME_RESOLUTION_FAILURE = -32002
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
REQUEST_NOT_PERMITTED = 2000
SENDING_MODES = ("TYPE_ASYNC", "TYPE_SYNC", "TYPE_COMMIT")
_AUTHENTICATED = ("client.list_keys", "client.send_transaction")


class RpcError(Exception):
    """A JSON-RPC error as the Vega wallet reports it: code, message, data."""

    def __init__(self, code: int, message: str, data: str, status: int = 400) -> None:
        super().__init__(data)
        self.code = code
        self.message = message
        self.data = data
        self.status = status

    def details(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "data": self.data}


def _server_error(code: int, data: str, status: int = 400) -> RpcError:
    return RpcError(code, "Server error", data, status)


def _invalid_params(data: str) -> RpcError:
    return RpcError(INVALID_PARAMS, "Invalid params", data)


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat().replace("+00:00", "Z")


class WalletService:
    """The JSON-RPC methods, on the chain's wallet; `handle` answers one HTTP body."""

    def __init__(self, chain: LocalChain, token: str) -> None:
        self._chain = chain
        self._token = token
        self._keys = chain.public_keys()  # name -> public key, in creation order
        with chain.lock:
            self._chain_id = chain.service.core_client.Statistics().statistics.chain_id
        self._nonces = itertools.count(1)

    def handle(self, headers: Mapping[str, str], body: bytes) -> tuple[int, dict[str, Any] | None]:
        """The HTTP status and JSON-RPC response (None for a notification) for `body`.

        `headers` are keyed by lower-case name.
        """
        try:
            request = json.loads(body) if body else None
        except ValueError as error:
            return 400, _response("", error=RpcError(PARSE_ERROR, "Parse error", str(error)))
        if request is None:
            blank = RpcError(PARSE_ERROR, "Parse error", "the request can't be blank")
            return 400, _response("", error=blank)
        if not isinstance(request, dict) or not isinstance(request.get("id", ""), str):
            shape = "the request must be a JSON object whose id is a string"
            return 400, _response("", error=RpcError(INVALID_REQUEST, "Invalid Request", shape))
        request_id = request.get("id", "")
        try:
            result = self._dispatch(headers, request)
        except RpcError as error:
            status, response = error.status, _response(request_id, error=error)
        else:
            status, response = 200, _response(request_id, result=result)
        if not request_id:  # a notification: no content, even on error
            return 204, None
        return status, response

    def _dispatch(self, headers: Mapping[str, str], request: dict[str, Any]) -> Any:
        if request.get("jsonrpc") != "2.0":
            raise RpcError(INVALID_REQUEST, "Invalid Request", "the API only supports JSON-RPC 2.0")
        method = request.get("method")
        if not method or not isinstance(method, str):
            raise RpcError(INVALID_REQUEST, "Invalid Request", "the method is required")
        if method.startswith("admin."):
            raise RpcError(
                METHOD_NOT_FOUND,
                "Method not found",
                "administrative endpoints are not exposed, for security reasons",
            )
        if method == "client.get_chain_id":
            return {"chainID": self._chain_id}
        if method not in _AUTHENTICATED:
            raise RpcError(
                METHOD_NOT_FOUND, "Method not found", f"method {method!r} is not supported"
            )
        if not (headers.get("origin") or headers.get("referer")):
            raise _server_error(HOSTNAME_RESOLUTION_FAILURE, "the Origin header is required")
        self._authenticate(headers.get("authorization", ""))
        if method == "client.list_keys":
            return {"keys": [{"name": n, "publicKey": k} for n, k in self._keys.items()]}
        return self._send_transaction(request.get("params"))

    def _authenticate(self, authorization: str) -> None:
        if not authorization:
            failure = "the Authorization header is required"
        elif not authorization.startswith("VWT "):
            failure = "the Authorization header only support the VWT scheme"
        elif not hmac.compare_digest(authorization[4:].strip().encode(), self._token.encode()):
            failure = "there is no connection associated to this authentication token"
        else:
            return
        raise _server_error(AUTHENTICATION_FAILURE, failure, status=401)

    def _send_transaction(self, params: Any) -> dict[str, Any]:
        received_at = _now()
        if params is None:
            raise _invalid_params("the params are required")
        if not isinstance(params, dict):
            raise _invalid_params("the params do not match expected ones")
        public_key = params.get("publicKey")
        if not public_key:
            raise _invalid_params("the public key is required")
        mode = params.get("sendingMode")
        if not mode:
            raise _invalid_params("the sending mode is required")
        if mode not in SENDING_MODES:
            raise _invalid_params(f"the sending mode {mode!r} is not a valid one")
        if params.get("transaction") is None:
            raise _invalid_params("the transaction is required")
        kind, command = _command(params["transaction"])
        names = {key: name for name, key in self._keys.items()}
        if public_key not in names:
            raise RpcError(
                REQUEST_NOT_PERMITTED,
                "Application error",
                "this public key is not allowed to be used",
            )
        with self._chain.lock:
            node = self._chain.node
            signed = self._signed(names[public_key], public_key, kind, command, node.height)
            node.submit(Transaction(public_key, kind, command))
        return {
            "receivedAt": received_at,
            "sentAt": _now(),
            "transactionHash": hashlib.sha256(signed.SerializeToString()).hexdigest().upper(),
            "transaction": MessageToDict(signed),
        }

    def _signed(
        self, key_name: str, public_key: str, kind: str, command: Any, height: int
    ) -> transaction_pb2.Transaction:
        """The transaction as the wallet sends it: input data signed for this chain."""
        data = transaction_pb2.InputData(nonce=next(self._nonces), block_height=height)
        getattr(data, kind).CopyFrom(command)
        input_data = data.SerializeToString()
        signing_key = self._chain.service.wallet.signing_key(
            key_name, wallet_name=self._chain.wallet_name
        )
        signature = signing_key.sign(self._chain_id.encode() + b"\x00" + input_data).signature
        return transaction_pb2.Transaction(
            input_data=input_data,
            signature=signature_pb2.Signature(
                value=signature.hex(), algo="vega/ed25519", version=1
            ),
            pub_key=public_key,
            version=transaction_pb2.TX_VERSION_V3,
        )


def _command(transaction: Any) -> tuple[str, Any]:
    """`{camelCaseCommand: fields}` back into the command's snake_case kind and message."""
    if not isinstance(transaction, dict):
        raise _invalid_params("the transaction does not use a valid Vega command: not an object")
    try:
        request = ParseDict(transaction, wallet_pb2.SubmitTransactionRequest())
    except ParseError as error:
        first_line = str(error).splitlines()[0] if str(error) else "cannot parse"
        raise _invalid_params(
            f"the transaction does not use a valid Vega command: {first_line}"
        ) from None
    kind = request.WhichOneof("command")
    if kind is None:
        raise _invalid_params("the transaction does not use a valid Vega command: no command")
    message = getattr(request, kind)
    command = type(message)()
    command.CopyFrom(message)
    return kind, command


def _response(
    request_id: str, *, result: Any = None, error: RpcError | None = None
) -> dict[str, Any]:
    response: dict[str, Any] = {"jsonrpc": "2.0"}
    if error is not None:
        response["error"] = error.details()
    else:
        response["result"] = result
    if request_id:
        response["id"] = request_id
    return response


class WalletServer(ThreadingHTTPServer):
    """The wallet's HTTP server on loopback; request threads never outlive a stop."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, service: WalletService) -> None:
        self.service = service
        super().__init__((HOST, port), _WalletRequestHandler)


class _WalletRequestHandler(BaseHTTPRequestHandler):
    server: WalletServer

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        if self.path.split("?")[0] != "/api/v2/health":
            self._reply(404, None)
            return
        self._reply(200, None)

    def do_POST(self) -> None:  # noqa: N802
        if self.path.split("?")[0] != "/api/v2/requests":
            self._reply(404, None)
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            bad = RpcError(PARSE_ERROR, "Parse error", "couldn't read the HTTP request body")
            self._reply(400, _response("", error=bad))
            return
        body = self.rfile.read(length)
        headers = {name.lower(): value for name, value in self.headers.items()}
        status, response = self.server.service.handle(headers, body)
        self._reply(status, response)

    def _reply(self, status: int, response: dict[str, Any] | None) -> None:
        payload = json.dumps(response).encode() if response is not None else b""
        self.send_response(status)
        if status == 401:
            self.send_header("WWW-Authenticate", "VWT")
        if payload:
            self.send_header("Content-Type", "application/json-rpc")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Quiet: the network prints what a user needs, not one line per request."""
