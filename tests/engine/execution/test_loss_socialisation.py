"""0002-STTL loss socialisation as Vega's simpleDistributor rounds it."""

from __future__ import annotations

from devops.engine.events.bus import EventType
from devops.engine.settlement import MTMTransfer
from devops.engine.types import TransferType
from tests.engine.execution.test_close_out import MARKET, Market


def test_wins_scale_by_a_16_place_ratio_floored_and_the_last_win_takes_the_rest() -> None:
    market = Market().engine.markets[MARKET]
    events: list = []
    market.bus.subscribe(lambda e: events.append(e.payload), [EventType.LOSS_SOCIALIZATION])
    wins = [
        MTMTransfer(party, TransferType.MTM_WIN, amount)
        for party, amount in (("aux2", 80), ("party2", 8000), ("zero", 0))
    ]
    market._socialise(wins, 5080, 8080)
    # ratio 0.6287128712871287 gives 50 and 5029, one short of 5080; a zero win is no
    # request in Vega, so the last real win takes the rest and its loss shrinks by it
    assert [w.amount for w in wins] == [50, 5030, 0]
    assert [(e.party, e.amount) for e in events] == [("aux2", -30), ("party2", -2970)]
    assert sum(w.amount for w in wins) == 5080
