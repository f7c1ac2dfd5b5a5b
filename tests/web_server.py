"""A real server of footcast's app for the web tests: what the fixture yields."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from footcast.config import Settings

__all__ = ["SECRET", "Served"]

SECRET = "correct horse battery staple"


@dataclass
class Served:
    url: str
    app: FastAPI
    settings: Settings
    client: httpx.Client

    def admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {SECRET}"}
