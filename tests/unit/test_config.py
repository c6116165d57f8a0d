"""Reflex configuration: explicit CORS allow-list, telemetry off, no auto setters, Redis from env."""

import importlib

import pytest


@pytest.fixture
def load_config(monkeypatch):
    def load(**env):
        for key in ("PORT", "PUBLIC_URL", "REDIS_URL"):
            monkeypatch.delenv(key, raising=False)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        import rxconfig

        return importlib.reload(rxconfig).config

    return load


def test_cors_is_an_explicit_allow_list(load_config):
    config = load_config(PORT="4100", PUBLIC_URL="https://billing.example.com")
    assert "*" not in config.cors_allowed_origins
    assert set(config.cors_allowed_origins) == {
        "https://billing.example.com", "http://localhost:4100", "http://127.0.0.1:4100"}


def test_telemetry_and_auto_setters_are_off(load_config):
    config = load_config()
    assert config.telemetry_enabled is False
    assert config.state_auto_setters is False
    assert (config.frontend_port, config.backend_port) == (3000, 3000)


def test_redis_url_switches_on_the_redis_state_manager(load_config):
    assert load_config().redis_url is None
    assert load_config(REDIS_URL="redis://127.0.0.1:6379/3").redis_url == "redis://127.0.0.1:6379/3"
