"""The admin pages: login and logout, and the dashboard an operator works from in an incident —
pipeline health (each gap linked to its match), the queue, failures retried or cleared by stage
or one by one, a backfill (a dry run shows the plan), forecasters paused for some hours and
resumed, or disabled and enabled, with their health and pauses, the providers' circuits, and the
audit log. After each action the next page says what was done.

A login is a ``web_sessions`` row (``auth``). Every form post other than the login's needs that
login's cookie, a matching ``Origin`` (or ``Referer``) and the login's CSRF token; the cookie and
the origin are checked, and the attempt counted against the admin limit, before the body is read
(``FormRoute``). Viewing a page with a valid login is not counted; a login attempt is.
"""

from __future__ import annotations

import hmac
from collections import Counter
from typing import Annotated, Any

import anyio
import jinja2
from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request, status
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from footcast.db.coordination import sessions
from footcast.domain.names import Stage
from footcast.ops import access
from footcast.web import admin, auth
from footcast.web.deps import TEXT, web

__all__ = [
    "AUDIT_PAGE",
    "FormRoute",
    "audit_page",
    "backfill",
    "clear",
    "dashboard",
    "disable",
    "enable",
    "login",
    "logout",
    "pause",
    "resume",
    "retry",
    "router",
]

AUDIT_PAGE = 100  # entries per page of the audit log
RECENT_AUDIT = 10  # entries the dashboard shows
_templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.PackageLoader("footcast.web", "templates"),
        autoescape=jinja2.select_autoescape(),
        undefined=jinja2.StrictUndefined,
    )
)
_CLOSED = "The admin area is closed: no admin secret is configured (FOOTCAST_ADMIN_TOKEN)."


def _page(request: Request, name: str, *, status_code: int = 200, **context: Any) -> Response:
    return _templates.TemplateResponse(request, name, context, status_code=status_code)


def _login_page(request: Request, *, status_code: int = 200, error: str | None = None) -> Response:
    closed = web(request).settings.web.admin_token is None
    return _page(
        request, "login.html", status_code=status_code, error=error, closed=closed, notice=_CLOSED
    )


def _refusal(request: Request, status_code: int, message: str) -> Response:
    if status_code == status.HTTP_401_UNAUTHORIZED:
        return _login_page(request, status_code=status_code, error=message)
    return _page(request, "admin_refused.html", status_code=status_code, message=message)


def _check_form(request: Request, *, login_form: bool) -> None:
    """Count the attempt, then (for an action) find the login; then the origin. Raises
    ``HTTPException`` with the refusal."""
    state = web(request)
    limit: auth.AdminLimit = request.app.state.admin_limit
    client = auth.client_of(request)
    wait = limit.hit(state.database, client)
    if wait is not None:
        raise limit.refused(client, wait)
    if not login_form:
        found = auth.login_of(state.database, request.cookies.get(auth.COOKIE))
        if found is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "log in first (no valid session)")
        request.state.login = found
        request.state.admin = found.actor
    if not auth.origin_matches(request):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"refused: the form was not sent from this site's pages (it came from"
            f" {auth.sent_from(request) or 'an unknown origin'}, this site is"
            f" {auth.own_origin(request)}; behind an HTTPS proxy, list it in"
            " FOOTCAST_TRUSTED_PROXIES)",
        )


class FormRoute(APIRoute):
    """An admin form post: limit, login and origin checked before the body is read."""

    def get_route_handler(self) -> auth.Handler:
        handler = super().get_route_handler()
        login_form = self.path == "/admin/login"

        async def guarded(request: Request) -> Response:
            try:
                await anyio.to_thread.run_sync(lambda: _check_form(request, login_form=login_form))
            except HTTPException as exc:
                answer = _refusal(request, exc.status_code, str(exc.detail))
                answer.headers.update(exc.headers or {})
                return answer
            return await handler(request)

        return guarded


router = APIRouter(include_in_schema=False)
forms = APIRouter(include_in_schema=False, route_class=FormRoute)


