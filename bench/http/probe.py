"""One keep-alive connection sending the benchmark's token request back to back for SECONDS, timing each response
by status: the latency a served request sees while wrk overloads the server (bench/http/overload.sh).
usage: probe.py URL SECONDS [FUNCTION_KEY] -> one line per status: "probe <status> <count> p50 <ms> p99 <ms> max <ms>"
"""
import http.client
import sys
import time
from urllib.parse import urlsplit

url, seconds = urlsplit(sys.argv[1]), float(sys.argv[2])
headers = {"Content-Type": "application/json"}
if len(sys.argv) > 3 and sys.argv[3]:
    headers["x-functions-key"] = sys.argv[3]
body = b'{"roomName":"demo-room","participantName":"demo-user"}'
by_status: dict[int, list[float]] = {}
end = time.monotonic() + seconds
conn = None
while time.monotonic() < end:
    start = time.perf_counter()
    try:
        conn = conn or http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        conn.request("POST", url.path, body, headers)
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        conn, status = None, 0  # 0: connection error or timeout
    by_status.setdefault(status, []).append((time.perf_counter() - start) * 1000)
for status, times in sorted(by_status.items()):
    times.sort()
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    print(f"probe {status} {len(times)} p50 {pick(0.5):.1f} p99 {pick(0.99):.1f} max {times[-1]:.1f}")
