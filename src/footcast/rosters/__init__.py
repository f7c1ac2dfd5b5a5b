"""Example roster files shipped with footcast: ``roster.example.toml`` (the 42 reference models)
and ``roster.local.example.toml`` (Ollama, vLLM, llama.cpp). Copy one and point
``FOOTCAST_ROSTER`` at the copy."""

from __future__ import annotations

from pathlib import Path

__all__ = ["LOCAL", "REFERENCE"]

REFERENCE = Path(__file__).with_name("roster.example.toml")
LOCAL = Path(__file__).with_name("roster.local.example.toml")
