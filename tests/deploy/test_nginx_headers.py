"""The nginx template against the API's own settings, read as text (no nginx, no containers): the security
headers nginx adds are exactly backend/denoiser/serving/security.py's, the Content-Security-Policy the very
same string, so the two cannot drift; the rate-limit knobs have one default everywhere.

tests/deploy/test_nginx_e2e.py checks the headers on real answers of nginx; tests/containers/ in the
web image."""

from __future__ import annotations

import re

import pytest
import yaml

from denoiser.serving import security


def header_maps(template: str) -> dict[str, tuple[str, str]]:
    """{response header: (nginx variable, value sent when the answer lacks it)} from the template's
    `map $upstream_http_<header> $var { "" "value"; default ""; }` blocks and their add_header lines."""
    maps = {}
    for source, variable, body in re.findall(r"map \$upstream_http_(\w+) (\$\w+) \{(.*?)\}", template, re.DOTALL):
        entries = dict(re.findall(r'^\s*("[^"]*"|\S+)\s+("[^"]*"|\S+);\s*$', body, re.MULTILINE))
        assert entries.get("default") == '""', f"{source}: an answer that has the header keeps it alone"
        maps[source] = (variable, entries['""'].strip('"'))
    headers = {}
    for name, variable in re.findall(r"^\s*add_header ([\w-]+) (\$\w+) always;", template, re.MULTILINE):
        source = name.lower().replace("-", "_")
        if source in maps and maps[source][0] == variable:
            headers[name] = (variable, maps[source][1])
    return headers


def test_nginx_sends_the_api_security_headers_with_the_same_values(kit):
    headers = header_maps(kit.NGINX_TEMPLATE.read_text())
    assert {name: value for name, (_, value) in headers.items() if name in security.HEADERS} == security.HEADERS


def test_the_csp_is_the_api_policy_string_and_appears_once(kit):
    template = kit.NGINX_TEMPLATE.read_text()
    assert header_maps(template)["Content-Security-Policy"][1] == security.CONTENT_SECURITY_POLICY
    # One copy only (nothing else in the template carries a policy that could drift).
    assert template.count("default-src") == 1 and template.count("frame-ancestors") == 1


def test_security_headers_are_set_at_server_level_only(kit):
    # nginx drops the server's add_header lines in a location that has one of its own: there must be none.
    template = kit.NGINX_TEMPLATE.read_text()
    server = template[template.index("server {"):]
    for block in re.findall(r"\n    location [^{]*\{(.*?)\n    \}", server, re.DOTALL):
        assert "add_header" not in block, block


RATE_VARIABLES = ["RATE_LIMIT_API", "RATE_LIMIT_API_BURST", "RATE_LIMIT_COMPARE", "RATE_LIMIT_COMPARE_BURST",
                  "RATE_LIMIT_RETRY_AFTER", "REAL_IP_FROM"]


def test_rate_limits_are_template_variables_with_one_default(kit, stages):
    template = kit.NGINX_TEMPLATE.read_text()
    web_env = stages["web"].env()
    compose = yaml.safe_load(kit.COMPOSE_FILE.read_text())
    compose_env = compose["services"]["web"]["environment"]
    for name in RATE_VARIABLES:
        assert "${" + name + "}" in template, name
        # compose passes ${NAME:-default}: the same default as the image's ENV.
        assert compose_env[name] == f"${{{name}:-{web_env[name]}}}", name
    for name in ("RATE_LIMIT_API", "RATE_LIMIT_COMPARE"):
        assert re.fullmatch(r"\d+r/[sm]", web_env[name]), name
    for name in ("RATE_LIMIT_API_BURST", "RATE_LIMIT_COMPARE_BURST", "RATE_LIMIT_RETRY_AFTER"):
        assert web_env[name].isdigit(), name


def per_second(rate: str) -> float:
    number, unit = re.fullmatch(r"(\d+)r/([sm])", rate).groups()
    return int(number) / (60 if unit == "m" else 1)


def test_retry_after_covers_one_request_of_each_zone(stages):
    # After a 429, waiting Retry-After seconds frees at least one request in either zone.
    env = stages["web"].env()
    for zone in ("RATE_LIMIT_API", "RATE_LIMIT_COMPARE"):
        assert int(env["RATE_LIMIT_RETRY_AFTER"]) >= 1 / per_second(env[zone]), zone
    # /compare is the stricter zone.
    assert per_second(env["RATE_LIMIT_COMPARE"]) < per_second(env["RATE_LIMIT_API"])
    assert int(env["RATE_LIMIT_COMPARE_BURST"]) <= int(env["RATE_LIMIT_API_BURST"])


@pytest.mark.parametrize("name", ["RATE_LIMIT_API", "RATE_LIMIT_COMPARE"])
def test_the_documented_defaults_are_the_images(kit, stages, name):
    text = (kit.ROOT / "docs" / "deployment.md").read_text()
    assert f"`{name}` | `{stages['web'].env()[name]}`" in text
