#!/usr/bin/env python3
# mig_fake_xtrd.py: a stand-in for xtrd's API (docs/api.md, xtrd section)
# on a unix socket, for migrated's tests when the real xtrd is not wanted.
# Every request is appended to LOG as one JSON line
# {"t_us": monotonic µs, "method", "path", "body"}.
#
# Usage: mig_fake_xtrd.py SOCKET LOG [--notify-delay-ms N] [--no-notify]
#   --notify-delay-ms N  a mapping becomes "registered" N ms after its add
#   --no-notify          never registered (tests the notify timeout)
# GET /v1/status, GET /v1/database, POST /v1/database/add,
# POST /v1/database/remove, POST /v1/smr (answers sent=1), POST /v1/lig
# (a negative Map-Reply: no one else holds anything).
import json, os, socket, sys, time, socketserver, http.server

sock, logpath = sys.argv[1], sys.argv[2]
delay_ms = 0
no_notify = "--no-notify" in sys.argv
if "--notify-delay-ms" in sys.argv:
    delay_ms = int(sys.argv[sys.argv.index("--notify-delay-ms") + 1])
start = time.monotonic()
db = {}    # eid -> (added monotonic, moved_to)
logf = open(logpath, "a", buffering=1)


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, code, obj):
        b = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b)
        self.close_connection = True

    def record(self, body):
        logf.write(json.dumps({"t_us": int(time.monotonic() * 1e6),
                               "method": self.command, "path": self.path,
                               "body": body}) + "\n")

    def do_GET(self):
        self.record(None)
        now = time.monotonic()
        if self.path == "/v1/status":
            return self.answer(200, {"roles": ["xtr"], "rlocs": [],
                "uptime_ms": int((now - start) * 1000), "map_servers": []})
        if self.path == "/v1/database":
            maps = [{"eid": e, "priority": 1, "weight": 100, "ttl": 1440,
                     "registered": (not no_notify) and
                     (now - t) * 1000 >= delay_ms, "source": "api"}
                    for e, (t, mv) in db.items() if mv is None]
            away = [{"eid": e, "moved_to": mv, "since_ms": 0}
                    for e, (t, mv) in db.items() if mv]
            return self.answer(200, {"mappings": maps, "withdrawing": [],
                                     "away": away})
        return self.answer(404, {"error": "no such resource"})

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        try:
            body = json.loads(self.rfile.read(n) or b"null")
        except ValueError:
            self.record(None)
            return self.answer(400, {"error": "bad json"})
        self.record(body)
        if (self.path == "/v1/database/remove" and isinstance(body, dict)
                and isinstance(body.get("eids"), list)):
            for e in body["eids"]:
                db[e] = (time.monotonic(), body.get("moved_to", []))
            return self.answer(200, {"eids": [{"eid": e}
                                              for e in body["eids"]]})
        if not isinstance(body, dict) or "eid" not in body:
            return self.answer(400, {"error": "missing eid"})
        e = body["eid"]
        if self.path == "/v1/database/add":
            if e not in db or db[e][1] is not None:
                db[e] = (time.monotonic(), None)
            return self.answer(200, {"eid": e, "registering": True})
        if self.path == "/v1/database/remove":
            db[e] = (time.monotonic(), body.get("moved_to", []))
            return self.answer(200, {"eid": e})
        if self.path == "/v1/smr":
            return self.answer(200, {"sent": 1, "targets": ["198.51.100.1"]})
        if self.path == "/v1/lig":
            return self.answer(200, {"from": "192.0.2.100", "rtt_ms": 1,
                "nonce": "0", "records": [{"eid": e, "ttl": 15,
                "negative": True, "action": "native-forward",
                "authoritative": True, "rlocs": []}]})
        return self.answer(404, {"error": "no such resource"})


class S(socketserver.UnixStreamServer):
    def get_request(self):
        r, _ = self.socket.accept()
        return r, ("local", 0)


if os.path.exists(sock):
    os.unlink(sock)
S(sock, H).serve_forever()
