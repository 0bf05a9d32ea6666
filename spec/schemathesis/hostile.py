"""A hostile client against a running sandbox, as a partner's Python back office could
be (see README.md here): overflowing totals, stalled and malformed bodies, values a
refusal must not echo, megabyte ids on a hundred lines, replayed nonce counts. Each
check prints one line; the exit status is the number that failed.

    python3 hostile.py http://127.0.0.1:4013 SANDBOX_PID
"""

import hashlib
import json
import os
import socket
import sys
import time
import urllib.parse

import requests
from requests.auth import HTTPDigestAuth

BASE, PID = sys.argv[1], int(sys.argv[2])
AUTH = HTTPDigestAuth("sandbox", "sandbox")
HEADERS = {"api-version": "2", "Content-Type": "application/json"}
HOST, PORT = urllib.parse.urlsplit(BASE).hostname, urllib.parse.urlsplit(BASE).port
failed = 0


def check(name, ok, detail=""):
    global failed
    failed += 0 if ok else 1
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")


def rss_mb():
    with open(f"/proc/{PID}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) // 1024


class NoAnswer:
    """What a call that got no HTTP answer (the connection dropped) reads as."""
    status_code, content = 0, b""

    def __init__(self, error):
        self.text = f"no answer: {error}"

    def json(self):
        return {"message": self.text, "data": {}}


def call(method, path, body=None, version="2"):
    try:
        return requests.request(method, BASE + path, auth=AUTH, data=None if body is None else json.dumps(body),
                                headers={**HEADERS, "api-version": version}, timeout=60)
    except requests.RequestException as error:
        return NoAnswer(error)


def digest_header(method, path, nc="00000001"):
    """An Authorization for one request, answered by hand (for raw sockets)."""
    challenge = requests.request(method, BASE + path, timeout=10).headers["WWW-Authenticate"]
    params = dict(part.strip().split("=", 1) for part in challenge[len("Digest "):].split(", "))
    params = {k: v.strip('"') for k, v in params.items()}
    algo = params["algorithm"]
    h = (lambda s: hashlib.sha256(s.encode()).hexdigest()) if algo == "SHA-256" else (lambda s: hashlib.md5(s.encode()).hexdigest())
    ha1, ha2 = h(f"sandbox:{params['realm']}:sandbox"), h(f"{method}:{path}")
    response = h(f"{ha1}:{params['nonce']}:{nc}:c0ffee:auth:{ha2}")
    return (f'Digest username="sandbox", realm="{params["realm"]}", nonce="{params["nonce"]}", uri="{path}", '
            f'algorithm={algo}, qop=auth, nc={nc}, cnonce="c0ffee", response="{response}", opaque="{params["opaque"]}"')


def raw(request, wait=30):
    with socket.create_connection((HOST, PORT), timeout=wait) as s:
        s.sendall(request)
        started, reply = time.monotonic(), b""
        try:
            while chunk := s.recv(65536):
                reply += chunk
        except socket.timeout:
            pass
        return reply.decode("latin-1"), time.monotonic() - started


customer = {"external_id": "HOSTILE-1", "firstname": "Ada", "lastname": "Lovelace", "email": "ada@example.org"}
call("POST", "/partner/customer", customer)
buyer = {**customer, "phone": "+440000000000", "identity_number": "00000000000"}

# 1. Totals past what an exact decimal holds: refused, nothing moved, the id still free.
token = call("POST", "/partner/pricefix", {"type": "digital", "customer_external_id": "HOSTILE-1"}, "3").json()["data"]["token"]
huge = {"sku": "GAU", "amount": 20000000000000000000000000}
r = call("POST", "/partner/order/digital/buy", {"price_token": token, "external_id": "OVER-1", "customer": buyer, "items": [huge, huge]})
check("overflowing total is a 422 naming the rule", r.status_code == 422 and "too large" in r.json()["message"], f"{r.status_code} {r.text[:120]}")
balances = call("GET", "/partner/balance/customer/HOSTILE-1").json()["data"]
check("nothing moved", all(b["balance"] == 0 for b in balances), str([b["balance"] for b in balances]))
order = call("GET", "/partner/order/OVER-1")
check("no order was kept", order.status_code == 422, f"{order.status_code}")
r = call("POST", "/partner/order/digital/buy", {"price_token": token, "external_id": "OVER-1", "customer": buyer, "items": [{"sku": "GAU", "amount": 1}]})
check("the refused order's id is still free", r.status_code == 200, str(r.status_code))

# 2. Values a refusal must not echo.
secrets = ["98765432109", "447700900123", "Zq-Secret-Gender", "HIDDEN-ID-1815"]
r = call("POST", "/partner/customer", {"external_id": "ECHO-1", "identity_number": 98765432109, "phone": 447700900123, "gender": "Zq-Secret-Gender"})
check("numbers and a non-enum value are not echoed", r.status_code == 422 and not any(s in r.text for s in secrets), r.text[:300])
r = call("GET", "/partner/customerz/HIDDEN-ID-1815")
check("an unknown path is not echoed", r.status_code == 404 and "HIDDEN" not in r.text, f"{r.status_code} {r.text[:120]}")

# 3. Megabyte ids on a hundred lines, and megabyte orders the rules accept.
before, sizes, slowest = rss_mb(), [], 0.0
for round in range(3):
    for external_id, note in ((f"{round}" + "I" * 1_000_000, ""), (f"PADDED-{round}", "x" * 10_000)):
        body = {"price_token": token, "external_id": external_id, "customer": buyer,
                "items": [{"sku": "GAU", "amount": 1, "note": note}] * 100}
        started = time.monotonic()
        r = call("POST", "/partner/order/digital/buy", body)
        slowest = max(slowest, time.monotonic() - started)
        sizes.append((r.status_code, len(r.content)))
grown = rss_mb() - before
check("1 MB ids refused, 1 MB orders answered", [s for s, _ in sizes] == [422, 200] * 3, str(sizes))
check("each answer under 2 MB", all(n < 2_000_000 for _, n in sizes), f"largest {max(n for _, n in sizes)} bytes")
check("RSS within +100 MB", grown < 100, f"+{grown} MB, slowest call {slowest * 1000:.0f} ms")

# 4. A stalled body: refused at once without credentials, 408 with them.
head = "POST /partner/customer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\napi-version: 2\r\nContent-Length: 1000\r\n"
reply, took = raw((head + "\r\n{").encode())
check("a stalled body without credentials is refused at once", reply.startswith("HTTP/1.1 401") and took < 2, f"{reply[:12]!r} in {took:.1f} s")
reply, took = raw((head + f"Authorization: {digest_header('POST', '/partner/customer')}\r\n\r\n{{").encode())
check("a stalled body with credentials gets a 408", reply.startswith("HTTP/1.1 408") and took < 15, f"{reply[:12]!r} in {took:.1f} s")

# 5. A nonce count with a sign is not a count.
auth = digest_header("GET", "/partner/customer/HOSTILE-1", nc="+0000002")
reply, _ = raw(f"GET /partner/customer/HOSTILE-1 HTTP/1.1\r\nHost: x\r\napi-version: 2\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n".encode())
check("nc=+0000002 is refused", reply.startswith("HTTP/1.1 401"), reply[:12])

sys.exit(failed)
