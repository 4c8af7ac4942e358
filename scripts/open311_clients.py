"""Open311 GeoReport v2 through two client libraries from PyPI, against a running duban server.

`open311` 1.1 (Code for America's Python wrapper, Python 2 only) posts requests the way it always
has: `api_key` and `jurisdiction_id` in the query string, the fields as a form body, in XML and in
JSON. `georeport` 0.3 (Python 3, requests + xmltodict) reads everything back in both formats:
services, a service definition, a list by comma-separated ids, one request. The script fails on the
first answer that is not what the specification and the posted values say.

Usage: open311_clients.py BASE_URL API_KEY PYTHON2 PY2_SITE
(BASE_URL ends in /open311/v2; PYTHON2 runs the Python 2 client with PY2_SITE on its path.)
"""

import json
import os
import subprocess
import sys

from georeport import GeoReport

BASE, KEY, PYTHON2, PY2_SITE = sys.argv[1:5]

# The Python 2 client, run as its users run it; it prints what each POST returned, as JSON.
POST_WITH_OPEN311_PY2 = r"""
# -*- coding: utf-8 -*-
import json, sys
from open311 import Open311
base, key = sys.argv[1], sys.argv[2]
out = {}
for fmt in ('xml', 'json'):
    api = Open311(endpoint=base, format=fmt, api_key=key, jurisdiction='')
    posted = api.post_service_request(
        service_code='0101', description=u'open311-py2 %s: 小区电梯停运三天'.encode('utf-8') % fmt,
        lat='36.81', long='118.32', first_name='Lei', last_name='Li', phone='13800001111')
    if fmt == 'xml':
        posted = posted['service_requests']['request']
    else:
        posted = posted[0]
    out[fmt] = posted
    token = posted['service_request_id']
    # The client's own read-back (its JSON path expects an XML-shaped answer, so XML only). duban
    # answers a POST with the service_request_id itself, never a token to trade in later.
    if fmt == 'xml':
        out['xml_read'] = api.get_service_request(token)['service_requests']['request']
print(json.dumps(out))
"""


def fail(what, got):
    sys.exit(f"open311 clients: {what}: {json.dumps(got, ensure_ascii=False)[:600]}")


def check(cond, what, got):
    if not cond:
        fail(what, got)


env = dict(os.environ, PYTHONPATH=PY2_SITE, PYTHONIOENCODING="utf-8")
run = subprocess.run([PYTHON2, "-c", POST_WITH_OPEN311_PY2, BASE, KEY], env=env, capture_output=True, text=True)
check(run.returncode == 0, "the Python 2 open311 client failed", run.stderr)
posted = json.loads(run.stdout)
ids = {fmt: posted[fmt]["service_request_id"] for fmt in ("xml", "json")}
for fmt, one in posted.items():
    if fmt in ("xml", "json"):
        check(one.get("service_request_id"), f"POST in {fmt} gave no service_request_id", one)
        check("service_notice" in one, f"POST in {fmt} gave no service_notice", one)
check(posted["xml_read"]["service_request_id"] == ids["xml"], "open311 read-back by id", posted["xml_read"])

for fmt in ("json", "xml"):
    client = GeoReport(BASE, output_format=fmt)
    services = client.get_service_list()
    check(any(s["service_code"] == "0101" for s in services), f"georeport services ({fmt})", services[:2])
    definition = client.get_service_definition("0101")
    if fmt == "xml":
        definition = definition["attributes"]["attribute"]
    else:
        definition = definition["attributes"]
    check(any(a["code"] == "request_type" for a in definition), f"georeport definition ({fmt})", definition)
    both = client.get_service_requests(service_request_id=f"{ids['xml']},{ids['json']}")
    check(
        sorted(r["service_request_id"] for r in both) == sorted(ids.values()),
        f"georeport list by comma-separated ids ({fmt})",
        both,
    )
    for posted_in, sid in ids.items():
        one = client.get_service_request(sid)
        check(one["service_request_id"] == sid, f"georeport one request ({fmt})", one)
        check(one["description"] == f"open311-py2 {posted_in}: 小区电梯停运三天", f"description read back ({fmt})", one)
        check(one["service_code"] == "0101" and one["status"] == "open", f"code and status ({fmt})", one)
        check(one["requested_datetime"].endswith("+08:00"), f"requested_datetime offset ({fmt})", one)
        check(one.get("phone") is None and one.get("first_name") is None, f"caller data leaked ({fmt})", one)
    only_open = client.get_service_requests(service_code="0101", status="open")
    check(only_open and all(r["status"] == "open" for r in only_open), f"georeport status filter ({fmt})", only_open[:2])
    check(
        only_open == sorted(only_open, key=lambda r: r["requested_datetime"], reverse=True),
        f"georeport list newest first ({fmt})",
        [r["requested_datetime"] for r in only_open[:5]],
    )

print(f"open311 clients: posted {ids['xml']} (XML) and {ids['json']} (JSON) with open311 1.1; read back with georeport 0.3 in JSON and XML")
