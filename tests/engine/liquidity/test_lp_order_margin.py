"""An LP's order margin may lean on its bond, at a penalty (0019-MCAL with 0044-LIME)."""

from decimal import Decimal

from devops.engine.commands import (
    LiquidityOrder,
    LiquidityProvisionSubmission,
    OrderSubmission,
)
from devops.engine.events.bus import Event, EventType
from devops.engine.execution.engine import ExecutionEngine
from devops.engine.types import (
    AccountType,
    FeeFactors,
    MarketConfig,
    OrderStatus,
    PeggedReference,
    Side,
    SimpleRiskModel,
    TimeInForce,
    TransferType,
)

MARKET = "M"


def _continuous_market() -> ExecutionEngine:
    """A market out of its opening auction at 100, with "lp" committed 1,000 of its 2,000."""
    engine = ExecutionEngine()
    engine.netparams.update("market.auction.minimumDuration", "1s")
    engine.netparams.update("market.liquidity.bondPenaltyParameter", "0.1")
    engine.enable_asset("USD", 0)
    engine.submit_market(
        MarketConfig(
            id=MARKET,
            asset="USD",
            risk_model=SimpleRiskModel(Decimal("0.1"), Decimal("0.1")),
            fees=FeeFactors(Decimal(0), Decimal(0), Decimal(0)),
            opening_auction_duration=1,
        )
    )
    engine.start_opening_auction(MARKET)
    for party in ("buyer", "seller"):
        engine.collateral.deposit(party, "USD", 10**9)
    for party, side, price in [
        ("buyer", Side.BUY, 90),
        ("buyer", Side.BUY, 100),
        ("seller", Side.SELL, 100),
        ("seller", Side.SELL, 110),
    ]:
        engine.submit_order(OrderSubmission(MARKET, side, 1, TimeInForce.GTC, price=price), party)
    engine.collateral.deposit("lp", "USD", 2_000)
    buys = (LiquidityOrder(PeggedReference.BEST_BID, 1, 1),)
    sells = (LiquidityOrder(PeggedReference.BEST_ASK, 1, 1),)
    submission = LiquidityProvisionSubmission(MARKET, 1_000, Decimal("0.01"), buys, sells)
    assert engine.submit_liquidity_provision(submission, "lp") is None
    auction_end = engine.markets[MARKET].auction.end
    engine.on_tick(engine.now + 2 * (auction_end - engine.now))
    assert not engine.markets[MARKET].auction.in_auction
    return engine


def _balances(engine: ExecutionEngine, party: str) -> tuple[int, int, int]:
    collateral = engine.collateral
    return (
        collateral.balance(party, "USD", "", AccountType.GENERAL),
        collateral.balance(party, "USD", MARKET, AccountType.MARGIN),
        collateral.balance(party, "USD", MARKET, AccountType.BOND),
    )


def test_order_margin_beyond_the_general_account_comes_from_the_bond_with_a_penalty() -> None:
    engine = _continuous_market()
    general, _, bond = _balances(engine, "lp")
    moves: list[tuple[TransferType, int]] = []

    def record(event: Event) -> None:
        for entry in event.payload.entries:
            if entry.type in (TransferType.MARGIN_LOW, TransferType.BOND_SLASHING):
                moves.append((entry.type, entry.amount))

    engine.bus.subscribe(record, {EventType.LEDGER_MOVEMENTS})
    order = OrderSubmission(MARKET, Side.SELL, 130, TimeInForce.GTC, price=120)
    confirmation = engine.submit_order(order, "lp")

    assert confirmation.order.status == OrderStatus.ACTIVE
    topped_up = sum(amount for kind, amount in moves if kind == TransferType.MARGIN_LOW)
    slashed = sum(amount for kind, amount in moves if kind == TransferType.BOND_SLASHING)
    assert general < topped_up <= general + bond  # only the bond makes the order affordable
    assert slashed == (topped_up - general) // 10 > 0
    assert _balances(engine, "lp")[2] == bond - (topped_up - general) - slashed
