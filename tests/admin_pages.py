"""Driving the admin pages the way a browser does: log in, read the form's CSRF token, post forms
from the site's own origin."""

from __future__ import annotations

import re

import httpx

from footcast.web import auth
from web_server import SECRET

__all__ = ["Operator", "csrf_of"]

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


class Operator:
    """An admin on the pages of the server at ``url``, through ``client`` (its cookie jar)."""

    def __init__(self, client: httpx.Client, url: str) -> None:
        self.client, self.url = client, url

    @property
    def origin(self) -> dict[str, str]:
        return {"Origin": self.url}

    def login(self, secret: str = SECRET) -> httpx.Response:
        return self.client.post("/admin/login", data={"password": secret}, headers=self.origin)

    @property
    def cookie(self) -> str | None:
        return self.client.cookies.get(auth.COOKIE)

    def csrf(self) -> str:
        return csrf_of(self.client.get("/admin").text)

    def post(self, path: str, data: dict[str, object] | None = None) -> httpx.Response:
        """A form of the dashboard: its CSRF token and this site's origin."""
        form = {"csrf": self.csrf(), **(data or {})}
        return self.client.post(path, data=form, headers=self.origin)
