"""Transfers (spec 0057-TRAN) through vega-sim's own methods on the embedded service.

Expected figures follow Vega's rules with vega-sim's genesis parameters: a fee of
`transfer.fee.factor` = 0.001 of the amount (rounded down) to the infrastructure-fee
account, a minimum of `transfer.minTransferQuantumMultiple` = 100 times the asset's
quantum (1 unit here), five-minute epochs.
"""

from __future__ import annotations

import pytest
import vega_sim.proto.vega as vega_protos
from vega_sim.api import data_raw
from vega_sim.proto.vega.events.v1 import events_pb2

from devops.embedded import EmbeddedVegaService
from devops.embedded.demo import start_trading

ADP = 5
GENERAL = vega_protos.vega.ACCOUNT_TYPE_GENERAL
FROM, TO = 1, 2  # TransferDirection: TRANSFER_FROM, TRANSFER_TO
Status = events_pb2.Transfer.Status


def general(service: EmbeddedVegaService, key: str, market: tuple[str, str]) -> float:
    asset, market_id = market
    return service.party_account(key, asset, market_id).general


def balances(service: EmbeddedVegaService) -> dict[str, int]:
    return {k: a.balance for k, a in service.node.engine.collateral.accounts.items()}


def raw_transfers(service: EmbeddedVegaService, key: str | None = None) -> list:
    party = service.wallet.public_key(key) if key else None
    return data_raw.list_transfers(data_client=service.trading_data_client_v2, party_id=party)


def next_epoch(service: EmbeddedVegaService) -> int:
    """Move block by block until a new epoch starts; its sequence number."""
    start = service.statistics().epoch_seq
    while service.statistics().epoch_seq == start:
        service.wait_fn(1)
    return service.statistics().epoch_seq


def infrastructure_fees(service: EmbeddedVegaService, asset: str) -> int:
    return service.node.engine.collateral.balance("*", asset, "", 5)


def test_one_off_transfer_pays_amount_and_fee(service, market) -> None:
    asset, _ = market
    service.one_off_transfer("buyer", "seller", GENERAL, GENERAL, asset, 500)
    service.wait_fn(1)
    assert general(service, "buyer", market) == pytest.approx(100_000 - 500 - 0.5)
    assert general(service, "seller", market) == pytest.approx(100_500)
    assert infrastructure_fees(service, asset) == 50_000  # 0.5 in 5-decimal units
    (transfer,) = service.list_transfers()
    assert (transfer.amount, transfer.status) == (500, Status.STATUS_DONE)
    buyer = service.wallet.public_key("buyer")
    assert transfer.party_from == buyer
    assert len(data_raw.list_transfers(service.trading_data_client_v2, buyer, FROM)) == 1
    assert data_raw.list_transfers(service.trading_data_client_v2, buyer, TO) == []


def test_delayed_one_off_transfer_waits_in_the_pending_account(service, market) -> None:
    asset, _ = market
    service.one_off_transfer(
        "buyer", "seller", GENERAL, GENERAL, asset, 1_000, delay=60 * 1_000_000_000
    )
    service.wait_fn(1)
    assert general(service, "buyer", market) == pytest.approx(100_000 - 1_000 - 1)
    assert general(service, "seller", market) == pytest.approx(100_000)
    pending = service.node.engine.collateral.balance("*", asset, "", 13)
    assert pending == 1_000 * 10**ADP
    (transfer,) = raw_transfers(service)
    assert transfer.status == Status.STATUS_PENDING
    service.forward("61s")
    assert general(service, "seller", market) == pytest.approx(101_000)
    assert raw_transfers(service)[0].status == Status.STATUS_DONE


def test_recurring_transfer_runs_each_epoch_until_cancelled(service, market) -> None:
    asset, _ = market
    epoch = service.statistics().epoch_seq
    service.recurring_transfer(
        "buyer",
        GENERAL,
        GENERAL,
        asset,
        100,
        to_key_name="seller",
        start_epoch=epoch + 1,
        end_epoch=epoch + 2,
        factor=0.5,
    )
    service.wait_fn(1)
    (transfer,) = raw_transfers(service)
    assert transfer.status == Status.STATUS_PENDING
    for _ in range(3):  # epochs epoch+1 and epoch+2 end: 100, then 100 * 0.5
        next_epoch(service)
    assert general(service, "seller", market) == pytest.approx(100_000 + 100 + 50)
    next_epoch(service)  # and nothing more
    assert general(service, "seller", market) == pytest.approx(100_000 + 100 + 50)
    assert general(service, "buyer", market) == pytest.approx(100_000 - 150 - 0.15)
    assert raw_transfers(service)[0].status == Status.STATUS_DONE  # past its end epoch


