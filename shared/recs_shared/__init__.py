"""Recs Studio System Dashboard: the code every service shares."""
