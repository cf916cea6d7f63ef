"""The market's LP duties that need no order book: bonds, fee factor, fee payout (0042-LIQF)."""

from decimal import Decimal

from devops.engine.collateral import Collateral
from devops.engine.commands import LiquidityOrder, LiquidityProvisionSubmission
from devops.engine.events.bus import EventBus
from devops.engine.execution.market_liquidity import MarketLiquidity
from devops.engine.liquidity.provision import ProvisionStatus
from devops.engine.types import (
    AccountType,
    FeeFactors,
    MarketConfig,
    MarketState,
    PeggedReference,
    SimpleRiskModel,
    TransferType,
)


class Clock:
    now = 0


class _Ids:
    def __init__(self) -> None:
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"id{self.count}"


class _Host:
    """Just enough of a market for the mixin: accounts, state and no book (in auction)."""

    def __init__(self, config: MarketConfig, **kwargs: object) -> None:
        self.config = config
        self.bus = kwargs["bus"]
        self.collateral = kwargs["collateral"]
        self.clock = kwargs["clock"]
        self.netparams = kwargs["netparams"]
        self.asset = config.asset
        self.state = MarketState.PENDING
        self.fee_factors = FeeFactors()
        self.parties: dict[str, None] = {}
        self.orders: dict = {}
        self.ids = _Ids()
        self.target = 0
        self.updates = 0

        class Auction:
            in_auction = True

        class Book:
            best_static_bid: int | None = None
            best_static_ask: int | None = None

        self.auction = Auction()
        self.book = Book()

    can_trade = True

    def current_target_stake(self) -> int:
        return self.target

    def publish_market_update(self) -> None:
        self.updates += 1


class Market(MarketLiquidity, _Host):
    pass


def make_market() -> tuple[Market, Collateral]:
    bus = EventBus()
    clock = Clock()
    collateral = Collateral(bus, clock)
    collateral.enable_asset("USD", 0)
    collateral.create_market_accounts("M", "USD")
    config = MarketConfig("M", "USD", SimpleRiskModel(Decimal("0.1"), Decimal("0.1")))
    market = Market(config, bus=bus, collateral=collateral, clock=clock, netparams=object())
    return market, collateral


def commit(market: Market, party: str, amount: int, fee: str) -> str | None:
    shape = (LiquidityOrder(PeggedReference.BEST_BID, 1, 2),)
    sells = (LiquidityOrder(PeggedReference.BEST_ASK, 1, 2),)
    sub = LiquidityProvisionSubmission("M", amount, Decimal(fee), shape, sells)
    return market.submit_liquidity_provision(sub, party)


def test_commitment_moves_stake_into_the_bond_and_sets_the_fee() -> None:
    market, collateral = make_market()
    collateral.deposit("lp1", "USD", 100_000)
    market.target = 9000
    assert commit(market, "lp1", 5000, "0.001") is None
    assert collateral.balance("lp1", "USD", "M", AccountType.BOND) == 5000
    assert collateral.balance("lp1", "USD", "M", AccountType.GENERAL) == 95_000
    assert market.supplied_stake == 5000
    assert market.fee_factors.liquidity == Decimal("0.001")


def test_commitment_larger_than_the_general_account_is_refused() -> None:
    market, collateral = make_market()
    collateral.deposit("lp1", "USD", 100)
    assert commit(market, "lp1", 5000, "0.001") is not None
    assert collateral.balance("lp1", "USD", "M", AccountType.GENERAL) == 100
    assert market.supplied_stake == 0


def test_fees_are_split_by_equity_share_and_floored() -> None:
    # 0042-LIQF-002: two equal LPs share 40 of liquidity fees -> 20 each
    market, collateral = make_market()
    for party in ("lp1", "lp2"):
        collateral.deposit(party, "USD", 100_000)
    commit(market, "lp1", 5000, "0.001")
    commit(market, "lp2", 5000, "0.002")
    fees = collateral.get("M", "*", "USD", AccountType.FEES_LIQUIDITY)
    external = collateral.get("", "*", "USD", AccountType.EXTERNAL)
    external.balance += 41
    collateral.move([external], [fees], 41, TransferType.LIQUIDITY_FEE_PAY)
    # pending provisions are not ACTIVE: make them so, as a deployment would
    for provision in market.liquidity.provisions.values():
        provision.status = ProvisionStatus.ACTIVE
    market.distribute_liquidity_fees()
    assert collateral.balance("lp1", "USD", "M", AccountType.GENERAL) == 95_020
    assert collateral.balance("lp2", "USD", "M", AccountType.GENERAL) == 95_020
    assert fees.balance == 1  # the floored remainder waits for the next distribution


def test_bond_top_up_refills_from_general() -> None:
    market, collateral = make_market()
    collateral.deposit("lp1", "USD", 10_000)
    commit(market, "lp1", 5000, "0.001")
    bond = collateral.bond("lp1", "M", "USD")
    insurance = collateral.get("M", "*", "USD", AccountType.INSURANCE)
    collateral.move([bond], [insurance], 3000, TransferType.BOND_SLASHING)
    market.top_up_bonds()
    assert bond.balance == 5000
    assert collateral.balance("lp1", "USD", "M", AccountType.GENERAL) == 2000


def test_a_commitment_in_auction_stays_pending_only_without_a_static_bid_and_ask() -> None:
    # Vega's SubmitLiquidityProvision: with both static prices the LP range is known, no
    # order can be priced in auction, so none fails and the provision is no longer pending
    market, collateral = make_market()
    for party in ("lp1", "lp2"):
        collateral.deposit(party, "USD", 100_000)
    assert commit(market, "lp1", 5000, "0.001") is None
    assert market.liquidity.is_pending("lp1")
    market.book.best_static_bid, market.book.best_static_ask = 99, 101
    assert commit(market, "lp2", 5000, "0.001") is None
    assert not market.liquidity.is_pending("lp2")
    assert market.liquidity.is_pending("lp1")