def _csrf(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> str:
    """The action's login, once the form's CSRF token matches it."""
    found: sessions.Login | None = getattr(request.state, "login", None)
    if found is None or not hmac.compare_digest(csrf.encode(), found.csrf.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "refused: the form's CSRF token is wrong")
    return found.actor


Actor = Annotated[str, Depends(_csrf)]
Name = Annotated[str, Path(min_length=1, max_length=100, pattern=TEXT)]
FailureIds = Annotated[list[int] | None, Form(alias="id")]


def _done(request: Request, message: str) -> Response:
    """Leave ``message`` for the next page of this login, and go back to the dashboard."""
    auth.flash(web(request).database, request.cookies[auth.COOKIE], message)
    return RedirectResponse("/admin", status_code=status.HTTP_303_SEE_OTHER)


def _plural(count: int, thing: str) -> str:
    return f"{count} {thing}{'' if count == 1 else 's'}"


@router.get("/admin")
def dashboard(request: Request) -> Response:
    """The dashboard for a valid login, else the login form (a view is never counted)."""
    state = web(request)
    token = request.cookies.get(auth.COOKIE)
    found = auth.login_of(state.database, token)
    if found is None or token is None:
        return _login_page(request)
    notice = auth.take_flash(state.database, token)
    stages: dict[str, list[admin.FailureOut]] = {}
    for failure in admin.failures(request):
        stages.setdefault(failure.stage, []).append(failure)
    health = admin.models(request)
    return _page(
        request,
        "admin.html",
        flash=notice,
        csrf=found.csrf,
        actor=found.actor,
        health=admin.pipeline_health(request),
        queue=admin.queue(request),
        stages=stages,
        models=health.models,
        circuits=health.circuits,
        audit=admin.audit(request, limit=RECENT_AUDIT),
        max_pause_hours=admin.MAX_PAUSE_HOURS,
    )


@router.get("/admin/audit")
def audit_page(
    request: Request,
    before: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> Response:
    """The audit log, newest first, a page at a time."""
    state = web(request)
    found = auth.login_of(state.database, request.cookies.get(auth.COOKIE))
    if found is None:
        return _login_page(request)
    entries = admin.audit(request, limit=AUDIT_PAGE, before=before)
    older = entries[-1].id if len(entries) == AUDIT_PAGE else None
    return _page(request, "admin_audit.html", csrf=found.csrf, entries=entries, older=older)


@forms.post("/admin/login")
def login(request: Request, password: Annotated[str, Form(max_length=1000)] = "") -> Response:
    """Check the admin secret and open a login: an HttpOnly, SameSite=Strict cookie, Secure
    when the request came over HTTPS. A failed attempt is audited."""
    state = web(request)
    client = auth.client_of(request)
    if state.settings.web.admin_token is None:
        return _login_page(request, status_code=status.HTTP_403_FORBIDDEN)
    if not auth.secret_matches(state.settings, password):
        access.login_failed(state.database, client=client, now=state.clock.now(), reason="wrong")
        return _login_page(request, status_code=status.HTTP_401_UNAUTHORIZED, error="wrong secret")
    actor = f"admin@{client}"
    token = auth.start_login(state.database, state.settings, actor=actor)
    access.logged_in(state.database, actor=actor, now=state.clock.now())
    answer = RedirectResponse("/admin", status_code=status.HTTP_303_SEE_OTHER)
    answer.set_cookie(
        auth.COOKIE,
        token,
        max_age=int(state.settings.web.admin_session_hours * 3600),
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return answer


@forms.post("/admin/logout")
def logout(request: Request, actor: Actor) -> Response:
    """End the login: its cookie opens nothing from now on, in any process."""
    state = web(request)
    auth.end_login(state.database, request.cookies.get(auth.COOKIE))
    access.logged_out(state.database, actor=actor, now=state.clock.now())
    answer = RedirectResponse("/admin", status_code=status.HTTP_303_SEE_OTHER)
    answer.delete_cookie(
        auth.COOKIE, path="/", httponly=True, samesite="strict",
        secure=request.url.scheme == "https",
    )  # fmt: skip
    return answer


def _what(stage: Stage | None, ids: list[int] | None) -> str:
    if ids:
        return ", ".join(f"#{i}" for i in ids)
    return f"{stage} failures" if stage else "failures"


@forms.post("/admin/failures/retry")
async def retry(
    request: Request,
    actor: Actor,
    stage: Annotated[Stage | None, Form()] = None,
    ids: FailureIds = None,
) -> Response:
    """Retry a stage's failures or the given ones (the admin API's retry)."""
    done = await admin.retry(request, actor, stage=None if ids else stage, ids=ids)
    return _done(
        request,
        f"Retried {_plural(done.failures, 'failure')} ({_what(stage, ids)}):"
        f" {_plural(done.queued, 'unit')} queued.",
    )


@forms.post("/admin/failures/clear")
def clear(
    request: Request,
    actor: Actor,
    stage: Annotated[Stage | None, Form()] = None,
    ids: FailureIds = None,
) -> Response:
    """Clear a stage's failures or the given ones (the admin API's clear)."""
    done = admin.clear(request, actor, stage=None if ids else stage, ids=ids)
    return _done(request, f"Cleared {_plural(done.cleared, 'failure')} ({_what(stage, ids)}).")


@forms.post("/admin/backfill")
async def backfill(
    request: Request,
    actor: Actor,
    days: Annotated[int, Form(ge=1, le=60)],
    retroactive: Annotated[bool, Form()] = False,
    dry_run: Annotated[bool, Form()] = False,
) -> Response:
    """Queue every missing unit of the last ``days``; a dry run shows the plan instead."""
    body = admin.BackfillIn(days=days, retroactive=retroactive, dry_run=dry_run)
    done = await admin.backfill(request, actor, body)
    if dry_run:
        found: sessions.Login = request.state.login
        return _page(
            request,
            "admin_plan.html",
            csrf=found.csrf,
            body=body,
            plan=done.plan,
            by_stage=sorted(Counter(u.stage for u in done.plan).items()),
        )
    return _done(
        request,
        f"Backfill of the last {_plural(days, 'day')}"
        f"{' (retroactive)' if retroactive else ''}: {_plural(done.missing, 'missing unit')},"
        f" {done.enqueued} queued now.",
    )


@forms.post("/admin/forecasters/{name}/pause")
def pause(
    request: Request,
    actor: Actor,
    name: Name,
    hours: Annotated[int, Form(ge=1, le=admin.MAX_PAUSE_HOURS)],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Pause a forecaster for ``hours``: it resumes by itself then (the admin API's pause)."""
    body = admin.PauseIn(hours=hours, reason=reason.strip() or None)
    done = admin.pause(request, actor, name, body)
    assert done.until is not None
    return _done(request, f"{name} paused until {done.until:%Y-%m-%d %H:%M} UTC.")


@forms.post("/admin/forecasters/{name}/resume")
def resume(request: Request, actor: Actor, name: Name) -> Response:
    """End a forecaster's timed pause early (the admin API's resume)."""
    done = admin.resume(request, actor, name)
    return _done(request, f"{name} {'resumed' if done.changed else 'was not paused'}.")


@forms.post("/admin/forecasters/{name}/disable")
def disable(request: Request, actor: Actor, name: Name) -> Response:
    """Stop a forecaster until it is enabled: it owes no predictions from now on."""
    done = admin.disable(request, actor, name)
    return _done(request, f"{name} {'disabled' if done.changed else 'was already disabled'}.")


@forms.post("/admin/forecasters/{name}/enable")
def enable(request: Request, actor: Actor, name: Name) -> Response:
    """Lift every pause of a forecaster (whoever made it: an operator, the roster, its health)."""
    done = admin.enable(request, actor, name)
    return _done(request, f"{name} {'enabled' if done.changed else 'was not paused'}.")


router.include_router(forms)
