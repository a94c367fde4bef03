"""The stuck-or-gone timing table (studio/timing.py) acts in the order it is written in."""

from studio import timing


def test_the_rules_act_in_the_order_of_the_table():
    waits = [value for name, value in vars(timing).items() if name.endswith("_S")]
    assert len(waits) >= 9 and waits == sorted(waits)


def test_the_page_speaks_up_before_admission_gives_a_connecting_place_away():
    assert timing.STALLED_CONNECTING_S < timing.CONNECTING_PLACE_S
    assert timing.TURN_WAIT_S < timing.FROZEN_VIDEO_S  # a slow turn is never mistaken for a lost server
