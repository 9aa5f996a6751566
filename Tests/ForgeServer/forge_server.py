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

ROUTES.json may instead be {"routes": [...], "limits": {...}, "model": {...}}:
  "model"   a repository's pull requests and issues (Tests/ForgeServer/github_model.py):
            POST /graphql that no route matches is answered from it, validated against the part of GitHub's
            schema relkit uses, with GitHub's node limit; each answer's node count is logged.
  "limits"  GitHub's documented write limits: {"minute": seconds, "writes_per_minute": 80,
            "secondary_at_writes": [42, ...]}: a write (any method but GET, not GraphQL)
            past 80 in a minute, or at a listed index (1-based), is answered with the
            secondary rate limit's 403 without retry-after, as GitHub documents it.
  "create_pulls"  POST /repos/{o}/{r}/pulls makes a pull request numbered from 90001,
            GET /repos/{o}/{r}/pulls lists those made, by head and base, and label and
            milestone writes on any issue (POST .../issues/N/labels, PATCH .../issues/N) and assignments
            (POST .../issues/N/assignees) succeed.
"""
import json, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

ROUTES, LOG = sys.argv[1], sys.argv[2]
lock = threading.Lock()
state = {"mtime": None, "routes": [], "served": {}, "config": {}, "model": None, "writes": [], "write_count": 0,
         "pulls": []}

SECONDARY = {"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
                        "If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.",
             "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}


def routes():
    mtime = os.stat(ROUTES).st_mtime_ns
    if mtime != state["mtime"]:
        with open(ROUTES) as f:
            loaded = json.load(f)
        if isinstance(loaded, dict):
            state["routes"] = loaded.get("routes", [])
            state["config"] = loaded
            if loaded.get("model") is not None:
                from github_model import Model
                state["model"] = Model(loaded["model"])
            else:
                state["model"] = None
        else:
            state["routes"] = loaded
            state["config"] = {}
            state["model"] = None
        if state["model"] is None:
            implied = implied_model(state["routes"])
            if implied is not None:
                from github_model import Model
                state["model"] = Model(implied)
        state["mtime"] = mtime
        state["served"] = {}
    return state["routes"]


def implied_model(table):
    """The commits' pull requests that the REST routes serve (`GET /repos/{o}/{r}/commits/{sha}/pulls`),
    as a model, so that GraphQL's associatedPullRequests answers what REST does, as GitHub would."""
    commits, pulls = {}, {}
    for route in table:
        parts = route.get("path", "").split("?", 1)[0].split("/")
        if route.get("method", "").lower() != "get" or len(parts) != 7 or parts[4] != "commits" or parts[6] != "pulls":
            continue
        if route.get("status", 200) != 200 or not isinstance(route.get("response"), list):
            continue
        numbers = []
        for pull in route["response"]:
            number = pull.get("number")
            merged = bool(pull.get("merged_at") or pull.get("merged"))
            milestone = pull.get("milestone")
            pulls[number] = {
                "title": pull.get("title") or "", "body": pull.get("body") or "", "url": pull.get("html_url") or "",
                "state": "MERGED" if merged else (pull.get("state") or "open").upper(), "merged": merged,
                "mergeCommit": pull.get("merge_commit_sha"), "baseRefName": (pull.get("base") or {}).get("ref", ""),
                "baseRefOid": (pull.get("base") or {}).get("sha", ""), "headRefName": (pull.get("head") or {}).get("ref", ""),
                "headRefOid": (pull.get("head") or {}).get("sha", ""), "author": (pull.get("user") or {}).get("login"),
                "labels": [label.get("name") for label in pull.get("labels") or []],
                "milestone": {"number": milestone.get("number") or 0, "title": milestone.get("title") or ""} if milestone else None}
            numbers.append(number)
        commits[parts[5]] = numbers
    return {"commits": commits, "pulls": pulls} if commits else None


