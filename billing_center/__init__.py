"""Billing Center: a self-service billing and licence admin console."""
