"""Fakes of outside services that ship with footcast: the demo and the tests both use them."""

from footcast.fakes.openai import TRANSPORT_FAULTS, Behaviour, FakeOpenAI, Limits, Request, Stats

__all__ = ["TRANSPORT_FAULTS", "Behaviour", "FakeOpenAI", "Limits", "Request", "Stats"]
