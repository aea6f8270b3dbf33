"""Charts (recharts, light on the bundle and reactive with `list[dict]` data).

- `trend_chart(data, areas=[(key, label, color)], lines=[(key, label, color)], x_key=, height=)`:
  areas on the left axis (money), lines on the right axis (counts). Colors are Radix color
  names, so the chart follows light and dark mode.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

TICK = {"fontSize": 12, "fill": "var(--gray-10)"}
TOOLTIP_STYLE = {
    "background": "var(--color-panel-solid)",
    "border": "1px solid var(--gray-a5)",
    "borderRadius": "8px",
    "boxShadow": "var(--shadow-3)",
    "fontSize": "12px",
}


def _gradient(key: str, color: str) -> rx.Component:
    return rx.el.svg.linear_gradient(
        rx.el.svg.stop(stop_color=rx.color(color, 9), offset="5%", stop_opacity=0.35),
        rx.el.svg.stop(stop_color=rx.color(color, 9), offset="95%", stop_opacity=0.02),
        x1=0, x2=0, y1=0, y2=1, id=f"fill-{key}",
    )


def trend_chart(
    data: rx.Var[list[dict[str, Any]]],
    *,
    areas: list[tuple[str, Any, str]],
    lines: list[tuple[str, Any, str]] = (),
    x_key: str = "label",
    height: int = 280,
    element_id: str | None = None,
) -> rx.Component:
    children: list[rx.Component] = [
        rx.el.svg.defs(*[_gradient(key, color) for key, _, color in areas]),
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", stroke=rx.color("gray", 5), vertical=False),
        rx.recharts.x_axis(data_key=x_key, tick=TICK, tick_line=False, axis_line=False),
        rx.recharts.y_axis(y_axis_id="left", tick=TICK, tick_line=False, axis_line=False, width=56),
    ]
    if lines:
        children.append(rx.recharts.y_axis(y_axis_id="right", orientation="right", tick=TICK, tick_line=False,
                                           axis_line=False, width=40))
    for key, label, color in areas:
        children.append(rx.recharts.area(data_key=key, name=label, y_axis_id="left", type_="monotone",
                                         stroke=rx.color(color, 9), stroke_width=2, fill=f"url(#fill-{key})",
                                         is_animation_active=False))
    for key, label, color in lines:
        children.append(rx.recharts.line(data_key=key, name=label, y_axis_id="right", type_="monotone",
                                         stroke=rx.color(color, 9), stroke_width=2, dot=True,
                                         is_animation_active=False))
    children += [
        rx.recharts.graphing_tooltip(content_style=TOOLTIP_STYLE, label_style={"color": "var(--gray-11)"}),
        rx.recharts.legend(icon_type="circle", icon_size=8, wrapper_style={"fontSize": "12px"}),
    ]
    return rx.box(
        rx.recharts.composed_chart(*children, data=data, width="100%", height=height,
                                   margin={"top": 8, "right": 8, "left": 0, "bottom": 0}),
        width="100%",
        id=element_id,
        class_name="trend-chart",
    )
