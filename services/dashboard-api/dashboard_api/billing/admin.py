"""GET and PUT /api/admin/billing-config/: the BillingConfig singleton.

For operators only: web does not forward /api/admin/..., and on Cloud Run
dashboard-api answers only callers that IAM lets invoke it. PUT takes the
fields to change (money as decimal strings, percentages as integers,
``vat_pct`` as a decimal string) and answers the whole saved config, or 400
naming each fault, having changed nothing.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, request

from dashboard_api.api_docs import documented, errors
from dashboard_api.billing import config_changes, responses
from dashboard_api.errors import BadRequest
from recs_shared.billing_config import BillingConfigSchema

log = logging.getLogger(__name__)
blueprint = Blueprint("billing_admin", __name__)

PATH = "/api/admin/billing-config/"

# What PUT takes, for /openapi.json: any of the fields, none required;
# updated_at is the service's to set.
CHANGES = BillingConfigSchema(partial=True, exclude=("updated_at",))


@blueprint.get(PATH)
@documented(
    "The BillingConfig (operators only)",
    {200: responses.BILLING_CONFIG, **errors(503)},
    tags=("admin",),
)
def show_config():
    config = config_changes.current(current_app.extensions["store"])
    return _answer(config)


@blueprint.put(PATH)
@documented(
    "Change BillingConfig fields (operators only)",
    {200: responses.BILLING_CONFIG, **errors(400, 503)},
    description="Send only the fields to change; the rest keep their value.",
    request_body=CHANGES,
    tags=("admin",),
)
def change_config():
    changes = request.get_json(silent=True)
    try:
        config = config_changes.update(current_app.extensions["store"], changes)
    except config_changes.ConfigError as error:
        log.warning("billing config change refused: %s", error.message)
        raise BadRequest(error.message, error.fields) from None

    log.info("billing config changed: %s", ", ".join(sorted(changes)))
    return _answer(config)


def _answer(config: dict):
    body = {"success": True, "data": config}
    return jsonify(responses.BILLING_CONFIG.dump(body))
