"""One module per route. Importing a module registers its pages (see aae_app.aae_app)."""
