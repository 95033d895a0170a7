"""Developer tooling: the local stack runners, emulators, demo data."""
