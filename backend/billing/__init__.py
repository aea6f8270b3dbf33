"""Credit purchases through Stripe Checkout (or the local checkout simulator) and its webhooks."""
