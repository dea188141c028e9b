"""
What the client scripts share: where thinkgate is, and a runner that calls
each scenario, keeps what it returned (or the exception it raised, with its
traceback) and prints everything as one JSON document, so that one Python
process serves a whole test file and one failing scenario fails only its test.
"""

import json
import os
import sys
import traceback

BASE_URL = os.environ["THINKGATE_BASE_URL"]  # thinkgate's /api: the SDKs add /v1/...
KEY = os.environ["THINKGATE_KEY"]
WRONG_KEY = "tg_not_a_key"


def thinkgate_headers(headers):
    """The response headers the tests read: thinkgate's decision and the request ids."""
    return {k.lower(): v for k, v in headers.items() if k.lower().startswith("thinkgate-") or k.lower() in ("request-id", "x-request-id", "retry-after")}


def api_error(e):
    """An SDK exception as the tests compare it: its class, status, the API's error and the request ids."""
    return {
        "class": type(e).__name__,
        "status": getattr(e, "status_code", None),
        "type": getattr(e, "type", None),
        "code": getattr(e, "code", None),
        "param": getattr(e, "param", None),
        "message": getattr(e, "message", str(e)),
        "request_id": getattr(e, "request_id", None),
        "body": getattr(e, "body", None),
        "headers": thinkgate_headers(e.response.headers) if getattr(e, "response", None) is not None else {},
    }


def expect_error(call):
    """Runs a call that must raise an SDK error, and describes the error."""
    try:
        result = call()
    except Exception as e:  # noqa: BLE001 - the SDK's error classes are what is compared
        return api_error(e)
    raise AssertionError(f"expected an error, got {result!r}")


class Scenarios:
    def __init__(self):
        self.scenarios = []

    def __call__(self, fn):
        self.scenarios.append(fn)
        return fn

    def run(self):
        out = {}
        for fn in self.scenarios:
            try:
                out[fn.__name__] = {"ok": fn()}
            except Exception as e:  # noqa: BLE001 - reported to the test, which fails with it
                out[fn.__name__] = {"error": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()}
        json.dump(out, sys.stdout, default=str)
        sys.stdout.write("\n")
