"""A loopback stand-in for Application Insights' ingestion API (bench/http/telemetry.sh): point
APPLICATIONINSIGHTS_CONNECTION_STRING's IngestionEndpoint at it. It accepts POST .../v2/track and .../v2.1/track (gzip
or plain, a JSON array or newline-delimited envelopes), answers as the service does ({"itemsReceived", "itemsAccepted",
"errors"}), and counts envelopes and bytes per sending process, host or worker, told apart by the process that owns
the connection's client port (ss -tnp): the Functions host runs Microsoft.Azure.WebJobs.Script.WebHost.dll, the worker
TokenFunction.dll. GET /stats returns the counts as JSON; POST /reset clears them.
usage: ingestion-sink.py PORT_FILE  (binds 127.0.0.1:0 and writes the port there)
"""
import gzip
import json
import re
import subprocess
import sys
import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
stats: dict = defaultdict(lambda: {"envelopes": 0, "bytes": 0, "wire_bytes": 0, "posts": 0, "types": defaultdict(int)})
owners: dict[int, str] = {}


def owner_of(port: int) -> str:
    """host | worker | other: the process holding the client end of the connection."""
    if port in owners:
        return owners[port]
    out = subprocess.run(["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
                         capture_output=True, text=True).stdout
    kind = "other"
    for pid in re.findall(r"pid=(\d+)", out):
        try:
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace")
        except OSError:
            continue
        if "WebJobs.Script.WebHost" in cmdline:
            kind = "host"
        elif "TokenFunction.dll" in cmdline:
            kind = "worker"
    owners[port] = kind
    return kind


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def reply(self, code: int, body: bytes):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with lock:
            body = json.dumps(stats).encode()
        self.reply(200, body)

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/reset":
            with lock:
                stats.clear()
            return self.reply(200, b"{}")
        if not self.path.rstrip("/").endswith("/track"):  # live metrics and anything else: answered, not counted
            with lock:
                stats["not-ingestion " + self.path.split("?")[0]]["posts"] += 1
            return self.reply(200, b"{}")
        data = gzip.decompress(raw) if self.headers.get("Content-Encoding") == "gzip" else raw
        text = data.decode("utf-8", errors="replace").strip()
        items = json.loads(text) if text.startswith("[") else [json.loads(line) for line in text.splitlines() if line.strip()]
        who = owner_of(self.client_address[1])
        with lock:
            s = stats[who]
            s["envelopes"] += len(items)
            s["bytes"] += len(data)
            s["wire_bytes"] += len(raw)
            s["posts"] += 1
            for item in items:
                s["types"][item.get("data", {}).get("baseType") or item.get("name", "?")] += 1
        self.reply(200, json.dumps({"itemsReceived": len(items), "itemsAccepted": len(items), "errors": []}).encode())


server = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
with open(sys.argv[1], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
