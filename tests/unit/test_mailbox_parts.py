"""The demo mailbox turns an e-mail's links into buttons named by the line before them."""

from billing_center.states.mailbox import MessagePart, message_parts


def test_links_become_buttons_named_by_the_line_before():
    body = "Hello,\n\nYou asked for access.\n\nActivate my account:\nhttp://localhost:3000/activate?token=abc\n\nBye"
    assert message_parts(body) == [
        MessagePart("Hello,\n\nYou asked for access."),
        MessagePart("Activate my account", href="http://localhost:3000/activate?token=abc", is_link=True),
        MessagePart("Bye"),
    ]


def test_a_link_without_a_label_line_is_called_open_link():
    assert message_parts("See https://example.com/x for more\nhttps://example.com/y") == [
        MessagePart("See https://example.com/x for more"),
        MessagePart("Open link", href="https://example.com/y", is_link=True),
    ]


def test_the_mailbox_is_on_only_in_the_demo_without_smtp(monkeypatch):
    from billing_center.settings import get_settings
    from billing_center.states.mailbox import mailbox_on

    settings = get_settings()
    monkeypatch.setattr(settings, "smtp_host", None)
    monkeypatch.setattr(settings, "demo_mailbox", True)
    assert mailbox_on()
    monkeypatch.setattr(settings, "smtp_host", "smtp.example.com")
    assert not mailbox_on()
    monkeypatch.setattr(settings, "smtp_host", None)
    monkeypatch.setattr(settings, "demo_mailbox", False)
    assert not mailbox_on()
