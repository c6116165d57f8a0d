"""All configuration in one place, read from the environment (and an optional .env file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(default=f"sqlite:///{PROJECT_ROOT / 'data' / 'billing_center.db'}")
    redis_url: str | None = None
    port: int = 3000
    public_url: str = "http://localhost:3000"

    # Sessions (R-SEC): idle and absolute lifetime, in minutes.
    session_idle_minutes: int = 30
    session_absolute_minutes: int = 12 * 60
    # Sign-in throttling: failures allowed per window before the account/address is slowed down.
    sign_in_max_failures: int = 5
    sign_in_window_minutes: int = 15
    # Single-use links (issue 4): activation of billing access and admin invitations.
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
    seller_vat_id: str = "NL859123456B01"
    seller_country: str = "NL"

    # Sandbox card processor (see billing_center/payments).
    processor_url: str = "http://127.0.0.1:3010"


@lru_cache
def get_settings() -> Settings:
    return Settings()
