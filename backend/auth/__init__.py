"""Authentication: access JWTs, rotating refresh tokens, dev login, the current-user dependency."""
