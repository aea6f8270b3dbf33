"""Tables: a header row from (text, align) pairs, a scrollable table shell, and a pager.

- `table_shell(header_cells, body, element_id=, min_width=)`: a Radix table that scrolls
  sideways on small screens.
- `header(*columns)`: each column a text/Var, or a (text, "end") pair for right-aligned numbers.
- `pager(label, on_prev=, on_next=, has_prev=, has_next=, element_id=)`: "1–20 of 57" with
  previous/next buttons; the label comes from the page state (formatted in the user's language).
- `numeric_cell(value)`: a right-aligned, tabular-figures cell.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from aae_app.i18n import t


def header(*columns: Any) -> rx.Component:
    cells = []
    for column in columns:
        if isinstance(column, tuple):
            text, align = column
            cells.append(rx.table.column_header_cell(text, justify=align, white_space="nowrap"))
        else:
            cells.append(rx.table.column_header_cell(column, white_space="nowrap"))
    return rx.table.header(rx.table.row(*cells))


def table_shell(head: rx.Component, body: rx.Component, *, element_id: str | None = None,
                min_width: str = "560px") -> rx.Component:
    return rx.box(
        rx.table.root(head, body, variant="ghost", size="2", width="100%", min_width=min_width, id=element_id),
        overflow_x="auto",
        width="100%",
    )


def numeric_cell(value: Any, **props: Any) -> rx.Component:
    return rx.table.cell(rx.text(value, font_variant_numeric="tabular-nums", white_space="nowrap", **props),
                         justify="end")


def pager(label: Any, *, on_prev: Any, on_next: Any, has_prev: Any, has_next: Any,
          element_id: str | None = None) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", color_scheme="gray", class_name="pager-label"),
        rx.spacer(),
        rx.button(rx.icon("chevron-left", size=16), t("common.previous"), variant="soft", color_scheme="gray",
                  size="2", on_click=on_prev, disabled=~has_prev, class_name="pager-prev"),
        rx.button(t("common.next"), rx.icon("chevron-right", size=16), variant="soft", color_scheme="gray",
                  size="2", on_click=on_next, disabled=~has_next, class_name="pager-next"),
        width="100%",
        align="center",
        spacing="2",
        id=element_id,
    )
