"""footcast: forecasters predict exact football scores; Kicktipp quota scoring ranks them."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
