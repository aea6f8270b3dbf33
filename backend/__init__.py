"""Everything of the AAE Web Platform that is not UI."""
