"""dashboard-api's billing side: from billing.snapshot events to the invoice.

- ``intake``: the push handler; stores each day's event and projects it.
- ``ledgers``: per month, each day's client lines with the display rate kept
  since the day was first stored, and the month's read model for the page.
- ``invoice``, ``estimate``, ``charts``: the figures, from read models only.
- ``routes`` and ``admin``: the client APIs and the BillingConfig admin API.
- ``rerate`` and ``config_cli``: the operators' commands.

docs/billing.md explains the amounts; docs/api.md the responses.
"""