def test_cancelled_recurring_transfer_moves_nothing(service, market) -> None:
    asset, _ = market
    epoch = service.statistics().epoch_seq
    service.recurring_transfer(
        "buyer", GENERAL, GENERAL, asset, 100, to_key_name="seller", start_epoch=epoch + 1
    )
    service.wait_fn(1)
    (transfer,) = raw_transfers(service)
    cancel = vega_protos.commands.v1.commands.CancelTransfer(transfer_id=transfer.id)
    service.wallet.submit_transaction(cancel, "seller", "cancel_transfer")
    service.wait_fn(1)
    assert service.node.results[-1].error == "cannot cancel other parties recurring transfers"
    service.wallet.submit_transaction(cancel, "buyer", "cancel_transfer")
    service.wait_fn(1)
    assert raw_transfers(service)[0].status == Status.STATUS_CANCELLED
    for _ in range(3):
        next_epoch(service)
    assert general(service, "seller", market) == pytest.approx(100_000)
    assert general(service, "buyer", market) == pytest.approx(100_000)


@pytest.mark.parametrize(
    ("amount", "to_account", "reason"),
    [
        (100_001, GENERAL, "could not pay the fee for transfer: not enough funds to transfer"),
        (100_000, GENERAL, "could not pay the fee for transfer: not enough funds to transfer"),
        (10, vega_protos.vega.ACCOUNT_TYPE_MARGIN, "unsupported to account type"),
        (
            0.0009,
            GENERAL,
            "could not transfer funds, less than minimal amount requested to transfer",
        ),
    ],
)
def test_refused_transfer_changes_nothing(service, market, amount, to_account, reason) -> None:
    asset, _ = market
    before = balances(service)
    service.one_off_transfer("buyer", "seller", GENERAL, to_account, asset, amount)
    service.wait_fn(1)
    (transfer,) = raw_transfers(service)
    assert (transfer.status, transfer.reason) == (Status.STATUS_REJECTED, reason)
    assert service.node.results[-1].error == reason
    assert balances(service) == before
    assert service.list_transfers() == []  # vega-sim leaves rejected transfers out


def test_transfers_per_epoch_are_limited(service, market) -> None:
    asset, _ = market
    limit = int(service.get_network_parameter("spam.protection.maxUserTransfersPerEpoch"))
    for _ in range(limit + 1):
        service.one_off_transfer("buyer", "seller", GENERAL, GENERAL, asset, 1)
    service.wait_fn(1)
    errors = [r.error for r in service.node.results if r.kind == "transfer"]
    assert errors[:limit] == [None] * limit
    assert errors[limit] == (
        "party has already submitted the maximum number of transfer requests per epoch"
    )
    assert general(service, "seller", market) == pytest.approx(100_000 + limit)


def test_market_creation_reward_pays_the_proposer_once(service, market) -> None:
    """Spec 0056-REWA: a market whose traded value passes quantum (1 unit) x
    `rewards.marketCreationQuantumMultiple` (5e7 units = 500) earns its proposer the
    funder's transfer once; later epochs find no eligible market and move nothing."""
    asset, market_id = market
    start_trading(service, market_id)  # 2 at 1000 trade: a value of 2000
    proposer_before = general(service, "proposer", market)
    epoch = service.statistics().epoch_seq
    service.recurring_transfer(
        "buyer",
        GENERAL,
        vega_protos.vega.ACCOUNT_TYPE_REWARD_MARKET_PROPOSERS,
        asset,
        100,
        start_epoch=epoch + 1,
        asset_for_metric=asset,
        metric=vega_protos.vega.DISPATCH_METRIC_MARKET_VALUE,
    )
    service.wait_fn(1)
    buyer_before = general(service, "buyer", market)
    for _ in range(4):
        next_epoch(service)
    assert general(service, "proposer", market) == pytest.approx(proposer_before + 100)
    assert general(service, "buyer", market) == pytest.approx(buyer_before - 100 - 0.1)
    (transfer,) = raw_transfers(service)
    assert transfer.status == Status.STATUS_PENDING  # it goes on, finding nothing to pay
