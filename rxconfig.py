"""Reflex configuration. One port in production (frontend and backend together), explicit CORS,
no auto setters (the default since Reflex 0.9), no telemetry. REDIS_URL switches Reflex to its Redis
state manager so that several backend workers share state (see README, "Scaling out"). Ports and
addresses come from billing_center/settings.py, like everything else."""

import reflex as rx

from billing_center.i18n_build import BrowserCatalogs
from billing_center.settings import Settings
from billing_center.strict_csp import StrictCsp


def respawn_failed_workers() -> None:
    """A backend worker that dies (``kill -9``, out of memory) is started again by the server instead
    of taking the whole server down, granian's default, which Reflex does not let us change
    (docs/operations.md). Wraps granian's constructor once, before ``reflex run`` builds the server."""
    try:
        from granian.server import Server
    except ImportError:  # pragma: no cover - granian comes with reflex
        return
    init = Server.__init__
    if getattr(init, "respawns_failed_workers", False):
        return

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("respawn_failed_workers", True)
        init(self, *args, **kwargs)

    __init__.respawns_failed_workers = True
    Server.__init__ = __init__


respawn_failed_workers()

# Read afresh (not the cached app settings): the environment of the process reading this file.
SETTINGS = Settings()
PORT = SETTINGS.port
PUBLIC_URL = SETTINGS.public_url
ORIGINS = SETTINGS.console_origins

config = rx.Config(
    app_name="billing_center",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    cors_allowed_origins=ORIGINS,
    frontend_port=PORT,
    backend_port=PORT,
    api_url=SETTINGS.api_url,
    deploy_url=PUBLIC_URL,
    redis_url=SETTINGS.redis_url or None,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="indigo", gray_color="slate", radius="medium", appearance="light")
        ),
        # The frontend runtime without string evaluation, for a CSP without 'unsafe-eval' .
        StrictCsp(),
        # The nl/fr catalogs as one static script, and the lookup the pages import (billing_center/i18n.py).
        BrowserCatalogs(),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
    # Pages are read back by the security headers (their inline scripts are hashed): gzip only.
    frontend_compression_formats=["gzip"],
)
