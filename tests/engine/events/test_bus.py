"""The event bus: routing by type, subscription order, sequence numbers."""

from devops.engine.events.bus import Event, EventBus, EventRecorder, EventType


def test_routes_follow_types_and_subscription_order() -> None:
    bus = EventBus()
    seen: list[tuple[str, int]] = []
    bus.subscribe(lambda e: seen.append(("all", e.sequence)))
    bus.subscribe(lambda e: seen.append(("trades", e.sequence)), (EventType.TRADE,))
    bus.publish(EventType.ORDER, "o")
    bus.publish(EventType.TRADE, "t")
    assert seen == [("all", 0), ("all", 1), ("trades", 1)]
    assert bus.published == 2


def test_unlistened_events_still_count_and_unsubscribe_stops_delivery() -> None:
    bus = EventBus()
    bus.publish(EventType.ORDER, "before anyone listens")
    recorder = EventRecorder(bus, (EventType.TRADE,))
    bus.publish(EventType.ORDER, "nobody wants it")
    bus.publish(EventType.TRADE, "t")
    assert recorder.events == [Event(EventType.TRADE, "t", 0, 2)]
    seen: list[Event] = []
    bus.subscribe(seen.append)
    bus.unsubscribe(bus._subscribers[-1][1])
    bus.publish(EventType.TRADE, "t2")
    assert seen == [] and len(recorder.events) == 2 and bus.published == 4


def test_a_subscriber_added_while_an_event_is_delivered_receives_it() -> None:
    bus = EventBus()
    late: list[object] = []

    def first(event: Event) -> None:
        if not late:
            bus.subscribe(late.append, (EventType.ORDER,))

    bus.subscribe(first)
    bus.publish(EventType.ORDER, "o")
    bus.publish(EventType.TRADE, "t")
    assert [e.payload for e in late if isinstance(e, Event)] == ["o"]


def test_event_types_hash_by_identity_and_stay_usable_as_keys() -> None:
    table = {t: t.value for t in EventType}
    assert table[EventType.TRADE] == "TRADE"
    assert EventType("TRADE") is EventType.TRADE
