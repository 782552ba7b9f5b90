"""serve_load: the draw-a-digit server (examples/serve.py) under load, over loopback.

Starts ``examples/serve.py --quiet`` serving mnist.py's default network (784-512-256-10 MLP,
seeded and untrained: the same work per request as a trained one) unless ``--url`` names a
running server, then for each level of ``--clients`` (default 1, 8 and 64) runs that many
clients for ``--duration`` seconds, each sending POST /predict with a drawn 7 (784 numbers, as
the page sends them) as soon as its previous answer arrived, every request on a new connection
(``--keep-alive`` reuses one per client). Prints requests per second, p50 and p99 latency and
the errors (refused or reset connections, timeouts, statuses other than 200).

Then the last level again while ``--slow-clients`` (default 300) connections are held open by
clients that send a request's headers one byte a second (when the server drops one, it
reconnects): they must not slow the others.

Targets (informational, the exit status is 0 regardless): at 64 clients, 0 errors and p99 under
250 ms, with and without the slow clients.

    python bench/serve_load.py [--clients 1,8,64] [--duration 10] [--slow-clients 300]
                               [--keep-alive] [--model PATH | --url http://HOST:PORT] [--json PATH]
"""
import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit

import common  # first: puts this checkout of tinygrad_lite on sys.path

import numpy as np

import tinygrad_lite as tg

SERVE = os.path.join(common.REPO_ROOT, "examples", "serve.py")
TIMEOUT = 30.0  # seconds a request may take before it counts as an error


