"""A date field says ÅÅÅÅ-MM-DD and reads only that (an outside probe saved a delegation from '2026-W49-1')."""
from datetime import date

import pytest

from beh_core.iso_dates import parse_date


def test_ett_datum_skrivet_åååå_mm_dd_läses():
    assert parse_date("2026-11-29") == date(2026, 11, 29)
    assert parse_date(" 2026-11-29 ") == date(2026, 11, 29)


@pytest.mark.parametrize("typed", ["2026-W49-1", "2026-W49", "20261129", "2026-1-5", "2026-02-30", "２０２６-１１-２９",
                                   "2026-11-29T10:00", "", None, "i morgon"])
def test_andra_former_läses_inte_som_datum(typed):
    assert parse_date(typed) is None


def test_senaste_startdatum_är_samma_dag_nästa_år():
    from beh_core.iso_dates import latest_start

    assert latest_start(date(2026, 11, 29)) == date(2027, 11, 29)
    assert latest_start(date(2027, 3, 1)) == date(2028, 3, 1)  # across a leap day: still the same day
    assert latest_start(date(2028, 2, 29)) == date(2029, 2, 28)
