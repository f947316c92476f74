"""A local stand-in for GOV.UK Notify's e-mail and text message API (POST /v2/notifications/email and
/v2/notifications/sms), so the Notify backend is tested without the network.

It checks what Notify checks, the way Notify answers (https://docs.notifications.service.gov.uk/rest-api.html):
- Authorization: "Bearer <JWT>", HS256, signed with the API key's secret, iss = the service id, iat within 30
  seconds of now; otherwise 403 AuthError (401 when there is no token at all);
- the body: JSON with email_address (an address; texts: phone_number, a UK mobile number), template_id (one of the service's templates), personalisation
  holding every placeholder of the template, and optional reference / one_click_unsubscribe_url (an absolute
  URL); otherwise 400 ValidationError / BadRequestError;
- success: 201 and the created notification (with a new id).
A test can make it answer the next requests with 400, 403, 429 or 500 (fail_next), or refuse some addresses.

An API key looks like "{key name}-{service id}-{secret}" (both uuids); api_key() builds one for this service.
"""

import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

_ERRORS = {
    400: ("BadRequestError", "Can't send to this recipient using a team-only API key"),
    403: ("AuthError", "Invalid token: API key not found"),
    429: ("RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"),
    500: ("Exception", "Internal server error"),
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UK_MOBILE = re.compile(r"^(?:\+44|0044|0)7\d{9}$")  # Notify: "Not a UK mobile number" otherwise
_RECIPIENT = {"/v2/notifications/email": "email_address", "/v2/notifications/sms": "phone_number"}
_PLACEHOLDER = re.compile(r"\(\(([^)]+)\)\)")


class NotifyStandIn:
    def __init__(self, host="127.0.0.1"):
        self.service_id = str(uuid.uuid4())
        self.secret = str(uuid.uuid4())
        self.templates = {}  # id -> (subject, body) with ((placeholders))
        self.received = []  # the JSON bodies of the notifications it accepted
        self.requests = 0
        self._failures = []  # statuses to answer, in order, before accepting again
        self.refused = set()  # addresses answered 400, as a team-only key answers for anyone outside the team
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = None

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def api_key(self, secret=None, service_id=None):
        return f"nb_test-{service_id or self.service_id}-{secret or self.secret}"

    def add_template(self, subject="((subject))", body="((body))"):
        template_id = str(uuid.uuid4())
        self.templates[template_id] = (subject, body)
        return template_id

    def fail_next(self, status, times=1):
        """Answer the next `times` well-formed, authorised requests with this error status (400, 403, 429, 500)."""
        with self._lock:
            self._failures.extend([status] * times)

    def refuse(self, *addresses):
        """Answer 400 for these recipients, always."""
        self.refused.update(addresses)

    def clear(self):
        with self._lock:
            self.refused.clear()
            self.received.clear()
            self._failures.clear()
            self.requests = 0

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    # What Notify does with one request: (status, JSON answer).
    def answer(self, path, authorization, raw_body):
        with self._lock:
            self.requests += 1
        if path not in _RECIPIENT:
            return 404, _error(404, "ResourceNotFound", "Not found")
        recipient = _RECIPIENT[path]
        problem = self._auth_problem(authorization)
        if problem is not None:
            return problem
        try:
            body = json.loads(raw_body or b"")
        except ValueError:
            return 400, _error(400, "BadRequestError", "Invalid JSON supplied in POST data")
        problems = self._body_problems(body, recipient)
        if problems:
            return 400, {"status_code": 400, "errors": [{"error": "ValidationError", "message": m} for m in problems]}
        if body[recipient] in self.refused:
            return 400, _error(400, *_ERRORS[400])
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None:
            return failure, _error(failure, *_ERRORS[failure])
        subject, text = self.templates[body["template_id"]]
        values = body.get("personalisation") or {}
        notification_id = str(uuid.uuid4())
        with self._lock:
            self.received.append(body)
        if recipient == "phone_number":
            return 201, {"id": notification_id, "reference": body.get("reference"),
                         "content": {"body": _fill(text, values), "from_number": "GOVUK"},
                         "uri": f"{self.url}/v2/notifications/{notification_id}",
                         "template": {"id": body["template_id"], "version": 1,
                                      "uri": f"{self.url}/services/{self.service_id}/templates/{body['template_id']}"}}
        return 201, {
            "id": notification_id,
            "reference": body.get("reference"),
            "content": {"subject": _fill(subject, values), "body": _fill(text, values),
                        "from_email": "neighbourhood.budgets@notifications.service.gov.uk",
                        "one_click_unsubscribe_url": body.get("one_click_unsubscribe_url")},
            "uri": f"{self.url}/v2/notifications/{notification_id}",
            "template": {"id": body["template_id"], "version": 1,
                         "uri": f"{self.url}/services/{self.service_id}/templates/{body['template_id']}"},
            "scheduled_for": None,
        }

    def _auth_problem(self, authorization):
        if not authorization or not authorization.startswith("Bearer "):
            return 401, _error(401, "AuthError", "Unauthorized: authentication token must be provided")
        token = authorization[len("Bearer "):]
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return 403, _error(403, "AuthError", "Invalid token: signature, api token is not valid")
        if header.get("alg") != "HS256":
            return 403, _error(403, "AuthError", "Invalid token: algorithm used is not HS256")
        if claims.get("iss") != self.service_id:
            return 403, _error(403, "AuthError", "Invalid token: service not found")
        try:
            jwt.decode(token, key=self.secret, algorithms=["HS256"], options={"verify_iat": False})
        except jwt.PyJWTError:
            return 403, _error(403, "AuthError", "Invalid token: API key not found")
        issued = claims.get("iat")
        if not isinstance(issued, int) or abs(time.time() - issued) > 30:
            return 403, _error(403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds")
        return None

    def _body_problems(self, body, recipient="email_address"):
        if not isinstance(body, dict):
            return ["JSON body must be an object"]
        problems = []
        address = body.get(recipient)
        if recipient == "phone_number":
            if not isinstance(address, str) or not _UK_MOBILE.match(address.replace(" ", "")):
                problems.append("phone_number Not a UK mobile number")
        elif not isinstance(address, str) or not _EMAIL.match(address):
            problems.append("email_address Not a valid email address")
        template_id = body.get("template_id")
        if template_id not in self.templates:
            problems.append("template_id is not a valid UUID" if not _is_uuid(template_id) else "Template not found")
        else:
            values = body.get("personalisation") or {}
            needed = set().union(*(_PLACEHOLDER.findall(part) for part in self.templates[template_id]))
            if missing := sorted(needed - set(values)):
                problems.append(f"Missing personalisation: {', '.join(missing)}")
        reference = body.get("reference")
        if reference is not None and (not isinstance(reference, str) or len(reference) > 1000):
            problems.append("reference must be a string of at most 1000 characters")
        unsubscribe = body.get("one_click_unsubscribe_url")
        if unsubscribe is not None and not re.match(r"^https?://[^\s/]+/\S*$", str(unsubscribe)):
            problems.append("one_click_unsubscribe_url is not a valid URL")
        return problems


def _error(status, error, message):
    return {"status_code": status, "errors": [{"error": error, "message": message}]}


def _fill(template, values):
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), template)


def _is_uuid(value):
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _handler(stand_in):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            status, answer = stand_in.answer(self.path, self.headers.get("Authorization"), self.rfile.read(length))
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format, *args):  # quiet
            pass

    return Handler
