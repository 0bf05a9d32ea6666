"""The sandbox from another stack: a Python client using only `requests` and its
Digest auth creates a customer, sets their gold and cash through the control API,
buys, moves the sandbox's clock until the old price token is refused as expired, and
reads the exchange log and the state snapshot; a change without credentials is a 401.

    python3 .ci/python_client.py http://127.0.0.1:4010
"""

import sys

import requests
from requests.auth import HTTPDigestAuth

URL = sys.argv[1].rstrip("/")
AUTH = HTTPDigestAuth("sandbox", "sandbox")
CUSTOMER = {
    "external_id": "PY-1",
    "firstname": "Ada",
    "lastname": "Lovelace",
    "email": "ada@example.com",
    "phone": "+441234567890",
    "identity_number": "00000000000",
}


def call(method, path, body=None, auth=AUTH, expect=200):
    answer = requests.request(method, URL + path, json=body, auth=auth, timeout=10)
    assert answer.status_code == expect, f"{method} {path}: {answer.status_code} {answer.text[:200]}"
    return answer.json()


def fix():
    body = {"type": "digital", "customer_external_id": CUSTOMER["external_id"]}
    return call("POST", "/partner/pricefix", body)["data"]["token"]


def buy(token, order, expect=200):
    body = {
        "price_token": token,
        "external_id": order,
        "customer": CUSTOMER,
        "items": [{"sku": "GAU", "amount": 0.5}],
    }
    return call("POST", "/partner/order/digital/buy", body, expect=expect)


call("POST", "/partner/customer", {k: CUSTOMER[k] for k in ("external_id", "firstname", "lastname", "email", "phone")})
call("PUT", "/_sandbox/balances", {"customer": "PY-1", "code": "MAU", "balance": "5"})
call("PUT", "/_sandbox/balances", {"customer": "PY-1", "code": "GBP", "balance": "100000"})
refused = call("PUT", "/_sandbox/balances", {"customer": "PY-1", "code": "MAU", "balance": "9"}, auth=None, expect=401)
assert refused["success"] is False, refused

token = fix()
bought = buy(token, "PY-ORDER-1")["data"]
call("POST", "/_sandbox/clock", {"advance_seconds": 241})
expired = buy(token, "PY-ORDER-2", expect=422)
assert "expired" in expired["message"] + str(expired.get("errors", "")), expired

log = call("GET", "/_sandbox/log", auth=None)["data"]["exchanges"]
assert any(entry.get("operation") == "buy" for entry in log), log[-3:]
assert "ada@example.com" not in str(log), "the log holds a customer's email"
state = call("GET", "/_sandbox/state", auth=None)["data"]
gold = next(
    w for c in state["customers"] if c["profile"]["external_id"] == "PY-1" for code, w in c["wallets"].items() if code == "MAU"
)
print(f"python client: bought {bought['order_code']}; the old token refused as expired; gold now {gold}; "
      f"{len(log)} exchanges logged; a change without credentials refused with 401")
