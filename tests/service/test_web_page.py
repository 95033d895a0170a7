"""The web service over HTTP: identity, security headers, the server-rendered
Your Projects chapter and project page, /api forwarding, compression."""

from __future__ import annotations

import copy
from html.parser import HTMLParser

import pytest

from tests.support import api_double, web
from tests.support.servers import free_port

PRODUCTION = {
    "RECS_PROFILE": "production",
    "RECS_REGION": "europe-central2",
}


@pytest.fixture
def double():
    stand_in = api_double.ApiDouble(api_double.demo_payloads())
    server = web.start(stand_in.app)
    stand_in.url = server.url
    yield stand_in
    server.stop()


def client_for(double, tmp_path, **extra):
    return web.web_app(double.url, tmp_path / "data", **extra).test_client()


class InlineCode(HTMLParser):
    """Counts what a strict CSP would block: inline scripts, styles, handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        if "style" in names:
            self.found.append(f"style attribute on <{tag}>")
        self.found += [f"{n} on <{tag}>" for n in names if n.startswith("on")]


def test_page_shows_project_id_and_the_development_identity_locally(double, tmp_path):
    page = client_for(double, tmp_path).get("/")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert (
        '<span class="text-5xl font-bold text-blue-900" id="projectId">b2b-recs' in html
    )
    assert (
        '<span class="text-sm text-gray-600" id="userIdentity">developer@localhost'
        in html
    )
    assert "(development identity)" in html


def test_production_refuses_requests_that_did_not_come_through_iap(double, tmp_path):
    client = client_for(double, tmp_path, **PRODUCTION)

    page = client.get("/")
    api = client.get("/api/system/kpis/")

    assert page.status_code == 401
    assert "only served through Identity-Aware Proxy" in page.get_data(as_text=True)
    assert api.status_code == 401
    assert api.get_json()["success"] is False
    assert client.get("/healthz").status_code == 200


def test_production_shows_the_identity_iap_passes(double, tmp_path):
    client = client_for(double, tmp_path, **PRODUCTION)

    page = client.get(
        "/",
        headers={
            "X-Goog-Authenticated-User-Email": "accounts.google.com:alice@example.com"
        },
    )

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="userIdentity">alice@example.com<' in html
    assert "development identity" not in html


def test_every_page_has_a_strict_csp_and_no_inline_code(double, tmp_path):
    client = client_for(double, tmp_path)

    for path in ("/", "/projects/p-shop", "/projects/nope", "/fragments/projects"):
        answer = client.get(path)
        policy = answer.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy, path
        assert "style-src 'self';" in policy, path
        assert "unsafe-inline" not in policy, path
        parser = InlineCode()
        parser.feed(answer.get_data(as_text=True))
        assert parser.found == [], path


def test_projects_chapter_is_rendered_by_the_server_from_the_api(double, tmp_path):
    double.payloads["projects"]["data"]["projects"][0]["name"] = "<script>x</script>"

    html = client_for(double, tmp_path).get("/").get_data(as_text=True)

    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>x</script>" not in html
    assert html.count('class="project-card ') == 3
    assert 'id="kpiTrainings">120<' in html
    assert 'id="kpiRetrieval">31,9%<' in html
    assert 'id="kpiHybrid">--<' in html
    assert 'href="/projects/p-shop"' in html


def test_unknown_project_is_a_404_page_naming_it(double, tmp_path):
    answer = client_for(double, tmp_path).get("/projects/p-missing")

    assert answer.status_code == 404
    assert "There is no project with the id p-missing." in answer.get_data(as_text=True)


def test_a_malformed_project_id_is_a_404_without_asking_the_api(tmp_path):
    closed = f"http://127.0.0.1:{free_port()}"
    client = web.web_app(closed, tmp_path / "data").test_client()

    answer = client.get("/projects/not.an.id")

    assert answer.status_code == 404
    assert "There is no project with that id." in answer.get_data(as_text=True)


def test_api_down_still_renders_the_page_with_a_notice(tmp_path):
    closed = f"http://127.0.0.1:{free_port()}"
    client = web.web_app(closed, tmp_path / "data").test_client()

    page = client.get("/")
    project = client.get("/projects/p-shop")
    forwarded = client.get("/api/system/kpis/")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Projects could not be loaded: dashboard-api is unreachable" in html
    assert 'id="kpiProjects">0<' in html
    assert project.status_code == 502
    assert forwarded.status_code == 502
    assert forwarded.get_json()["error"] == "dashboard-api is unreachable"


def test_cross_site_post_is_refused_and_changes_nothing(double, tmp_path):
    client = client_for(double, tmp_path)
    before = copy.deepcopy(double.payloads["projects"])

    refused = client.post(
        "/api/system/projects/",
        json={"name": "evil"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    created = client.post(
        "/api/system/projects/",
        json={"name": "fine"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )

    assert refused.status_code == 403
    assert created.status_code == 201
    names = [p["name"] for p in double.payloads["projects"]["data"]["projects"]]
    assert "evil" not in names
    assert len(names) == len(before["data"]["projects"]) + 1


def test_head_of_a_page_api_is_its_get_without_the_body(double, tmp_path):
    client = client_for(double, tmp_path)

    head = client.head("/api/system/kpis/")
    get = client.get("/api/system/kpis/")

    assert head.status_code == get.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]


def test_only_the_page_apis_are_forwarded(double, tmp_path):
    answer = client_for(double, tmp_path).get("/api/admin/billing-config/")

    assert answer.status_code == 404
    assert "is not an API of this page" in answer.get_json()["error"]


def test_assets_are_served_compressed(double, tmp_path):
    web.require_assets()
    client = client_for(double, tmp_path)

    for path in ("/static/dist/js/chart.umd.js", "/static/dist/css/app.css", "/"):
        # What Chromium accepts; static files are streamed, which Flask-Compress
        # sends with brotli (it streams no gzip).
        answer = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert answer.headers.get("Content-Encoding") == "br", path
