"""An honest "coming later" panel for sections that are not built yet."""

from __future__ import annotations

import reflex as rx


def coming_later(*, icon: str, title: str, description: str, points: list[str]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.center(
                rx.icon(icon, size=28, color=rx.color("indigo", 10)),
                width="56px", height="56px", border_radius="14px", background=rx.color("indigo", 3),
            ),
            rx.heading(title, size="5"),
            rx.text(description, color_scheme="gray", size="3", max_width="560px", align="center"),
            rx.vstack(
                *[rx.hstack(rx.icon("circle-check", size=16, color=rx.color("indigo", 9)),
                            rx.text(point, size="2"), align="center", spacing="2") for point in points],
                spacing="2",
                align="start",
            ),
            rx.badge("Coming in a later release", variant="surface", color_scheme="gray", radius="full"),
            spacing="4",
            align="center",
            padding_y="40px",
            width="100%",
        ),
        size="3",
        width="100%",
        class_name="coming-later",
    )
