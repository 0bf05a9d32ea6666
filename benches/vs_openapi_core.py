"""verify against openapi-core, on the same HAR of 10,000 exchanges, in one run.

    pip install openapi-core
    cargo build --release -p xtask && cargo xtask bundle
    python3 benches/vs_openapi_core.py

Writes the HAR (the recordings cycled) into target/, times openapi-core validating
each entry's request and response against the bundled spec, then times
`target/release/xtask verify --strict` on the same file, and prints the ratio. Not
part of CI: it needs Python and openapi-core.
"""

import glob
import json
import os
import subprocess
import time
from urllib.parse import urlparse

from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXCHANGES = 10_000
HOST = "https://api.staging.mintedconnect.com"


def entries():
    """The recordings as HAR entries (as spec/tests/support/har.rs writes them)."""
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "spec/recordings/*/*.json"))):
        recording = json.load(open(path))
        request = recording["request"]
        url = HOST + request["path"]
        if "query" in request:
            url += "?" + "&".join(f"{k}={v}" for k, v in request["query"].items())
        har_request = {
            "method": request["method"],
            "url": url,
            "headers": [{"name": k, "value": v} for k, v in request.get("headers", {}).items()],
        }
        if "body" in request:
            har_request["postData"] = {"mimeType": "application/json", "text": json.dumps(request["body"])}
        response = recording.get("response", {})
        content = {"mimeType": "application/json", "text": json.dumps(response["body"])} if "body" in response else {"mimeType": "", "text": ""}
        out.append({"request": har_request, "response": {"status": response.get("status", 0), "content": content}})
    return out


def main():
    recorded = entries()
    har = [recorded[i % len(recorded)] for i in range(EXCHANGES)]
    path = os.path.join(ROOT, "target", "openapi-core-10k.har")
    with open(path, "w") as f:
        json.dump({"log": {"version": "1.2", "creator": {"name": "bench", "version": "1"}, "entries": har}}, f)

    spec = OpenAPI.from_file_path(os.path.join(ROOT, "target/openapi/minted-connect.json"))
    started = time.perf_counter()
    failures = 0
    for entry in har:
        request, response = entry["request"], entry["response"]
        url = urlparse(request["url"])
        body = request.get("postData", {}).get("text")
        headers = {h["name"]: h["value"] for h in request["headers"]}
        # The spec's `digest` security asks for the header; its value is not checked.
        headers["Authorization"] = 'Digest username="partner"'
        mock_request = MockRequest(HOST, request["method"].lower(), url.path, args=dict(p.split("=", 1) for p in url.query.split("&") if p), headers=headers, data=body)
        try:
            spec.validate_request(mock_request)
        except Exception:
            failures += 1
        if response["status"]:
            mock_response = MockResponse(response["content"]["text"].encode(), status_code=response["status"], content_type="application/json")
            try:
                spec.validate_response(mock_request, mock_response)
            except Exception:
                failures += 1
    python = time.perf_counter() - started

    started = time.perf_counter()
    subprocess.run([os.path.join(ROOT, "target/release/xtask"), "verify", "--strict", path], stdout=subprocess.DEVNULL, check=False, cwd=ROOT)
    ours = time.perf_counter() - started
    print(f"openapi-core {python:.2f} s for {EXCHANGES} exchanges ({EXCHANGES / python:.0f}/s, {failures} validation failures)")
    print(f"xtask verify --strict {ours:.3f} s for the same HAR, start-up included ({EXCHANGES / ours:.0f}/s)")
    print(f"ratio: verify is {python / ours:.0f}x openapi-core")


if __name__ == "__main__":
    main()
