"""A column chart drawn with the page's own boxes: no chart library in the page's scripts.

Overview shows twelve months of one or two currencies; recharts (about 75 KiB of gzip JavaScript) cost
that page more than everything else it shows (issue 13, first load). The bars' heights, amounts and
the text alternative are worked out by the state (``states/overview.py``); the page only draws them.
The Usage page, whose chart needs axes, values on the bars and a tooltip, keeps recharts.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import Var

from billing_center.components.i18n import t

PLOT_HEIGHT = "200px"


def _bar(bar) -> rx.Component:
    return rx.box(
        height=bar.height,
        width="100%",
        max_width="20px",
        min_height=rx.cond(bar.height == "0%", "0px", "2px"),
        background=bar.color,
        border_radius="3px 3px 0 0",
        title=bar.tip,
    )


def _column(month) -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.foreach(month.bars, _bar), align="end", justify="center", spacing="1", width="100%",
                  height=PLOT_HEIGHT, border_bottom="1px solid var(--gray-8)"),
        rx.text(month.label, size="1", color_scheme="gray", white_space="nowrap"),
        spacing="1",
        align="center",
        flex="1",
        min_width="0",
    )


def _key(series) -> rx.Component:
    return rx.hstack(
        rx.box(width="10px", height="10px", background=series.color, border_radius="2px"),
        rx.text(series.name, size="1"),
        align="center",
        spacing="1",
    )


def column_chart(months: Var, series: Var, *, summary: Var, top: Var) -> rx.Component:
    """Columns of ``months`` (``label``, ``bars`` of ``height`` / ``color`` / ``tip``), a key of ``series``
    (``name``, ``color``) and the tallest value ``top`` above the plot. Screen readers get ``summary`` (every
    month's amounts), as the bars are one image to them."""
    key = rx.hstack(rx.foreach(series, _key), rx.spacer(), rx.text(t("Highest: "), top, size="1", color_scheme="gray"),
                    width="100%", align="center", spacing="3")
    plot = rx.hstack(rx.foreach(months, _column), width="100%", spacing="0", align="end", role="img",
                     aria_label=summary)
    return rx.vstack(key, plot, width="100%", spacing="2")


__all__ = ["column_chart"]
