"""Reflex configuration. One port in production (frontend and backend together), explicit CORS,
no auto setters (the default since Reflex 0.9), no telemetry. REDIS_URL switches Reflex to its Redis state manager so that several
backend workers share state (see README, "Scaling out")."""

import os

import reflex as rx

PORT = int(os.environ.get("PORT", "3000"))
PUBLIC_URL = os.environ.get("PUBLIC_URL", f"http://localhost:{PORT}").rstrip("/")
ORIGINS = sorted({PUBLIC_URL, f"http://localhost:{PORT}", f"http://127.0.0.1:{PORT}"})

config = rx.Config(
    app_name="billing_center",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    cors_allowed_origins=ORIGINS,
    frontend_port=PORT,
    backend_port=PORT,
    api_url=os.environ.get("API_URL", PUBLIC_URL),
    deploy_url=PUBLIC_URL,
    redis_url=os.environ.get("REDIS_URL") or None,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="indigo", gray_color="slate", radius="medium", appearance="light")
        ),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
