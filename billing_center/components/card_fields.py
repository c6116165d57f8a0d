"""The processor's hosted card fields, embedded in an iframe (R-PAY-2).

The card number and security code are typed into a page served by the processor, on the processor's
origin; the browser posts them straight to the processor. This page only asks the iframe, by
``postMessage``, for the result: a token, the brand, the last 4 digits and the expiry. That result is
what reaches Billing Center's state; the number never does.
"""

from __future__ import annotations

import reflex as rx
from reflex_base.utils.format import format_queue_events

from billing_center.components.i18n import t

FRAME_ID = "card-fields"

# Compiled into the page (never evaluated from a string: the CSP has no 'unsafe-eval'); resolves with
# {token, brand, last4, exp_month, exp_year} or {error}. The iframe caches its answer for unchanged
# fields, so a double click gets one token.
TOKENISE_JS = """(() => {
  const frame = document.getElementById("FRAME_ID");
  if (!frame || !frame.contentWindow) return {error: "The card form is still loading. Try again."};
  const origin = new URL(frame.src).origin;
  const id = Math.random().toString(36).slice(2);
  return new Promise((resolve) => {
    const timer = setTimeout(() => { window.removeEventListener("message", onMessage);
      resolve({error: "The payment processor did not answer. Try again."}); }, 15000);
    function onMessage(event) {
      if (event.origin !== origin || !event.data || event.data.type !== "bc-card" || event.data.id !== id) return;
      clearTimeout(timer);
      window.removeEventListener("message", onMessage);
      const d = event.data;
      resolve(d.error ? {error: String(d.error)} : {token: d.token, brand: d.brand, last4: d.last4,
                                                    exp_month: d.exp_month, exp_year: d.exp_year});
    }
    window.addEventListener("message", onMessage);
    frame.contentWindow.postMessage({type: "bc-tokenise", id}, origin);
  });
})()""".replace("FRAME_ID", FRAME_ID)


def tokenise_card(callback) -> rx.event.EventSpec:
    """Ask the hosted fields for a token; ``callback`` receives the small result dict. Both the script
    and the callback are compiled functions (``rx.call_script`` would ``eval`` them)."""
    on_result = format_queue_events(callback, args_spec=lambda result: [result])
    script = rx.Var(f"() => Promise.resolve({TOKENISE_JS}).then({on_result})",
                    _var_data=on_result._get_all_var_data())
    return rx.call_function(script)


def pay_with_choice(select_id: str, on_card, on_saved) -> rx.event.EventSpec:
    """Complete a payment with what the "Pay with" select (``select_id``) shows at the click: a saved card
    (``on_saved`` receives its value) or, for "new" or no select, the hosted fields' token (``on_card``).
    Read in the browser, not from the page's state: a card chosen just before the click may not have
    reached the server yet, and the button would act on the previous choice."""
    card_cb = format_queue_events(on_card, args_spec=lambda result: [result])
    saved_cb = format_queue_events(on_saved, args_spec=lambda value: [value])
    script = rx.Var(
        f"() => {{ const select = document.getElementById({select_id!r}); "
        f"const choice = select ? select.value : \"new\"; "
        f"if (choice !== \"new\") {{ return ({saved_cb})(choice); }} "
        f"return Promise.resolve({TOKENISE_JS}).then({card_cb}); }}",
        _var_data=rx.vars.VarData.merge(card_cb._get_all_var_data(), saved_cb._get_all_var_data()))
    return rx.call_function(script)


def card_fields(processor_url: rx.Var) -> rx.Component:
    # The processor's address comes with the page's load event: a dialog opened before it shows a
    # spinner, never a frame on the console's own origin (which the CSP's frame-src refuses).
    return rx.box(
        rx.cond(
            processor_url != "",
            rx.el.iframe(
                src=processor_url + "/hosted-fields",
                id=FRAME_ID,
                title=t("Card details (secured by the payment processor)"),
                style={"border": "0", "width": "100%", "height": "190px", "display": "block"},
            ),
            rx.center(rx.spinner(size="3"), rx.text(t("Loading the card form…"), size="2", color_scheme="gray"),
                      role="status", height="190px", spacing="2", direction="column"),
        ),
        width="100%",
    )


def card_result_fields(card: dict) -> dict:
    """Keep only what Billing Center may hold: never anything but these five fields."""
    return {
        "token": str(card.get("token", ""))[:80],
        "brand": str(card.get("brand", ""))[:20],
        "last4": str(card.get("last4", ""))[-4:],
        "exp_month": str(card.get("exp_month", "")),
        "exp_year": str(card.get("exp_year", "")),
    }
