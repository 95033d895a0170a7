"""Cloud Scheduler jobs created from code: the set-up commands and endpoint."""
