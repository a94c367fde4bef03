"""The 1-euro filter (Casiez, Roussel and Vogel, CHI 2012) on arrays, timed by timestamps, confidence-aware.

A low-pass filter whose cutoff frequency rises with the speed of the signal: a still value
is smoothed hard (jitter goes), a moving one is followed closely (little lag). Each element
of the array (e.g. each keypoint's x and y) is filtered on its own.
"""

from __future__ import annotations

import math

import numpy as np


def smoothing_factor(cutoff: float | np.ndarray, elapsed: float) -> float | np.ndarray:
    """How far an exponential low-pass filter moves towards a new sample ``elapsed`` seconds on.

    The discrete form of a first-order filter with time constant ``1 / (2 pi cutoff)``:
    ``alpha = 1 / (1 + tau / elapsed)``, so the same cutoff smooths alike at any frame rate.
    """
    rate = (2.0 * math.pi * elapsed) * cutoff  # elapsed / tau, in one array operation
    return rate / (1.0 + rate)


def _check_positive(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number; got {value}")
    return value


class OneEuroFilter:
    """Smooths an array of values over time; one instance per signal (e.g. one person's keypoints).

    Args:
        min_cutoff: cutoff frequency in Hz when the signal is still. Lower smooths more
            (and lags more when motion starts).
        beta: how much the cutoff rises with speed, in Hz per (scale unit per second).
            Higher follows fast motion with less lag.
        derivative_cutoff: cutoff in Hz of the speed estimate that drives the adaptive cutoff.

    Raises:
        ValueError: a cutoff that is not a positive number, or a negative ``beta``.
    """

    def __init__(self, *, min_cutoff: float = 1.0, beta: float = 0.0, derivative_cutoff: float = 1.0):
        self.min_cutoff = _check_positive("min_cutoff", min_cutoff)
        self.derivative_cutoff = _check_positive("derivative_cutoff", derivative_cutoff)
        beta = float(beta)
        if not math.isfinite(beta) or beta < 0:
            raise ValueError(f"beta must be a number >= 0; got {beta}")
        self.beta = beta
        self.reset()

    def reset(self) -> None:
        """Forget the past: the next value passes through unchanged."""
        self._value: np.ndarray | None = None
        self._speed: np.ndarray | None = None
        self._time = 0.0

    @property
    def started(self) -> bool:
        return self._value is not None

    def __call__(self, value, timestamp: float, *, scale: float = 1.0, confidence=None) -> np.ndarray:
        """Filter one sample.

        Args:
            value: the new sample, an array of any shape (the same shape every call).
            timestamp: its time in seconds; must increase from call to call.
            scale: the signal's size unit: the speed that raises the cutoff is measured in
                ``scale`` per second, so one ``beta`` suits a person near and far.
            confidence: how much to trust each element, 0 to 1, broadcastable to ``value``.
                At 0 an element keeps its last filtered value and speed (a low-score keypoint
                does not drag the filter); in between, it moves that fraction of a full step.

        Returns:
            The filtered sample, a new float array of ``value``'s shape.

        Raises:
            ValueError: a timestamp that does not increase, a scale that is not positive, or a
                value whose shape changed.
        """
        value = np.asarray(value, dtype=np.float64)
        timestamp = float(timestamp)
        scale = _check_positive("scale", scale)
        if self._value is None:
            self._value, self._speed, self._time = value.copy(), np.zeros_like(value), timestamp
            return value.copy()
        if value.shape != self._value.shape:
            raise ValueError(f"value must keep its shape {self._value.shape}; got {value.shape}")
        elapsed = timestamp - self._time
        if not elapsed > 0:
            raise ValueError(f"timestamp must increase: got {timestamp} after {self._time}")
        trust = 1.0 if confidence is None else np.clip(np.asarray(confidence, dtype=np.float64), 0.0, 1.0)
        self._value, self._speed = self.step(self._value, self._speed, value, elapsed, scale=scale, trust=trust)
        self._time = timestamp
        return self._value.copy()

    def step(self, filtered, speed, value, elapsed: float, *, scale=1.0, trust=1.0) -> tuple[np.ndarray, np.ndarray]:
        """One update from a given state, unchecked: for callers that keep many states in one array.

        Args:
            filtered: the last filtered values.
            speed: the last speed estimate (per second), same shape.
            value: the new sample, same shape.
            elapsed: seconds since the last sample (> 0).
            scale: as a call's ``scale``, broadcastable to ``value``.
            trust: as a call's ``confidence`` (0 to 1), broadcastable to ``value``.

        Returns:
            The new filtered values and the new speed estimate (new arrays).
        """
        raw_speed = (value - filtered) / elapsed
        speed = speed + trust * smoothing_factor(self.derivative_cutoff, elapsed) * (raw_speed - speed)
        cutoff = self.min_cutoff + self.beta * np.abs(speed) / scale
        return filtered + trust * smoothing_factor(cutoff, elapsed) * (value - filtered), speed
