"""All configuration in one place, read from the environment (and an optional .env file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(default=f"sqlite:///{PROJECT_ROOT / 'data' / 'billing_center.db'}")
    redis_url: str | None = None
    port: int = 3000
    # The address people use (links in e-mails, the session cookie's Secure flag, HSTS); by default
    # http://localhost:PORT, as in rxconfig.py.
    public_url: str = ""
    # Where the browser reaches the backend (the websocket); by default PUBLIC_URL.
    api_url: str = ""

    # Sessions (R-SEC): idle and absolute lifetime, in minutes.
    session_idle_minutes: int = 30
    session_absolute_minutes: int = 12 * 60
    # A sign-in on the console's websocket becomes the session cookie at an HTTP endpoint: the
    # browser goes there at once, so its single-use ticket is valid for seconds only (issue 15).
    session_ticket_seconds: int = 30
    # Sign-in throttling: failures allowed per window before the account/address is slowed down.
    sign_in_max_failures: int = 5
    sign_in_window_minutes: int = 15
    # Single-use links: activation of billing access (R-ACT-1) and admin invitations (R-CON-4).
    activation_link_hours: int = 48
    invitation_link_days: int = 7

    # Outgoing e-mail. Without an SMTP host, messages stay in the local outbox (the demo Mailbox).
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = "Billing Center <billing@billing-center.example>"
    # The demo Mailbox page (/mailbox) shows the local outbox to anyone; it is only ever on when no
    # SMTP host is set, and a real installation without SMTP switches it off with DEMO_MAILBOX=false.
    demo_mailbox: bool = True

    # The seller printed on every invoice.
    seller_name: str = "Billing Center B.V."
    seller_address: str = "Herengracht 100, 1015 BS Amsterdam, Netherlands"
    seller_vat_id: str = "NL859123455B01"  # checked by domain/tax_ids.py (mod 11)
    seller_country: str = "NL"
    # Also in the e-invoices (issue 12): the account customers pay to, the Chamber of Commerce number.
    seller_iban: str = "NL91ABNA0417164300"
    seller_kvk: str = "17012345"

    # Periodic jobs (billing_center/scheduler.py): every backend worker ticks this often; 0 switches
    # the in-app tick off (an operator may run `python -m billing_center.scheduler` from cron instead).
    scheduler_seconds: int = 60

    # Test hook (issue 14, billing_center/slow_loads.py): every page's load event arrives this much
    # later, as on a slow backend. Off by default; refused on an https PUBLIC_URL (production).
    slow_page_load_ms: int = Field(default=0, ge=0, le=5000)

    # Sandbox card processor (see billing_center/payments).
    processor_url: str = "http://127.0.0.1:3010"
    # How long one call to the processor may take (the gateway retries an idempotent call once).
    processor_timeout_seconds: float = 10.0
    # Recovery (docs/operations.md): a charge the processor holds for a checkout that never recorded an
    # order is refunded once it is this old (a customer retrying the same checkout before then gets it
    # as their order); queued e-mail that failed is retried with backoff up to MAIL_MAX_ATTEMPTS times.
    reconcile_after_seconds: int = 600
    reconcile_lookback_days: int = 7
    mail_max_attempts: int = 8
    mail_retry_seconds: int = 60  # the first retry's delay; each next one waits twice as long (at most 6 h)

    @model_validator(mode="after")
    def _default_public_url(self) -> Settings:
        self.public_url = (self.public_url or f"http://localhost:{self.port}").rstrip("/")
        self.api_url = (self.api_url or self.public_url).rstrip("/")
        if self.slow_page_load_ms and self.https:
            raise ValueError("SLOW_PAGE_LOAD_MS is a test hook: it is never set on an https installation")
        return self

    @property
    def https(self) -> bool:
        return urlsplit(self.public_url).scheme == "https"

    @property
    def console_origins(self) -> list[str]:
        """The origins the console is served from: PUBLIC_URL's, and loopback on PORT."""
        parts = urlsplit(self.public_url)
        return sorted({f"{parts.scheme}://{parts.netloc}", f"http://localhost:{self.port}",
                       f"http://127.0.0.1:{self.port}"})


@lru_cache
def get_settings() -> Settings:
    return Settings()
