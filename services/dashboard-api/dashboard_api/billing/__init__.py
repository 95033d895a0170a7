"""dashboard-api's billing side: from billing.snapshot events to the invoice.

- ``intake``: the push handler; stores each day's event and projects it.
- ``months``: each month's read model, recomputed from the month's stored
  snapshots on write; it keeps each day's display rate.
- ``invoice``, ``estimate``, ``charts``: the figures, from read models only.
- ``routes`` and ``admin``: the client APIs and the BillingConfig admin API.
- ``rerate`` and ``config_cli``: the operators' commands.

docs/billing.md explains the amounts; docs/api.md the responses.
"""
