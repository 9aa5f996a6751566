#!/usr/bin/env python3
"""A local HTTP server that answers as GitHub's REST and GraphQL APIs do, for
relkit's tests. It is not GitHub: it serves recorded exchanges (Tests/ForgeFixtures)
and shapes the tests build from them, and logs every request it receives.

    forge_server.py ROUTES.json LOG.jsonl     (prints the port it listens on)

ROUTES.json is a list of exchanges in octokit/fixtures' form:
  {"method", "path" (with its query, or without one to match any query), "status",
   "headers", "response", optional "match_body" (a substring the request body must hold),
   "delay" (seconds before answering)}
Repeated method+path pairs answer in turn; the last one keeps answering. A
response with an ETag answers 304 to a request whose If-None-Match carries it.
"https://api.github.com" in responses becomes this server's address. The file is
read again whenever it changes, so a test can change what the forge says.
"""
import json, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROUTES, LOG = sys.argv[1], sys.argv[2]
lock = threading.Lock()
state = {"mtime": None, "routes": [], "served": {}}


def routes():
    mtime = os.stat(ROUTES).st_mtime_ns
    if mtime != state["mtime"]:
        with open(ROUTES) as f:
            state["routes"] = json.load(f)
        state["mtime"] = mtime
        state["served"] = {}
    return state["routes"]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        method = self.command.lower()
        with lock:
            with open(LOG, "a") as log:
                log.write(json.dumps({"method": self.command, "path": self.path, "body": body,
                                      "headers": {k.lower(): v for k, v in self.headers.items()}}) + "\n")
            table = routes()
            bare = self.path.split("?", 1)[0]
            candidates = [i for i, r in enumerate(table) if r["method"].lower() == method and r["path"] == self.path]
            if not candidates:
                candidates = [i for i, r in enumerate(table) if r["method"].lower() == method and r["path"] == bare]
            candidates = [i for i in candidates if r_matches(table[i], body)]
            if candidates:
                key = (method, table[candidates[0]]["path"], table[candidates[0]].get("match_body"))
                turn = state["served"].get(key, 0)
                state["served"][key] = turn + 1
                route = table[candidates[min(turn, len(candidates) - 1)]]
            else:
                route = {"status": 404, "headers": {},
                         "response": {"message": "Not Found",
                                      "documentation_url": "https://docs.github.com/rest"}}
        if route.get("delay"):
            time.sleep(route["delay"])
        base = "http://127.0.0.1:%d" % self.server.server_address[1]
        headers = {k.lower(): str(v).replace("https://api.github.com", base) for k, v in route.get("headers", {}).items()}
        etag = headers.get("etag")
        if etag and self.headers.get("If-None-Match") == etag and route.get("status", 200) == 200:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        response = route.get("response", "")
        text = response if isinstance(response, str) else json.dumps(response)
        data = text.replace("https://api.github.com", base).encode()
        self.send_response(route.get("status", 200))
        for name, value in headers.items():
            if name not in ("content-length", "transfer-encoding", "connection", "status"):
                self.send_header(name, value)
        if "content-type" not in headers:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = handle_any


def r_matches(route, body):
    needle = route.get("match_body")
    return needle is None or needle in body


server = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("FORGE_SERVER_PORT", "0"))), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
