"""Digest for Schemathesis runs against the sandbox (see README.md here).

Every call gets HTTP Digest through requests' HTTPDigestAuth, in place of the
Authorization header Schemathesis generates from the spec's `digest` scheme, and
counts as explicitly authenticated, so that the `ignored_auth` check probes the
sandbox without credentials and with wrong ones. A negative case that removes
Authorization on purpose is sent without it.
"""

import os

import schemathesis
from requests.auth import HTTPDigestAuth
from schemathesis.generation.meta import negated_parameters

USERNAME = os.environ.get("MINTED_USERNAME", "sandbox")
PASSWORD = os.environ.get("MINTED_PASSWORD", "sandbox")


@schemathesis.hook
def before_call(context, case, kwargs):
    if any(name.lower() == "authorization" for name, _ in negated_parameters(case.meta)):
        return
    headers = kwargs.get("headers") or {}
    for name in [name for name in headers if name.lower() == "authorization"]:
        del headers[name]
    kwargs["auth"] = HTTPDigestAuth(USERNAME, PASSWORD)
    object.__setattr__(case, "_has_explicit_auth", True)
