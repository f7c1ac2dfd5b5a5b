"""The pipeline: stage functions that read facts, call forecasters and domain, and write facts."""

from __future__ import annotations

from footcast.pipeline import predictions, settlement

__all__ = ["predictions", "settlement"]