def drawing():
    """A 7 drawn on the page's 28x28 grid, as the page sends it: numbers with 3 decimals."""
    image = np.zeros((28, 28))
    image[6:9, 6:22] = 1
    for row in range(9, 24):
        image[row, 20 - (row - 9) // 2:22 - (row - 9) // 2] = 1
    image = np.clip(image + np.roll(image, 1, axis=1) * 0.35, 0, 1)  # soft edges, like a brush
    return [round(float(v), 3) for v in image.ravel()]


def request_bytes(host, port):
    body = json.dumps({"pixels": drawing()}).encode()
    return (f"POST /predict HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def read_answer(reader):
    """(status, Connection header says close) of one HTTP/1.1 answer read from ``reader``."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
    await reader.readexactly(int(headers.get("content-length", 0)))
    return status, headers.get("connection") == "close"


class Client:
    """Sends the request over and over until ``end``; records latencies and errors."""

    def __init__(self, host, port, request, keep_alive):
        self.host, self.port, self.request, self.keep_alive = host, port, request, keep_alive
        self.connection = None
        self.latencies, self.errors = [], {}

    async def run(self, end):
        loop = asyncio.get_running_loop()
        while loop.time() < end:
            start = time.perf_counter()
            try:
                status = await asyncio.wait_for(self.send(), TIMEOUT)
            except (OSError, EOFError, asyncio.IncompleteReadError, asyncio.TimeoutError) as err:
                self.fail(type(err).__name__)
                await asyncio.sleep(0.01)  # do not spin on a refusing server
                continue
            if status == 200:
                self.latencies.append(time.perf_counter() - start)
            else:
                self.fail(f"status {status}")
        self.close()

    async def send(self):
        if self.connection is None:
            self.connection = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.connection
        writer.write(self.request)
        try:
            status, close = await read_answer(reader)
        except BaseException:
            self.close()
            raise
        if close or not self.keep_alive:
            self.close()
        return status

    def fail(self, kind):
        self.errors[kind] = self.errors.get(kind, 0) + 1
        self.close()

    def close(self):
        if self.connection is not None:
            self.connection[1].close()
            self.connection = None


class SlowClient:
    """Holds a connection open by sending a request's headers one byte every ``interval``
    seconds; reconnects when the server closes it."""

    HEADERS = b"POST /predict HTTP/1.1\r\nHost: slow\r\nX-Slow: " + b"z" * 10000

    def __init__(self, host, port, interval, delay=0.0):
        self.host, self.port, self.interval, self.delay = host, port, interval, delay
        self.connected, self.reconnects = False, 0

    async def run(self, stop):
        await asyncio.sleep(self.delay)
        while not stop.is_set():
            try:
                reader, writer = await asyncio.open_connection(self.host, self.port)
            except OSError:
                self.reconnects += 1
                await asyncio.sleep(self.interval)
                continue
            self.connected = True
            try:
                for byte in self.HEADERS:
                    if stop.is_set():
                        break
                    writer.write(bytes([byte]))
                    await writer.drain()
                    try:  # wait for the next byte, noticing at once when the server hangs up
                        await asyncio.wait_for(reader.read(65536), self.interval)
                    except asyncio.TimeoutError:
                        continue
                    break  # the server answered (408) or hung up
            except OSError:
                pass
            self.connected = False
            self.reconnects += 0 if stop.is_set() else 1
            writer.close()


def summarize(clients, seconds):
    latencies = sorted(t for c in clients for t in c.latencies)
    errors = {}
    for client in clients:
        for kind, n in client.errors.items():
            errors[kind] = errors.get(kind, 0) + n
    ms = [1000 * float(np.percentile(latencies, q)) if latencies else None for q in (50, 99)]
    return {"clients": len(clients), "requests": len(latencies),
            "requests_per_second": len(latencies) / seconds, "p50_ms": ms[0], "p99_ms": ms[1],
            "errors": sum(errors.values()), "error_kinds": errors}


async def load(host, port, n, seconds, keep_alive, slow=0, interval=1.0, warmup=1.0):
    """Run ``n`` clients for ``seconds`` (after ``warmup`` seconds of the same load, not
    counted), with ``slow`` slow clients holding connections throughout."""
    loop = asyncio.get_running_loop()
    request = request_bytes(host, port)
    stop = asyncio.Event()
    # (arriving over one interval, not all at once)
    slow_clients = [SlowClient(host, port, interval, i * interval / slow) for i in range(slow)]
    slow_tasks = [asyncio.ensure_future(c.run(stop)) for c in slow_clients]
    if slow:  # let them connect before measuring
        await asyncio.sleep(min(2.0, 0.01 * slow + interval))
    await asyncio.gather(*(Client(host, port, request, keep_alive).run(loop.time() + warmup)
                           for _ in range(n)))
    clients = [Client(host, port, request, keep_alive) for _ in range(n)]
    start = loop.time()
    await asyncio.gather(*(c.run(start + seconds) for c in clients))
    result = summarize(clients, loop.time() - start)
    if slow:
        result["slow_clients_connected"] = sum(c.connected for c in slow_clients)
        result["slow_client_reconnects"] = sum(c.reconnects for c in slow_clients)
    stop.set()
    await asyncio.gather(*slow_tasks)
    return result


def save_default_model(directory):
    """mnist.py's default network, seeded and untrained, saved as mnist.py --save does."""
    sys.path.insert(0, os.path.join(common.REPO_ROOT, "examples"))
    import mnist
    tg.manual_seed(0)
    model = mnist.MLP([784, 512, 256, 10])
    path = os.path.join(directory, "model.npz")
    tg.save({"model": model.state_dict(), "config": model.config(), "dataset": "mnist"}, path)
    return path


def start_server(model, log):
    """examples/serve.py on a free port of 127.0.0.1: (process, port)."""
    env = dict(os.environ, PYTHONPATH=common.REPO_ROOT)
    process = subprocess.Popen([sys.executable, SERVE, "--model", model, "--port", "0",
                                "--quiet"], stdout=subprocess.PIPE, stderr=log, text=True,
                               env=env)
    line = process.stdout.readline()
    match = re.search(r"at http://127\.0\.0\.1:(\d+)/", line)
    if not match:
        process.kill()
        process.wait()
        log.seek(0)
        raise SystemExit(f"serve_load.py: the server did not start:\n{line}{log.read()}")
    return process, int(match[1])


def row(label, r):
    p50 = "-" if r["p50_ms"] is None else f"{r['p50_ms']:.1f}"
    p99 = "-" if r["p99_ms"] is None else f"{r['p99_ms']:.1f}"
    kinds = ", ".join(f"{k} {v}" for k, v in r["error_kinds"].items())
    print(f"  {label:34s} {r['requests_per_second']:8.0f} {p50:>8s} {p99:>8s} "
          f"{r['errors']:7d}{'  (' + kinds + ')' if kinds else ''}", flush=True)


def parser():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", default="1,8,64",
                   help="concurrent clients per level, comma-separated (default: %(default)s)")
    p.add_argument("--duration", type=float, default=10.0,
                   help="seconds measured per level (default: %(default)s)")
    p.add_argument("--warmup", type=float, default=1.0,
                   help="seconds of the same load before each level, not counted "
                        "(default: %(default)s)")
    p.add_argument("--slow-clients", type=int, default=300,
                   help="slow clients holding connections during the last level's second run "
                        "(0: skip it; default: %(default)s)")
    p.add_argument("--slow-interval", type=float, default=1.0,
                   help="seconds between a slow client's bytes (default: %(default)s)")
    p.add_argument("--keep-alive", action="store_true",
                   help="each client reuses its connection instead of opening one per request")
    p.add_argument("--model", help="checkpoint to serve (default: mnist.py's default network, "
                                   "untrained)")
    p.add_argument("--url", help="load a server already running there instead of starting one")
    p.add_argument("--json", metavar="PATH", help="also write the results to this JSON file")
    return p


def main(argv=None):
    cli = parser()
    args = cli.parse_args(argv)
    levels = [int(n) for n in args.clients.split(",")]
    if args.model and not os.path.isfile(args.model):  # (serve.py would train one there)
        cli.error(f"--model {args.model}: no such file")
    info = common.machine_info()
    common.print_machine(info, uses_torch=False)
    info["load_average"] = os.getloadavg()[0]
    print(f"load average (1 min) before: {info['load_average']:.2f}: server and clients share "
          f"the cores with whatever else runs")
    with tempfile.TemporaryDirectory() as tmp, open(os.path.join(tmp, "server.log"), "w+") as log:
        process = None
        if args.url:
            parts = urlsplit(args.url)
            host, port = parts.hostname, parts.port or 80
        else:
            process, port = start_server(args.model or save_default_model(tmp), log)
            host = "127.0.0.1"
        connections = ("keep-alive connections" if args.keep_alive
                       else "a new connection per request")
        print(f"\nPOST /predict to {host}:{port}, {connections}, {args.duration:g} s per level:")
        print(f"  {'':34s} {'req/s':>8s} {'p50 ms':>8s} {'p99 ms':>8s} {'errors':>7s}")
        results = {"benchmark": "serve_load", "machine": info, "duration": args.duration,
                   "keep_alive": args.keep_alive, "levels": []}
        try:
            for n in levels:
                r = asyncio.run(load(host, port, n, args.duration, args.keep_alive,
                                     warmup=args.warmup))
                results["levels"].append(r)
                row(f"{n} clients", r)
            if args.slow_clients:
                r = asyncio.run(load(host, port, levels[-1], args.duration, args.keep_alive,
                                     slow=args.slow_clients, interval=args.slow_interval,
                                     warmup=args.warmup))
                results["with_slow_clients"] = dict(r, slow_clients=args.slow_clients)
                row(f"{levels[-1]} clients + {args.slow_clients} slow", r)
                print(f"  ({r['slow_clients_connected']} slow clients connected at the end, "
                      f"{r['slow_client_reconnects']} reconnections after the server dropped "
                      f"them)")
        finally:
            if process is not None:
                process.send_signal(signal.SIGINT)
                code = process.wait(60)
                log.seek(0)
                if code != 0:
                    print(f"the server exited with status {code}:\n{log.read()}")
        print()
        for name, r in [(f"{levels[-1]} clients", results["levels"][-1]),
                        (f"{levels[-1]} clients + slow", results.get("with_slow_clients"))]:
            if r is not None:
                common.check_target(results, f"{name}: errors", r["errors"], 0)
                common.check_target(results, f"{name}: p99", r["p99_ms"], 250, " ms")
        common.write_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
