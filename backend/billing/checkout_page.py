"""The local checkout simulator's page (embedded shape only): no real payment is taken."""

from __future__ import annotations

from decimal import Decimal

from jinja2 import Environment

_env = Environment(autoescape=True)

_TEMPLATE = _env.from_string("""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>Test checkout — no real payment</title>
  <style>
    body { font-family: system-ui, sans-serif; background: #f4f4f7; margin: 0; padding: 3rem 1rem; color: #1c1c28; }
    main { max-width: 28rem; margin: 0 auto; background: #fff; border-radius: 12px; padding: 2rem;
           box-shadow: 0 2px 12px rgba(0, 0, 0, .08); }
    .banner { background: #fff4d6; border: 1px solid #f0c050; border-radius: 8px; padding: .75rem 1rem;
              font-weight: 600; margin-bottom: 1.5rem; }
    dl { display: grid; grid-template-columns: auto 1fr; gap: .5rem 1rem; }
    dt { color: #666; }
    dd { margin: 0; font-weight: 600; }
    .actions { display: flex; gap: .75rem; margin-top: 2rem; }
    button { flex: 1; padding: .75rem; font-size: 1rem; border-radius: 8px; border: 1px solid #ccc; cursor: pointer; }
    .pay { background: #4f46e5; border-color: #4f46e5; color: #fff; }
    .state { margin-top: 1.5rem; color: #666; }
  </style>
</head>
<body>
<main>
  <div class="banner" role="alert">Test checkout — no real payment</div>
  <h1>{{ package_name }}</h1>
  <dl>
    <dt>Order</dt><dd>#{{ order_id }}</dd>
    <dt>Credits</dt><dd>{{ credits }}</dd>
    <dt>Price</dt><dd>{{ price }}</dd>
    {% if email %}<dt>Email</dt><dd>{{ email }}</dd>{% endif %}
  </dl>
  {% if payable %}
  <div class="actions">
    <form method="post" action="{{ cancel_action }}">
      <input type="hidden" name="token" value="{{ token }}">
      <button type="submit" id="cancel">Cancel</button>
    </form>
    <form method="post" action="{{ pay_action }}" style="flex: 1; display: flex">
      <input type="hidden" name="token" value="{{ token }}">
      <button type="submit" class="pay" id="pay">Pay {{ price }}</button>
    </form>
  </div>
  {% else %}
  <p class="state" id="order-state">This order is {{ status }}; there is nothing to pay.</p>
  {% endif %}
</main>
</body>
</html>
""")

# The page's token sits in its URL: keep it out of referrers, caches and frames.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


def format_price(amount_cents: int, currency: str) -> str:
    return f"{Decimal(amount_cents) / 100:.2f} {currency.upper()}"


def render_checkout_page(
    *, order_id: int, package_name: str, credits: Decimal, amount_cents: int, currency: str,
    email: str | None, status: str, payable: bool, token: str, pay_action: str, cancel_action: str,
) -> str:
    return _TEMPLATE.render(
        order_id=order_id, package_name=package_name, credits=f"{credits:,.2f}".rstrip("0").rstrip("."),
        price=format_price(amount_cents, currency), email=email, status=status, payable=payable,
        token=token, pay_action=pay_action, cancel_action=cancel_action,
    )
