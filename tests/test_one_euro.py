"""The 1-euro filter: worked numbers, timing by timestamps, size normalisation, confidence, bad input."""

import math

import numpy as np
import pytest

from posenet_core import OneEuroFilter
from posenet_core.one_euro import smoothing_factor

FRAME = 1 / 30


def test_smoothing_factor_worked_number():
    # 1 Hz: tau = 1 / (2 pi) = 0.159155 s; at 30 fps alpha = 1 / (1 + 0.159155 * 30) = 0.173171.
    assert smoothing_factor(1.0, FRAME) == pytest.approx(0.173171, abs=1e-6)
    assert smoothing_factor(np.array([1.0, 10.0]), FRAME) == pytest.approx([0.173171, 0.676835], abs=1e-6)


def test_first_value_passes_through_and_a_constant_stays_constant():
    smoother = OneEuroFilter(min_cutoff=1.0, beta=5.0)
    value = np.array([[3.0, 4.0], [5.0, 6.0]])
    assert (smoother(value, 0.0) == value).all()
    for i in range(1, 10):
        assert smoother(value, i * FRAME) == pytest.approx(value)


def test_a_step_moves_by_alpha_when_beta_is_zero():
    smoother = OneEuroFilter(min_cutoff=1.0, beta=0.0)
    smoother(np.zeros(1), 0.0)
    assert smoother(np.full(1, 10.0), FRAME)[0] == pytest.approx(1.73171, abs=1e-4)
    # Next step: 1.73171 + 0.173171 * (10 - 1.73171) = 3.16353.
    assert smoother(np.full(1, 10.0), 2 * FRAME)[0] == pytest.approx(3.16353, abs=1e-4)


def test_beta_follows_fast_motion_sooner():
    def after_three_frames(beta: float) -> float:
        smoother = OneEuroFilter(min_cutoff=1.0, beta=beta)
        smoother(np.zeros(1), 0.0)
        return [smoother(np.full(1, 30.0), i * FRAME) for i in (1, 2, 3)][-1][0]

    assert after_three_frames(0.0) < 15 < 25 < after_three_frames(1.0)


def test_timed_by_timestamps_not_frame_counts():
    """The same step seen at 30 and at 60 fps is at the same place 0.2 s later."""

    def at_200_ms(fps: int) -> float:
        smoother = OneEuroFilter(min_cutoff=1.0, beta=0.0)
        smoother(np.zeros(1), 0.0)
        return [smoother(np.full(1, 10.0), i / fps) for i in range(1, round(0.2 * fps) + 1)][-1][0]

    # Remaining error: 10 * (tau / (tau + dt)) ** (0.2 / dt) = 3.195 at 30 fps, 3.027 at 60 fps.
    assert at_200_ms(30) == pytest.approx(10 - 3.195, abs=0.001)
    assert at_200_ms(60) == pytest.approx(10 - 3.027, abs=0.001)
    # Counting frames instead would have put the 60 fps run at 10 * (1 - 0.827 ** 12) = 8.98.


def test_speed_is_measured_in_scale_units_so_one_beta_suits_near_and_far():
    """A person half the size moving half as far is smoothed exactly alike, relative to their size."""
    rng = np.random.default_rng(1)
    path = np.cumsum(rng.normal(0, 5, (40, 17, 2)), axis=0)
    near, far = OneEuroFilter(min_cutoff=0.5, beta=40), OneEuroFilter(min_cutoff=0.5, beta=40)
    for i, value in enumerate(path):
        assert far(0.5 * value, i * FRAME, scale=150.0) == pytest.approx(0.5 * near(value, i * FRAME, scale=300.0))


def test_confidence_zero_holds_and_a_half_moves_half_a_step():
    smoother = OneEuroFilter(min_cutoff=1.0, beta=0.0)
    smoother(np.zeros(3), 0.0)
    moved = smoother(np.full(3, 10.0), FRAME, confidence=np.array([0.0, 0.5, 1.0]))
    assert moved == pytest.approx([0.0, 0.5 * 1.73171, 1.73171], abs=1e-4)
    # The held element is not dragged later either: its speed estimate did not move.
    assert smoother(np.zeros(3), 2 * FRAME, confidence=np.array([0.0, 1.0, 1.0]))[0] == 0.0


def test_reset_forgets_the_past():
    smoother = OneEuroFilter(min_cutoff=1.0, beta=0.0)
    smoother(np.zeros(2), 0.0)
    smoother.reset()
    assert not smoother.started
    assert (smoother(np.full(2, 7.0), 0.0) == 7.0).all()  # even at an earlier time


@pytest.mark.parametrize(
    "arguments, mentioned",
    [
        ({"min_cutoff": 0}, "min_cutoff"),
        ({"min_cutoff": math.nan}, "min_cutoff"),
        ({"derivative_cutoff": -1}, "derivative_cutoff"),
        ({"beta": -0.1}, "beta"),
    ],
)
def test_bad_settings_raise_a_value_error_naming_them(arguments, mentioned):
    with pytest.raises(ValueError, match=mentioned):
        OneEuroFilter(**arguments)


def test_bad_samples_raise_a_value_error():
    smoother = OneEuroFilter()
    smoother(np.zeros(2), 1.0)
    with pytest.raises(ValueError, match="timestamp must increase"):
        smoother(np.zeros(2), 1.0)
    with pytest.raises(ValueError, match="scale"):
        smoother(np.zeros(2), 2.0, scale=0)
    with pytest.raises(ValueError, match="shape"):
        smoother(np.zeros(3), 2.0)
