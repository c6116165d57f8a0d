"""Forms: labelled fields with their error next to them, and the one pattern that keeps what people type
(issue 14; every section's forms, including the pages added later, follow it).

What goes wrong without it: Reflex runs a page's load event (``on_load``) after a round trip through
the browser's event queue, so the first things a person does on a freshly opened page (typing,
autofill, a password manager, a quick click on the submit button) reach the server *before* the load
event. A load that resets the page's fields (``self.email = ""``, ``self.step = "email"``) then wipes
what was typed, or the result of the submit; a submit button disabled until hydration swallows the
click; the browser's own "required" bubble says nothing the page can show.

The pattern, written once:

1. **The load never overwrites what the person set first.** Every handler goes through
   ``@signed_in`` / ``@public`` (``states/session.py``), setters of fields included. A handler that runs
   before the page is hydrated notes the state vars it set; the page's load event (the handler marked
   ``page=True``: every ``on_load`` handler must be) runs as written and then puts those vars back as the
   person left them. So a load handler may reset its page freely; nothing else is needed in it.
2. **Text is read at submit.** Text fields of a submit form are uncontrolled inputs with a ``name``
   (:func:`labelled_input`, ``default_value`` for a prefill) inside :func:`submit_form`; the handler reads
   ``form_data`` (:func:`form_text`), never a var updated by a debounced ``on_change``. Controlled
   fields (``value=`` + ``on_change=``, filters that apply at once, selects) are fine under rule 1.
3. **A submit is never refused silently.** :func:`submit_form` turns the browser's validation off
   (``required`` stays for assistive technology): the service says what is missing ("Enter your work
   e-mail address.") at the field. :func:`submit_button` is never disabled while the page connects: a
   click before the websocket is up is queued by Reflex and sent as soon as it is connected.
4. **No submit before the page runs.** The production build serves each page prerendered: for the
   moment before React takes the page over, a form is plain HTML, and its submit (a click, the Enter
   key, a password manager's auto-submit) would be the browser's own: a GET of the page with every
   field in the address (the password in the history and the server's log), and no sign-in. So
   :func:`submit_button` is disabled in the prerendered page (a spinner) and enabled by React as it
   mounts (:data:`PAGE_RUNNING`, long before the websocket is up); an Enter in a field does nothing
   while the form's only submit button is disabled.

The end-to-end tests (``tests/e2e/test_forms_keep_input.py``) fill every form page at once after a
client-side navigation, also with ``SLOW_PAGE_LOAD_MS=500`` (the load event delayed, as on a slow
backend), where each page lost its input before this pattern.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var, VarData

from billing_center.components.i18n import document_title, t, tr

# True once React runs the page in this browser; False in the prerendered HTML (rule 4 above).
PAGE_RUNNING: Var[bool] = Var(
    _js_expr="pageRunning",
    _var_type=bool,
    _var_data=VarData(imports={"react": ["useState", "useEffect"]},
                      hooks={"const [pageRunning, setPageRunning] = useState(false)": None,
                             "useEffect(() => setPageRunning(true), [])": None}),
)


def labelled_input(label: str, name: str, error: rx.Var | str = "", *, kind: str = "text", hint: str | Var = "",
                   autocomplete: str = "off", **props) -> rx.Component:
    described = f"{name}-error"
    return rx.vstack(
        rx.el.label(tr(label), html_for=name, style={"fontSize": "14px", "fontWeight": 500}),
        rx.input(
            id=name,
            name=name,
            type=kind,
            auto_complete=autocomplete,
            size="3",
            width="100%",
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=described,
            **props,
        ),
        rx.text(tr(hint), size="1", color_scheme="gray") if isinstance(hint, Var) or hint else rx.fragment(),
        rx.cond(error != "", rx.text(error, id=described, color_scheme="red", size="1", role="alert")),
        spacing="1",
        width="100%",
    )


def error_of(state: type, key: str) -> Var:
    """The message a ``FieldErrors`` state (states/session.py) shows at ``key``: "" when there is none."""
    return state.errors.get(key, "")


def submit_form(*children: rx.Component, on_submit, **props) -> rx.Component:
    """A form whose fields are read at submit: kept as typed after submit, validated by the service."""
    return rx.form(*children, on_submit=on_submit, reset_on_submit=False, no_validate=True,
                   **{"width": "100%", **props})


def form_card(title: str, *children: rx.Component, on_submit, **props) -> rx.Component:
    """A card that is one submit form under its h2 ``title`` (an ``N_`` msgid); ``props`` lay out its column
    (``spacing`` "3" unless told, ``align``, ``max_width``)."""
    return rx.card(
        submit_form(rx.vstack(rx.heading(tr(title), size="4", as_="h2"), *children,
                              **{"spacing": "3", "width": "100%", **props}), on_submit=on_submit),
        width="100%",
    )


def submit_button(*children, **props) -> rx.Component:
    """The form's submit button: active from the moment the page runs, connected or not (rules 3, 4)."""
    disabled = props.pop("disabled", None)
    waiting = ~PAGE_RUNNING if disabled is None else (~PAGE_RUNNING) | disabled
    return rx.button(*children, type="submit", disabled=waiting, loading=~PAGE_RUNNING, **props)


def public_form(*fields: rx.Component, submit: str | Var, on_submit) -> rx.Component:
    """The form of a visitor's page (sign-in, access, activate): its ``fields`` one under another, then its
    wide ``submit`` button (an ``N_`` msgid or a translated Var)."""
    return submit_form(
        rx.vstack(*fields, submit_button(tr(submit), size="3", width="100%"), spacing="4", width="100%"),
        on_submit=on_submit,
    )


def public_heading(text: str) -> rx.Component:
    """The h1 of a visitor's page (mark ``text`` with ``N_``), also the browser tab's title."""
    return rx.heading(tr(text), document_title(text), size="6", as_="h1")


def public_card(*children: rx.Component, width: str = "440px", brand: rx.Component | None = None) -> rx.Component:
    """The centred card of the pages a visitor sees before signing in (sign-in, access, activate). Beside the
    logo, ``brand`` (the sign-in page's h1) or the product's name."""
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(rx.icon("wallet", size=26),
                          brand if brand is not None else rx.text("Billing Center", size="6", weight="bold"),
                          align="center", spacing="2"),
                *children,
                spacing="4",
                width="100%",
            ),
            size="4",
            width=width,
            max_width="94vw",
        ),
        min_height="100vh",
        padding_y="32px",
        background=rx.color("gray", 2),
    )


def form_text(form_data: dict, name: str) -> str:
    """A submitted field as text. Reflex sends None for a field that is not on screen."""
    value = form_data.get(name)
    return "" if value is None else str(value)


def search_form(label: str, query: Var, *, on_submit) -> rx.Component:
    """A list's search box (a submit form, rule 2): the field starts from the query of the page's address
    and is re-created when that query changes (the browser's back and forward). Its page empties the
    query as it is left (``console_page(on_leave=...)``), so the next visit does not start from this
    one's: its load would change the query, and re-create the field, under what the person typed."""
    return submit_form(
        rx.hstack(
            rx.el.label(tr(label), html_for="q", style={"fontSize": "14px", "fontWeight": 500}),
            rx.input(id="q", name="q", default_value=query, placeholder=t("Name or e-mail"), key=query),
            submit_button(rx.icon("search", size=14), t("Search"), variant="soft"),
            align="center",
            spacing="2",
        ),
        on_submit=on_submit,
        width="auto",
    )
