"""A local SMS and WeChat gateway that misbehaves on request, for the notice channels' tests: an
Aliyun-SendSms-shaped endpoint (/sms) and a WeChat template-message one
(/cgi-bin/message/template/send), on a free port of 127.0.0.1. Told what the next requests
answer (`answer("limit", "timeout_after", ...)`), it dedupes by OutId / client_msg_id as
WeChat does, records what each phone (or openid) actually received, and builds and pushes
SmsReport receipts, duplicate and late ones included."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from services.matching.notices.sms import signature

OK, LIMIT, REJECT, ERROR = "ok", "limit", "reject", "error500"
TIMEOUT_BEFORE, TIMEOUT_AFTER = "timeout_before", "timeout_after"  # before / after accepting
HOLD_SECONDS = 30  # a hanging answer's longest wait, so the server always stops by itself
SMS_ANSWERS = {LIMIT: {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"},
               REJECT: {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"}}
WECHAT_ANSWERS = {LIMIT: {"errcode": 45009, "errmsg": "reach max api daily quota limit"},
                  REJECT: {"errcode": 43004, "errmsg": "require subscribe"}}


class NotifyGateway:
    def __init__(self, key_id: str = "test-key", secret: str = "test-secret",
                 token: str = "test-wechat-token"):
        self.key_id, self.secret, self.token = key_id, secret, token
        self.script: deque[str] = deque()  # what the next requests answer; then ok
        self.script_for: dict[str, deque[str]] = defaultdict(deque)  # the same, by phone/openid
        self.lock = threading.Lock()
        self.release = threading.Event()  # lets hanging answers go (at close)
        self.requests = 0
        self.taken: dict[str, dict] = {}  # OutId / client_msg_id → what was taken (its BizId)
        self.received: dict[str, list[dict]] = defaultdict(list)  # phone or openid → messages
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                path = urllib.parse.urlsplit(self.path)
                if path.path == "/sms":
                    gateway._sms(self, urllib.parse.parse_qs(body.decode()))
                else:
                    gateway._wechat(self, urllib.parse.parse_qs(path.query), json.loads(body))

            def log_message(self, *args):  # quiet: the test reads `received`, not stderr
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda *_: None  # a client that gave up broke the pipe
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, *modes: str) -> None:
        """The next requests' answers, in order (then ok again)."""
        with self.lock:
            self.script.extend(modes)

    def answer_for(self, to: str, *modes: str) -> None:
        """The next answers to requests for one phone or openid (before the general ones)."""
        with self.lock:
            self.script_for[to].extend(modes)

    def messages(self) -> list[dict]:
        return [m for got in self.received.values() for m in got]

    def _next(self, to: str) -> str:
        with self.lock:
            self.requests += 1
            for script in (self.script_for[to], self.script):
                if script:
                    return script.popleft()
            return OK

    def _reply(self, handler, status: int, data: dict) -> None:
        raw = json.dumps(data, ensure_ascii=False).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)

    def _take(self, key: str, to: str, message: dict) -> dict:
        """Record a message once per key (a repeat of a taken one reaches nobody again)."""
        with self.lock:
            if key not in self.taken:
                self.taken[key] = {"to": to, "id": f"biz-{len(self.taken) + 1:04d}", **message}
                self.received[to].append({"key": key, **message})
            return self.taken[key]

    def _sms(self, handler, form: dict) -> None:
        form = {k: v[0] for k, v in form.items()}
        mode = self._next(form.get("PhoneNumbers", ""))
        if form.get("AccessKeyId") != self.key_id or form.get("Signature") != signature(
                form, self.secret):
            return self._reply(handler, 400, {"Code": "SignatureDoesNotMatch"})
        if mode == TIMEOUT_BEFORE:
            self.release.wait(HOLD_SECONDS)
            return None
        if mode in SMS_ANSWERS:
            return self._reply(handler, 200, SMS_ANSWERS[mode])
        if mode == ERROR:
            return self._reply(handler, 500, {})
        taken = self._take(form["OutId"], form["PhoneNumbers"], {
            "template": form["TemplateCode"], "sign": form["SignName"],
            "params": json.loads(form["TemplateParam"])})
        if mode == TIMEOUT_AFTER:
            self.release.wait(HOLD_SECONDS)
            return None
        return self._reply(handler, 200, {"Code": "OK", "BizId": taken["id"], "RequestId": "r"})

    def _wechat(self, handler, query: dict, body: dict) -> None:
        mode = self._next(body.get("touser", ""))
        if query.get("access_token") != [self.token]:
            return self._reply(handler, 200, {"errcode": 40001, "errmsg": "invalid credential"})
        if mode in (TIMEOUT_BEFORE, TIMEOUT_AFTER):
            if mode == TIMEOUT_AFTER:
                self._take(body["client_msg_id"], body["touser"], {
                    "template": body["template_id"], "data": body["data"]})
            self.release.wait(HOLD_SECONDS)
            return None
        if mode in WECHAT_ANSWERS:
            return self._reply(handler, 200, WECHAT_ANSWERS[mode])
        taken = self._take(body["client_msg_id"], body["touser"], {
            "template": body["template_id"], "data": body["data"]})
        return self._reply(handler, 200, {"errcode": 0, "errmsg": "ok", "msgid": taken["id"]})

    def report(self, out_id: str, at: str, success: bool = True, err_code: str = "DELIVERED",
               err_msg: str = "用户接收成功") -> dict:
        """The SmsReport a gateway pushes for a message it took (or for an id it never saw)."""
        taken = self.taken.get(out_id, {"to": "13800000000", "id": "biz-unknown"})
        return {"phone_number": taken["to"], "send_time": at, "report_time": at,
                "success": success, "err_code": err_code, "err_msg": err_msg,
                "biz_id": taken["id"], "out_id": out_id, "sms_size": "1"}

    def push(self, url: str, reports: list[dict], token: str | None) -> tuple[int, dict]:
        """POST receipts to matching as the gateway does; its status and JSON answer."""
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["X-Receipt-Token"] = token
        request = urllib.request.Request(url, data=json.dumps(reports).encode(),
                                         headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, json.loads(exc.read())

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
