"""A person at the class hub, scripted: log in through the login form, start the server, call
its REST API, run code in a kernel. Used by tests/hub and benchmarks/hub_load.py.

Only the standard library and `websocket-client` (a dependency of jupyter_server, so in every
course environment). Nothing here is specific to a test: it does what a browser does.
"""

from __future__ import annotations

import http.cookiejar
import json
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field


class HubError(RuntimeError):
    pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A successful login answers 302 to the spawn page; following it would start the server.
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Execution:
    stdout: str = ""
    stderr: str = ""
    error: str | None = None          # "Name: value" of an exception, if one was raised
    seconds: float = 0.0


@dataclass
class HubUser:
    hub_url: str                       # e.g. http://127.0.0.1:8000
    name: str
    token: str | None = field(default=None, repr=False)
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False)  # for https

    def __post_init__(self):
        self.hub_url = self.hub_url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect]
        if self.ssl_context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=self.ssl_context))
        self.opener = urllib.request.build_opener(*handlers)

    # -- plain HTTP -------------------------------------------------------------------------
    def request(self, method: str, path: str, body=None, form: dict | None = None,
                headers: dict | None = None, timeout: float = 60):
        """(status, parsed JSON or text) of a request to hub_url + path; never raises on HTTP
        errors (the caller decides what status it expects)."""
        headers = dict(headers or {})
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif method in ("POST", "PUT", "PATCH"):
            data = b""
        if self.token:
            headers.setdefault("Authorization", f"token {self.token}")
        req = urllib.request.Request(self.hub_url + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        text = raw.decode("utf-8", "replace")
        try:
            return status, json.loads(text) if text else None
        except json.JSONDecodeError:
            return status, text

    def expect(self, status_ok: tuple, method: str, path: str, **kwargs):
        status, data = self.request(method, path, **kwargs)
        if status not in status_ok:
            raise HubError(f"{self.name}: {method} {path} answered {status}: {str(data)[:300]}")
        return data

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    # -- the hub ----------------------------------------------------------------------------
    def login(self, password: str) -> None:
        """Log in through the hub's login form, then get an API token as the browser would
        (the token carries the user's own permissions, nothing more)."""
        self.request("GET", "/hub/login")
        xsrf = self.cookie("_xsrf")
        form = {"username": self.name, "password": password}
        if xsrf:
            form["_xsrf"] = xsrf
        status, _ = self.request("POST", "/hub/login", form=form)
        if status != 302 or not self.cookie("jupyterhub-hub-login"):
            raise HubError(f"{self.name}: login refused (HTTP {status})")
        data = self.expect((200, 201), "POST", f"/hub/api/users/{self.name}/tokens",
                           body={"note": "hub_client", "expires_in": 4 * 3600},
                           headers={"X-XSRFToken": self.cookie("_xsrf") or ""})
        self.token = data["token"]

    def model(self) -> dict:
        return self.expect((200,), "GET", f"/hub/api/users/{self.name}")

    def start_server(self, timeout: float = 300) -> float:
        """Start the server and wait until the hub says it is ready; returns the seconds."""
        started = time.monotonic()
        self.expect((201, 202, 400), "POST", f"/hub/api/users/{self.name}/server")
        while time.monotonic() - started < timeout:
            server = self.model().get("servers", {}).get("")
            if server and server.get("ready"):
                return time.monotonic() - started
            if server is None and time.monotonic() - started > 5:
                raise HubError(f"{self.name}: the server stopped while starting (see the hub log)")
            time.sleep(0.25)
        raise HubError(f"{self.name}: server not ready after {timeout} s")

    def stop_server(self, timeout: float = 60) -> None:
        self.expect((202, 204), "DELETE", f"/hub/api/users/{self.name}/server")
        deadline = time.monotonic() + timeout
        while self.model().get("servers", {}).get(""):
            if time.monotonic() > deadline:
                raise HubError(f"{self.name}: server still running {timeout} s after stop")
            time.sleep(0.25)

    # -- the user's own server --------------------------------------------------------------
    def server(self, method: str, path: str, ok=(200, 201, 204), **kwargs):
        return self.expect(ok, method, f"/user/{self.name}/{path.lstrip('/')}", **kwargs)

    def run_code(self, code: str, timeout: float = 120, kernel_id: str | None = None) -> Execution:
        """Execute `code` in a kernel of the user's server (a new one, deleted afterwards,
        unless kernel_id is given) and collect what it printed."""
        import websocket  # websocket-client

        own = kernel_id is None
        if own:
            kernel_id = self.server("POST", "api/kernels", body={})["id"]
        url = (self.hub_url.replace("http", "ws", 1)
               + f"/user/{self.name}/api/kernels/{kernel_id}/channels")
        result = Execution()
        started = time.monotonic()
        ws = websocket.create_connection(url, header=[f"Authorization: token {self.token}"],
                                         timeout=timeout, sslopt={"context": self.ssl_context})
        try:
            msg_id = uuid.uuid4().hex
            ws.send(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": self.name,
                           "session": uuid.uuid4().hex, "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": False,
                            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
            }))
            replied = idle = False
            while not (replied and idle):
                if time.monotonic() - started > timeout:
                    raise HubError(f"{self.name}: code still running after {timeout} s")
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, content = msg["msg_type"], msg["content"]
                if kind == "stream":
                    if content["name"] == "stdout":
                        result.stdout += content["text"]
                    else:
                        result.stderr += content["text"]
                elif kind == "error":
                    result.error = f"{content['ename']}: {content['evalue']}"
                elif kind == "execute_reply":
                    replied = True
                elif kind == "status" and content["execution_state"] == "idle":
                    idle = True
        finally:
            ws.close()
            if own:
                self.server("DELETE", f"api/kernels/{kernel_id}")
        result.seconds = time.monotonic() - started
        return result
