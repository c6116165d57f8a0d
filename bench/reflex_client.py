"""A Reflex websocket client for load benchmarks: one signed-in tab, without a browser.

It speaks what the compiled page speaks (``.web/utils/state.js``): a Socket.IO connection (namespace
and path ``/_event``) with the tab's token in the query and the session cookie in the handshake;
events ``{name, payload, router_data}``; replies ``{delta, events}``. Arriving on a page is
``hydrate_and_load`` (the backend then runs the page's on_load handlers itself). Replies carry no
end-of-event mark, so a click is timed from its event sent to the reply that sets the var the page
would redraw (the browser bench waits for the watched element to change the same way). The client
keeps every delta, as the page's reducers would, so the caller can check what the admin would see.
Events a reply asks the page to send on are sent on; the browser-only ones (``_redirect``,
``_toast``, ...) are noted, not run.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import socketio

NAMESPACE = "/_event"  # Reflex's Socket.IO namespace, at the same path
ROOT_STATE = "reflex___state____state"
HYDRATE = f"{ROOT_STATE}.hydrate_and_load"
SUFFIX = "_rx_state_"


def router_data(path: str) -> dict[str, Any]:
    """What the page sends with each event: where it is (``withRouterData``)."""
    parts = urlsplit(path)
    data: dict[str, Any] = {"pathname": parts.path, "asPath": path}
    if parts.query:
        data["query"] = dict(parse_qsl(parts.query))
    return data


class ReflexTab:
    """One tab of the app at ``base`` (``http://host:port``), signed in by ``cookie`` (``name=value``)."""

    def __init__(self, base: str, cookie: str, path: str = "/") -> None:
        self.base, self.cookie, self.path = base, cookie, path
        self.token = str(uuid.uuid4())
        self.states: dict[str, dict[str, Any]] = {}  # state name -> var name -> value, as the page holds them
        self.client_events: list[str] = []  # browser-only events the server asked for (redirects, toasts)
        self._until: tuple = ("", "")
        self._arrived = asyncio.Event()
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("event", self._on_update, namespace=NAMESPACE)

    async def open(self, path: str, *, timeout: float = 60) -> float:
        """Connect (first time) and arrive on ``path`` as the page does: ``hydrate_and_load``, after which
        the backend runs the page's on_load handlers and then marks the tab hydrated. Returns the
        milliseconds until the tab is hydrated (the page's load has run)."""
        self.path = path
        if not self.sio.connected:
            await self.sio.connect(f"{self.base}?token={self.token}", socketio_path="/_event",
                                   transports=["websocket"], headers={"Cookie": self.cookie},
                                   namespaces=[NAMESPACE], wait_timeout=timeout)
        return await self.send(HYDRATE, {}, until=(ROOT_STATE, "is_hydrated", True), timeout=timeout)

    async def send(self, name: str, payload: dict[str, Any] | None = None, *,
                   until: tuple[str, str] | tuple[str, str, Any], timeout: float = 30) -> float:
        """Send one event and wait for the reply that sets ``until``: a state and a var (what the page
        would redraw, as the browser bench waits for the watched element to change), optionally the
        value it must take. Returns the milliseconds from sending to that reply."""
        self._until, self._arrived = until, asyncio.Event()
        start = time.perf_counter()
        await self._emit(name, payload or {})
        await asyncio.wait_for(self._arrived.wait(), timeout)
        return (time.perf_counter() - start) * 1000

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()

    def var(self, state: str, name: str, default: Any = None) -> Any:
        """A var of a state as the page holds it (deltas name vars with the suffix ``_rx_state_``)."""
        return self.states.get(state, {}).get(name + SUFFIX, default)

    # --- internals -------------------------------------------------------------------------------
    async def _emit(self, name: str, payload: dict[str, Any]) -> None:
        await self.sio.emit("event", {"name": name, "payload": payload, "router_data": router_data(self.path)},
                            namespace=NAMESPACE)

    async def _on_update(self, update: dict[str, Any] | str) -> None:
        if isinstance(update, str):  # the backend may send the update already encoded
            update = json.loads(update)
        delta = update.get("delta") or {}
        for state, values in delta.items():
            self.states.setdefault(state, {}).update(values)
        state, var, *value = self._until
        changed = delta.get(state, {})
        if var + SUFFIX in changed and (not value or changed[var + SUFFIX] == value[0]):
            self._arrived.set()
        for event in update.get("events") or []:  # what the page would run or send on
            name = event.get("name", "")
            if name.startswith("_"):
                self.client_events.append(name)
            else:
                await self._emit(name, event.get("payload") or {})


__all__ = ["HYDRATE", "NAMESPACE", "ROOT_STATE", "ReflexTab", "router_data"]
