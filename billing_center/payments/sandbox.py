"""The sandbox card processor: a small HTTP service that behaves like a real card processor.

It runs in its own process on its own port (``python -m billing_center.payments.sandbox --port 3010``;
``make run`` and the end-to-end fixtures start it), so every Billing Center worker talks to the same
processor and the same in-memory ledger. Billing Center reaches it only through
:class:`billing_center.payments.gateway.HttpGateway`.

What it does, the way Stripe's test mode does it:
- ``GET /hosted-fields``: the card form, served by the processor and shown by Billing Center in an
  iframe. The browser posts the card straight to ``POST /v1/tokens``; the parent page receives only
  the token, brand, last 4 digits and expiry (``postMessage``). Card numbers never reach Billing Center.
- ``POST /v1/tokens``: tokenise a card (Luhn, expiry and security code checked first).
- ``POST /v1/tokens/{token}/verify``: attach a card to a wallet (a zero-amount authorisation).
- ``GET /v1/charges`` lists charges by idempotency-key prefix and creation time (reconciliation).
- ``POST /v1/charges`` and ``POST /v1/refunds`` honour an ``Idempotency-Key`` header: the same key and
  the same request return the stored result; the same key with another request is refused (409).
- Test cards: 4242424242424242 succeeds; 4000000000000002 generic decline; 4000000000009995
  insufficient funds; 4000000000000069 expired; 4000000000000127 incorrect CVC; 4000000000000119
  processing error; 4000000000000341 attaches but every charge fails.
- ``POST /_test/faults``: make the next charges time out or drop the connection *after* the charge
  is committed, so the retry path can be proven. ``GET /_test/charges`` lists the ledger, ``POST /_test/reset``
  empties it.

The processor keeps no card number: a token remembers only the test scenario, brand, last 4 and expiry.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

ORIGINS_ENV = "SANDBOX_ALLOWED_ORIGINS"
DEFAULT_ORIGINS = "http://localhost:3000,http://127.0.0.1:3000"

# Test card -> scenario. Every other Luhn-valid number behaves like 4242424242424242.
SCENARIOS = {
    "4242424242424242": "success",
    "4000000000000002": "generic_decline",
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
    "4000000000000127": "incorrect_cvc",
    "4000000000000119": "processing_error",
    "4000000000000341": "charge_fails",
}

DECLINES = {
    "generic_decline": ("card_declined", "Your card was declined."),
    "insufficient_funds": ("insufficient_funds", "Your card has insufficient funds."),
    "expired_card": ("expired_card", "Your card has expired."),
    "incorrect_cvc": ("incorrect_cvc", "Your card's security code is incorrect."),
    "processing_error": ("processing_error",
                         "An error occurred while processing your card. Try again in a little bit."),
    "charge_fails": ("card_declined", "Your card was declined."),
}


def luhn_ok(number: str) -> bool:
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def brand_of(number: str) -> str:
    if number.startswith("4"):
        return "Visa"
    if number[:2] in {"34", "37"}:
        return "Amex"
    if number[:2] in {"51", "52", "53", "54", "55"} or 2221 <= int(number[:4] or 0) <= 2720:
        return "Mastercard"
    return "Card"


@dataclass
class Token:
    token: str
    scenario: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int


@dataclass
class Ledger:
    """Everything the processor remembers. One process, guarded by one lock."""

    tokens: dict[str, Token] = field(default_factory=dict)
    charges: dict[str, dict] = field(default_factory=dict)
    idempotency: dict[str, tuple[str, int, dict]] = field(default_factory=dict)  # key -> (hash, status, body)
    drop_replies: int = 0  # drop the connection after committing the next N charges
    delay_replies: int = 0  # answer the next N charges only after ``delay_seconds``
    delay_seconds: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


LEDGER = Ledger()


def _error(status: int, code: str, message: str, kind: str = "card_error", **extra) -> tuple[int, dict]:
    return status, {"error": {"type": kind, "code": code, "message": message, **extra}}


def _json(status: int, body: dict) -> JSONResponse:
    return JSONResponse(body, status_code=status)


async def _body(request: Request) -> dict:
    try:
        data = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _token_for(value: str) -> Token | None:
    token = LEDGER.tokens.get(value)
    if token is None and value.startswith("tok_demo_"):
        # Cards of the demo data were "tokenised" before the sandbox started: they behave like 4242.
        last4 = value.rsplit("_", 1)[-1][-4:]
        token = Token(value, "success", "Visa", last4 if last4.isdigit() else "4242", 12, 2099)
    return token


# --- tokenisation (called by the browser, never by Billing Center) ------------------------------
async def create_token(request: Request) -> Response:
    data = await _body(request)
    number = "".join(str(data.get("number", "")).split())
    cvc = str(data.get("cvc", "")).strip()
    try:
        exp_month = int(data.get("exp_month"))
        exp_year = int(data.get("exp_year"))
    except (TypeError, ValueError):
        return _json(*_error(400, "invalid_expiry", "Enter the expiry date as MM/YY."))
    if exp_year < 100:
        exp_year += 2000
    if not luhn_ok(number):
        return _json(*_error(400, "invalid_number", "Your card number is not valid."))
    if not 1 <= exp_month <= 12:
        return _json(*_error(400, "invalid_expiry", "Your card's expiry month is not valid."))
    today = datetime.now(UTC)
    if (exp_year, exp_month) < (today.year, today.month) or exp_year > today.year + 25:
        return _json(*_error(400, "invalid_expiry", "Your card's expiry date is in the past."))
    brand = brand_of(number)
    if not cvc.isdigit() or len(cvc) != (4 if brand == "Amex" else 3):
        return _json(*_error(400, "invalid_cvc", "Your card's security code is not valid."))
    token = Token(token=f"tok_{secrets.token_hex(12)}", scenario=SCENARIOS.get(number, "success"), brand=brand,
                  last4=number[-4:], exp_month=exp_month, exp_year=exp_year)
    async with LEDGER.lock:
        LEDGER.tokens[token.token] = token
    return _json(200, {"token": token.token, "brand": token.brand, "last4": token.last4,
                       "exp_month": token.exp_month, "exp_year": token.exp_year})


async def verify_token(request: Request) -> Response:
    """Attach a card to a wallet: a zero-amount authorisation. 4000000000000341 passes here."""
    token = _token_for(request.path_params["token"])
    if token is None:
        return _json(*_error(404, "token_not_found", "No such card token.", kind="invalid_request_error"))
    if token.scenario in DECLINES and token.scenario != "charge_fails":
        code, message = DECLINES[token.scenario]
        return _json(*_error(402, code, message))
    return _json(200, {"token": token.token, "status": "verified", "brand": token.brand, "last4": token.last4,
                       "exp_month": token.exp_month, "exp_year": token.exp_year})


# --- charges and refunds, idempotent ----------------------------------------------------------------
def _request_hash(path: str, data: dict) -> str:
    return hashlib.sha256(f"{path}:{json.dumps(data, sort_keys=True)}".encode()).hexdigest()


def _charge(data: dict, key: str) -> tuple[int, dict]:
    amount, currency, value = data.get("amount"), str(data.get("currency", "")).upper(), str(data.get("token", ""))
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        return _error(400, "invalid_amount", "The amount must be a positive whole number of minor units.",
                      kind="invalid_request_error")
    if len(currency) != 3:
        return _error(400, "invalid_currency", "Unknown currency.", kind="invalid_request_error")
    token = _token_for(value)
    if token is None:
        return _error(404, "token_not_found", "No such card token.", kind="invalid_request_error")
    charge_id = f"ch_{secrets.token_hex(10)}"
    base = {"id": charge_id, "amount": amount, "currency": currency, "token": token.token, "brand": token.brand,
            "last4": token.last4, "exp_month": token.exp_month,
            "exp_year": token.exp_year, "idempotency_key": key, "description": str(data.get("description", ""))[:200],
            "created": datetime.now(UTC).isoformat(), "refunded_amount": 0}
    if token.scenario in DECLINES:
        code, message = DECLINES[token.scenario]
        LEDGER.charges[charge_id] = {**base, "status": "failed", "failure_code": code}
        return _error(402, code, message, charge=charge_id)
    LEDGER.charges[charge_id] = {**base, "status": "succeeded"}
    return 200, dict(LEDGER.charges[charge_id])


def _refund(data: dict, key: str) -> tuple[int, dict]:
    charge = LEDGER.charges.get(str(data.get("charge", "")))
    if charge is None or charge["status"] != "succeeded":
        return _error(404, "charge_not_found", "No such charge.", kind="invalid_request_error")
    amount = data.get("amount", charge["amount"] - charge["refunded_amount"])
    if not isinstance(amount, int) or amount <= 0 or amount > charge["amount"] - charge["refunded_amount"]:
        return _error(400, "invalid_amount", "The refund exceeds what is left of the charge.",
                      kind="invalid_request_error")
    charge["refunded_amount"] += amount
    return 200, {"id": f"re_{secrets.token_hex(10)}", "charge": charge["id"], "amount": amount,
                 "currency": charge["currency"], "status": "succeeded", "idempotency_key": key}


async def _idempotent(request: Request, operation) -> Response:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 255:
        return _json(*_error(400, "idempotency_key_missing", "Send an Idempotency-Key header.",
                             kind="invalid_request_error"))
    data = await _body(request)
    digest = _request_hash(request.url.path, data)
    is_charge = operation is _charge
    async with LEDGER.lock:
        stored = LEDGER.idempotency.get(key)
        if stored is not None:
            if stored[0] != digest:
                status, body = _error(409, "idempotency_key_reused",
                                      "This idempotency key was already used with a different request.",
                                      kind="idempotency_error")
                return _json(status, body)
            status, body = stored[1], stored[2]
            replay = True
        else:
            status, body = operation(data, key)
            LEDGER.idempotency[key] = (digest, status, body)
            replay = False
        drop = delay = False
        if is_charge and LEDGER.drop_replies > 0:
            LEDGER.drop_replies -= 1
            drop = True
        elif is_charge and LEDGER.delay_replies > 0:
            LEDGER.delay_replies -= 1
            delay = True
    if drop:
        return _DroppedReply()
    if delay:
        await asyncio.sleep(LEDGER.delay_seconds)
    response = _json(status, body)
    if replay:
        response.headers["Idempotent-Replayed"] = "true"
    return response


class _DroppedReply(Response):
    """The charge is committed, then the connection is cut before the reply is complete."""

    async def __call__(self, scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
        await send({"type": "http.response.body", "body": b'{"id": "ch_', "more_body": True})
        raise ConnectionAbortedError("sandbox: reply dropped after the charge was committed")


async def create_charge(request: Request) -> Response:
    return await _idempotent(request, _charge)


async def create_refund(request: Request) -> Response:
    return await _idempotent(request, _refund)


# --- test controls --------------------------------------------------------------------------------
async def set_faults(request: Request) -> Response:
    data = await _body(request)
    async with LEDGER.lock:
        LEDGER.drop_replies = int(data.get("drop_reply_after_commit", 0))
        LEDGER.delay_replies = int(data.get("delay_replies", 0))
        LEDGER.delay_seconds = float(data.get("delay_seconds", 0))
    return _json(200, {"drop_reply_after_commit": LEDGER.drop_replies, "delay_replies": LEDGER.delay_replies})


async def reset_ledger(request: Request) -> Response:
    """Forget every charge (tokens stay): a test that reconciles the whole ledger starts from nothing."""
    async with LEDGER.lock:
        LEDGER.charges.clear()
        LEDGER.idempotency.clear()
    return _json(200, {"charges": 0})


async def list_charges(request: Request) -> Response:
    key = request.query_params.get("idempotency_key")
    rows = [c for c in LEDGER.charges.values() if key is None or c["idempotency_key"] == key]
    return _json(200, {"charges": rows})


async def search_charges(request: Request) -> Response:
    """``GET /v1/charges?idempotency_key_prefix=...&created_after=ISO``: what a processor's charge list
    gives a merchant to reconcile its books (newest last)."""
    prefix = request.query_params.get("idempotency_key_prefix", "")
    try:
        after = datetime.fromisoformat(request.query_params.get("created_after", "1970-01-01T00:00:00+00:00"))
    except ValueError:
        return _json(*_error(400, "invalid_created_after", "created_after is an ISO date and time.",
                             kind="invalid_request_error"))
    if after.tzinfo is None:
        after = after.replace(tzinfo=UTC)
    rows = [c for c in LEDGER.charges.values()
            if c["idempotency_key"].startswith(prefix) and datetime.fromisoformat(c["created"]) > after]
    return _json(200, {"charges": rows})


async def health(request: Request) -> Response:
    return _json(200, {"status": "ok"})


# --- hosted fields ----------------------------------------------------------------------------------
HOSTED_FIELDS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Card details</title>
<style>
 body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;padding:2px;color:#1c2024;font-size:14px}
 label{display:block;font-weight:500;margin:10px 0 4px}
 input{box-sizing:border-box;width:100%;padding:8px 10px;border:1px solid #cdced6;border-radius:6px;font-size:14px}
 input:focus{outline:2px solid #3e63dd;border-color:#3e63dd}
 .row{display:flex;gap:12px}.row>div{flex:1}
 .err{color:#ce2c31;font-size:12px;min-height:16px;margin-top:6px}
 .note{color:#60646c;font-size:12px;margin-top:6px}
</style></head>
<body>
<form id="card" autocomplete="on" novalidate>
 <label for="number">Card number</label>
 <input id="number" name="cardnumber" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242">
 <div class="row">
  <div><label for="expiry">Expiry (MM/YY)</label>
   <input id="expiry" name="exp-date" autocomplete="cc-exp" placeholder="MM/YY"></div>
  <div><label for="cvc">Security code</label>
   <input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" placeholder="123"></div>
 </div>
 <div id="error" class="err" role="alert"></div>
 <div class="note">Card details go straight to the payment processor.</div>
</form>
<script>
const ALLOWED = __ALLOWED__;
const $ = (id) => document.getElementById(id);
let cached = null;  // {fingerprint, promise}: the same card gives the same token (double clicks)
function luhn(n){let s=0;
  for(let i=0;i<n.length;i++){let d=+n[n.length-1-i];if(i%2){d*=2;if(d>9)d-=9}s+=d}
  return s%10===0}
function fail(message){$("error").textContent=message;return {error:message};}
async function tokenise(){
  const number=$("number").value.replace(/[\\s-]/g,""), cvc=$("cvc").value.trim();
  const m=$("expiry").value.trim().match(/^(\\d{1,2})\\s*\\/\\s*(\\d{2}|\\d{4})$/);
  if(!number) return fail("Enter your card number.");
  if(!/^\\d{12,19}$/.test(number)||!luhn(number)) return fail("Your card number is not valid.");
  if(!m) return fail("Enter the expiry date as MM/YY.");
  if(!/^\\d{3,4}$/.test(cvc)) return fail("Enter the security code from the back of your card.");
  const body={number,cvc,exp_month:+m[1],exp_year:+m[2]};
  const fingerprint=JSON.stringify(body);
  if(cached&&cached.fingerprint===fingerprint) return cached.promise;
  const promise=fetch("/v1/tokens",{method:"POST",headers:{"Content-Type":"application/json"},body:fingerprint})
    .then(r=>r.json()).then(d=>{
      if(d.error){cached=null;return fail(d.error.message);}
      $("error").textContent="";
      return {token:d.token,brand:d.brand,last4:d.last4,exp_month:d.exp_month,exp_year:d.exp_year};
    }).catch(()=>{cached=null;return fail("The payment processor cannot be reached. Try again.");});
  cached={fingerprint,promise};
  return promise;
}
window.addEventListener("message", async (event) => {
  if(!ALLOWED.includes(event.origin)||!event.data||event.data.type!=="bc-tokenise") return;
  const result = await tokenise();
  event.source.postMessage({type:"bc-card", id:event.data.id, ...result}, event.origin);
});
for (const id of ["number","expiry","cvc"]) $(id).addEventListener("input",()=>{$("error").textContent=""});
</script>
</body></html>"""


