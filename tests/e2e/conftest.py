"""Browser fixtures (headless Chromium from Debian, through Playwright)."""

import pytest

# The page checks live in a support module; show their diffs when they fail.
pytest.register_assert_rewrite("tests.support.dashboard_page")

from tests.support.web import browser_page, chromium  # noqa: E402, F401
