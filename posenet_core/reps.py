"""Counting repetitions (squats, push-ups, curls...) from one joint angle over time.

Two thresholds with hysteresis: a repetition starts when the angle drops below ``down_below``
(the bend) after having been above ``up_above`` (straight), and it is finished when the angle
is back above ``up_above``. Noise around one threshold cannot count twice: between the two
nothing changes. The count goes up at the bottom, when the bend is reached, as a person counts
aloud; ``finished`` says how many have also come back up, so a video that ends in the middle
of a repetition counts it, and says that it is unfinished.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

WAITING, UP, DOWN = "waiting", "up", "down"  # WAITING: not yet seen straight (above up_above)


@dataclass(frozen=True)
class RepRule:
    """Which angle (a joint of ``angles.JOINTS``) and the two thresholds in degrees."""

    joint: str = "leftKnee"
    down_below: float = 100.0
    up_above: float = 160.0

    def __post_init__(self):
        if not (
            math.isfinite(self.down_below) and math.isfinite(self.up_above) and 0 <= self.down_below < self.up_above
        ):
            raise ValueError(
                f"the bend threshold must be below the straight one (degrees, 0 to 180); "
                f"got down below {self.down_below} and up above {self.up_above}"
            )


class RepCounter:
    """Feed it one angle per frame (``None`` where the angle is not known: nothing changes)."""

    def __init__(self, rule: RepRule = RepRule()):
        self.rule = rule
        self.phase = WAITING
        self.count = 0  # repetitions that reached the bend
        self.finished = 0  # ... and came back up

    def update(self, angle: float | None) -> int:
        """Returns the count so far."""
        if angle is None or not math.isfinite(angle):
            return self.count
        if angle > self.rule.up_above:
            if self.phase == DOWN:
                self.finished += 1
            self.phase = UP
        elif angle < self.rule.down_below and self.phase == UP:
            self.phase = DOWN
            self.count += 1
        return self.count

    @property
    def unfinished(self) -> int:
        """1 while a repetition has reached the bend and not yet come back up, else 0."""
        return self.count - self.finished

    def summary(self) -> dict:
        """The count for an export: the rule, ``count``, ``finished``, ``unfinished`` and the rule in words."""
        return {
            "joint": self.rule.joint,
            "down_below": self.rule.down_below,
            "up_above": self.rule.up_above,
            "count": self.count,
            "finished": self.finished,
            "unfinished": self.unfinished,
            "rule": RULE_WORDS,
        }

    def words(self) -> str:
        """The count in plain words, e.g. "3 (the last has not come back up yet)"."""
        text = f"{self.count}"
        if self.unfinished:
            text += " (the last has not come back up yet)"
        return text


RULE_WORDS = (
    "a repetition counts when the angle drops below the bend threshold after being above the straight one; "
    "it is finished when the angle is back above the straight threshold"
)


def count_repetitions(angles: Iterable[float | None], rule: RepRule = RepRule()) -> RepCounter:
    """A counter fed a whole trace (one angle per frame, None where unknown)."""
    counter = RepCounter(rule)
    for angle in angles:
        counter.update(angle)
    return counter