def allowed_origins() -> list[str]:
    return [o.strip().rstrip("/") for o in os.environ.get(ORIGINS_ENV, DEFAULT_ORIGINS).split(",") if o.strip()]


def _inline_hashes(html: str, tag: str) -> str:
    return " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
                    for body in re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.DOTALL))


async def hosted_fields(request: Request) -> Response:
    """The card form. Only the console's origins may frame it; it runs only its own inline script and
    style (by hash) and talks only to this processor."""
    origins = allowed_origins()
    html = HOSTED_FIELDS.replace("__ALLOWED__", json.dumps(origins))
    policy = (f"default-src 'none'; script-src {_inline_hashes(html, 'script')}; "
              f"style-src {_inline_hashes(html, 'style')}; connect-src 'self'; form-action 'none'; "
              f"base-uri 'none'; frame-ancestors {' '.join(origins)}")
    return HTMLResponse(html, headers={
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
    })


def build_app() -> Starlette:
    return Starlette(
        routes=[
            Route("/health", health),
            Route("/hosted-fields", hosted_fields),
            Route("/v1/tokens", create_token, methods=["POST"]),
            Route("/v1/tokens/{token}/verify", verify_token, methods=["POST"]),
            Route("/v1/charges", create_charge, methods=["POST"]),
            Route("/v1/charges", search_charges, methods=["GET"]),
            Route("/v1/refunds", create_refund, methods=["POST"]),
            Route("/_test/faults", set_faults, methods=["POST"]),
            Route("/_test/charges", list_charges),
            Route("/_test/reset", reset_ledger, methods=["POST"]),
        ],
        middleware=[Middleware(CORSMiddleware, allow_origins=allowed_origins(), allow_methods=["GET", "POST"],
                               allow_headers=["Content-Type"])],
    )


app = build_app()


def main() -> None:
    parser = argparse.ArgumentParser(description="Billing Center's sandbox card processor")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3010)
    parser.add_argument("--allow-origin", action="append", default=[],
                        help="an origin allowed to embed the card form (repeatable)")
    args = parser.parse_args()
    if args.allow_origin:
        os.environ[ORIGINS_ENV] = ",".join(args.allow_origin)
    from granian import Granian

    # One worker: the ledger lives in this process, so every Billing Center worker sees the same one.
    Granian("billing_center.payments.sandbox:app", address=args.host, port=args.port, interface="asgi",
            workers=1, log_access=False).serve()


if __name__ == "__main__":
    main()
