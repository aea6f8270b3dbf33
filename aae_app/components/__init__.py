"""Pure functions returning components: the shell, cards, tables."""
