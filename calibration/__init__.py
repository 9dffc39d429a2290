"""Calibration targets, fitting and validation (see issue: calibration)."""
