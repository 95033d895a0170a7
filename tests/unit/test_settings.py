"""Settings: typed, read once, strict in production, documented in the README."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from recs_shared import settings
from recs_shared.settings import DashboardApiSettings, SettingsError, WebSettings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_local_profile_works_with_no_variables_at_all():
    config = settings.load(DashboardApiSettings, {})

    assert config.profile == "local"
    assert config.gcp_project == "recs-local"
    assert config.sqlite_path == settings.REPO_ROOT / ".local" / "dashboard.sqlite3"


def test_values_are_parsed_to_their_types():
    config = settings.load(
        WebSettings,
        {
            "RECS_API_TIMEOUT_SECONDS": "2.5",
            "RECS_API_IDENTITY_TOKEN": "yes",
            "RECS_DATA_DIR": "/tmp/x",
        },
    )

    assert config.api_timeout_seconds == Decimal("2.5")
    assert config.api_identity_token is True
    assert config.data_dir == Path("/tmp/x")


def test_lists_are_comma_separated():
    config = settings.load(
        DashboardApiSettings, {"RECS_PUSH_SERVICE_ACCOUNTS": " a@x.com, b@x.com ,"}
    )

    assert config.push_service_accounts == ("a@x.com", "b@x.com")


def test_production_refuses_to_start_naming_every_missing_value():
    with pytest.raises(SettingsError) as error:
        settings.load(DashboardApiSettings, {"RECS_PROFILE": "production"})

    message = str(error.value)
    for name in ("RECS_GCP_PROJECT", "RECS_REGION", "RECS_DASHBOARD_API_URL"):
        assert f"{name} is required in production" in message


def test_malformed_values_are_named_with_what_was_expected():
    with pytest.raises(SettingsError) as error:
        settings.load(
            WebSettings,
            {
                "RECS_PROFILE": "staging",
                "RECS_API_TIMEOUT_SECONDS": "-1",
                "RECS_API_IDENTITY_TOKEN": "maybe",
            },
        )

    message = str(error.value)
    assert (
        "RECS_PROFILE='staging': expected one of local, emulators, production"
        in message
    )
    assert "RECS_API_TIMEOUT_SECONDS='-1': expected a positive number" in message
    assert "RECS_API_IDENTITY_TOKEN='maybe': expected true or false" in message


def test_the_readme_documents_every_variable():
    readme = README.read_text()

    for row in settings.markdown_table().splitlines()[2:]:
        assert row in readme, f"README settings table is stale at: {row[:60]}"