def modelled(method, path, body):
    """The answer of the model or the limits, or None to answer from the routes."""
    config = state["config"]
    bare = path.split("?", 1)[0]
    limits = config.get("limits")
    if limits and method != "get" and not bare.endswith("/graphql"):
        now = time.monotonic()
        minute = float(limits.get("minute", 60))
        state["writes"] = [t for t in state["writes"] if now - t < minute]
        state["write_count"] += 1
        if state["write_count"] in limits.get("secondary_at_writes", []) \
                or len(state["writes"]) >= int(limits.get("writes_per_minute", 80)):
            return {"status": 403, "headers": {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4000"},
                    "response": SECONDARY, "limited": True}
        state["writes"].append(now)
    if state["model"] is not None and method == "post" and bare.endswith("/graphql") \
            and not any(r["method"].lower() == "post" and r["path"] == bare and r_matches(r, body) for r in state["routes"]):
        answer, nodes = state["model"].answer(json.loads(body or "{}"))
        return {"status": 200, "response": answer, "nodes": nodes}
    parts = bare.split("/")
    if config.get("create_pulls") and len(parts) >= 6 and parts[4] == "issues" and parts[5].isdigit() and method != "get":
        # A label or milestone write on an issue or pull request: answered as GitHub does, with the issue.
        number = int(parts[5])
        if len(parts) == 7 and parts[6] == "labels":
            return {"status": 200, "response": [{"name": n} for n in json.loads(body or "{}").get("labels", [])]}
        if len(parts) == 7 and parts[6] == "assignees" and method == "post":
            return {"status": 201, "response": {"number": number, "title": "", "state": "open",
                                                "assignees": [{"login": n} for n in json.loads(body or "{}").get("assignees", [])],
                                                "html_url": "https://github.com/%s/%s/issues/%d" % (parts[2], parts[3], number)}}
        if len(parts) == 6 and method == "patch":
            return {"status": 200, "response": {"number": number, "title": "", "state": "open",
                                                "html_url": "https://github.com/%s/%s/issues/%d" % (parts[2], parts[3], number)}}
    if config.get("create_pulls") and bare.endswith("/pulls") and bare.count("/") == 4:
        owner = bare.split("/")[2]
        if method == "post":
            request = json.loads(body or "{}")
            number = 90001 + len(state["pulls"])
            pull = {"number": number, "title": request.get("title", ""), "body": request.get("body", ""), "state": "open",
                    "html_url": "https://github.com%s/%d" % (bare.replace("/repos", ""), number),
                    "head": {"ref": request.get("head", ""), "sha": "0" * 40}, "base": {"ref": request.get("base", ""), "sha": "0" * 40},
                    "user": {"login": (state["model"].data.get("viewer") if state["model"] else None) or "fleet-release-bot"},
                    "labels": [], "merged_at": None}
            state["pulls"].append(pull)
            return {"status": 201, "response": pull}
        if method == "get":
            query = parse_qs(urlsplit(path).query)
            head = (query.get("head") or [""])[0].split(":", 1)[-1]
            base = (query.get("base") or [""])[0]
            found = [p for p in state["pulls"] if (not head or p["head"]["ref"] == head) and (not base or p["base"]["ref"] == base)]
            return {"status": 200, "response": found}
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, Nagle's algorithm holds the body until the
    # client's delayed ACK, 40 ms a request on loopback, which no GitHub answer costs.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        method = self.command.lower()
        started = time.monotonic()
        with lock:
            table = routes()
            special = modelled(method, self.path, body)
            entry = {"method": self.command, "path": self.path, "body": body,
                     "headers": {k.lower(): v for k, v in self.headers.items()}}
            if special is not None:
                entry.update({k: special[k] for k in ("nodes", "limited") if k in special})
            # The stand-in's own time on the request (a model's GraphQL answer takes Python a while).
            entry["served_seconds"] = round(time.monotonic() - started, 4)
            with open(LOG, "a") as log:
                log.write(json.dumps(entry) + "\n")
            bare = self.path.split("?", 1)[0]
            candidates = [i for i, r in enumerate(table) if r["method"].lower() == method and r["path"] == self.path]
            if not candidates:
                candidates = [i for i, r in enumerate(table) if r["method"].lower() == method and r["path"] == bare]
            candidates = [i for i in candidates if r_matches(table[i], body)]
            if special is not None:
                route = special
            elif candidates:
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
