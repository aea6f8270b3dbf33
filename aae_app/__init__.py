"""The Reflex UI of the AAE Web Platform. Pages → state → backend services; no SQL here."""
