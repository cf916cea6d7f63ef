"""Report folders: the run's files round-trip exactly, repeat byte for byte, and the page stands alone."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from devops.harness.invariants import check_all, results_to_json
from devops.harness.records import PartyState, RunRecord, StepState
from devops.harness.reports import (
    HTML_FILE,
    INVARIANTS_FILE,
    RUN_FILE,
    STATES_FILE,
    TABLE_FILE,
    load_record,
    report_folder,
    write_report,
)
from devops.harness.thresholds import ScenarioExpectations

MAKER = "market_maker"
FILES = (RUN_FILE, STATES_FILE, TABLE_FILE, INVARIANTS_FILE, HTML_FILE)


def build(steps: int = 30, error: str | None = None) -> RunRecord:
    """A small run with auctions, a maker excursion, close-outs and awkward floats."""
    states = []
    for step in range(steps):
        mode = "TRADING_MODE_OPENING_AUCTION" if step < 3 else "TRADING_MODE_CONTINUOUS"
        if 10 <= step < 13:
            mode = "TRADING_MODE_MONITORING_AUCTION"
        parties = [PartyState(MAKER, step % 7 * 2.5 - 5, 12.5, 1000.0)]
        if step >= 5:  # a party that joins late leaves empty cells before
            parties.append(PartyState("trader_a", 1, 0.1 + 0.2, 99.25))
        states.append(
            StepState(
                step=step,
                vega_time=1_700_000_000_000_000_000 + step * 60_000_000_000,
                trading_mode=mode,
                mark_price=1234.5 + step / 3,
                external_price=1234.0 + step / 7,
                best_bid=1234.0,
                best_ask=1235.0,
                maker_position=step % 7 * 2.5 - 5,
                parties=tuple(parties),
                close_outs=("trader_a",) if step in (8, 20) else (),
                total_balance=10**18 + 7,
                net_deposits=10**18 + 7,
                agent_errors=("trader_a: ValueError: <bad> & worse",) if step == 4 else (),
            )
        )
    return RunRecord(
        scenario="ETHUSD",
        seed=3,
        steps_requested=30,
        step_length_seconds=60,
        backend="embedded",
        maker_name=MAKER,
        maker_lower_boundary=-10.0,
        maker_upper_boundary=10.0,
        states=tuple(states),
        error=error,
    )


def write(record: RunRecord, folder: Path) -> Path:
    return write_report(record, check_all(record, ScenarioExpectations()), folder)


def test_report_folder_is_named_by_scenario_seed_and_backend(tmp_path: Path) -> None:
    assert report_folder(tmp_path, "ETHUSD", 7, "embedded") == tmp_path / "ETHUSD-seed7-embedded"


def test_write_report_creates_the_folder_and_every_file(tmp_path: Path) -> None:
    folder = tmp_path / "nested" / "run"
    page = write(build(), folder)
    assert page == folder / HTML_FILE
    for name in FILES:
        assert (folder / name).is_file(), name


def test_the_record_round_trips_exactly(tmp_path: Path) -> None:
    record = build()
    write(record, tmp_path)
    loaded = load_record(tmp_path)
    assert loaded == record
    party = loaded.states[6].parties[1]
    assert party.margin == 0.1 + 0.2 and isinstance(party.position, float)
    assert loaded.states[0].total_balance == 10**18 + 7


def test_a_failed_run_round_trips_with_its_error(tmp_path: Path) -> None:
    record = build(4, error="step 4: RuntimeError: stopped")
    write(record, tmp_path)
    assert load_record(tmp_path) == record
    assert json.loads((tmp_path / RUN_FILE).read_text())["error"] == record.error


def test_invariants_recheck_from_saved_files(tmp_path: Path) -> None:
    record = build()
    write(record, tmp_path)
    expect = ScenarioExpectations()
    assert check_all(load_record(tmp_path), expect) == check_all(record, expect)
    saved = (tmp_path / INVARIANTS_FILE).read_text()
    assert saved == results_to_json(check_all(record, expect))


def test_two_writes_of_one_record_are_byte_identical(tmp_path: Path) -> None:
    write(build(), tmp_path / "a")
    write(build(), tmp_path / "b")
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_states_jsonl_is_one_compact_sorted_object_a_step(tmp_path: Path) -> None:
    write(build(), tmp_path)
    lines = (tmp_path / STATES_FILE).read_text().splitlines()
    assert len(lines) == 30
    first = json.loads(lines[0])
    assert list(first) == sorted(first)
    assert lines[0] == json.dumps(first, sort_keys=True, separators=(",", ":"))
    # a float field written from an int is still written as a float
    assert '"position":1.0' in lines[5] and '"margin":0.30000000000000004' in lines[5]


def test_run_json_is_the_header_without_states(tmp_path: Path) -> None:
    write(build(), tmp_path)
    header = json.loads((tmp_path / RUN_FILE).read_text())
    assert "states" not in header
    assert header["scenario"] == "ETHUSD" and header["maker_lower_boundary"] == -10.0


def test_states_csv_is_a_flat_table_with_party_columns(tmp_path: Path) -> None:
    write(build(), tmp_path)
    rows = list(csv.DictReader((tmp_path / TABLE_FILE).open()))
    assert len(rows) == 30
    assert list(rows[0]) == [
        "step",
        "vega_time",
        "trading_mode",
        "mark_price",
        "external_price",
        "best_bid",
        "best_ask",
        "maker_position",
        "market_maker_position",
        "market_maker_margin",
        "trader_a_position",
        "trader_a_margin",
    ]
    assert rows[0]["trader_a_position"] == "" and rows[5]["trader_a_position"] == "1.0"
    assert rows[10]["trading_mode"] == "TRADING_MODE_MONITORING_AUCTION"
    assert float(rows[2]["mark_price"]) == 1234.5 + 2 / 3


def test_the_page_leads_with_the_invariant_table(tmp_path: Path) -> None:
    record = build()
    results = check_all(record, ScenarioExpectations())
    page = write(record, tmp_path).read_text()
    table = page[page.index('<table id="invariants">') : page.index("</table>")]
    assert page.index('<table id="invariants">') < page.index("<script")
    for result in results:
        assert f"<td>{result.name}</td>" in table
    failed = [r for r in results if not r.passed]
    assert [r.name for r in failed] == [
        "no_agent_errors",
        "monitoring_auction_fraction",
        "party_closeouts",
    ]
    assert table.count('<tr class="fail">') == 3
    # messages are escaped, not markup
    assert "&lt;bad&gt; &amp; worse" in table and "<bad>" not in page


def test_the_page_is_self_contained(tmp_path: Path) -> None:
    page = write(build(), tmp_path).read_text()
    assert not re.search(r"<script[^>]*\bsrc=", page)
    assert not re.search(r"<link[^>]*\bhref=", page)
    assert page.count("<script") >= 4  # plotly inlined, then one script per plot
    for div in ("mark-price", "maker-position", "close-outs"):
        assert f'id="{div}"' in page
    assert "Plotly.newPlot" in page


def test_the_page_shows_an_early_stop(tmp_path: Path) -> None:
    page = write(build(4, error="step 4: RuntimeError: stopped"), tmp_path).read_text()
    assert "The run stopped early: step 4: RuntimeError: stopped" in page
