"""Codossier live co-editing benchmark: the one command.

    .venv/bin/python bench/run.py                       # scenarios a, b, c on SQLite, gevent
    .venv/bin/python bench/run.py --async-mode threading --scenarios a
    .venv/bin/python bench/run.py --scenarios d         # PostgreSQL + Redis, two processes

It prepares a fresh database in a temporary folder (bench/prepare.py, through the
services), starts real server processes (``python -m server.cli serve`` on
127.0.0.1, a fresh one per scenario), drives them with the Node clients of this
folder (fanout.mjs, idle.mjs, join.mjs), samples the server processes' CPU and
memory from /proc, prints a report and writes it as text and JSON (under
/tmp/codossier-bench-results/ unless --out is given). Every count and duration
is bounded; it cleans up its processes and temporary files (--keep keeps the
temporary folder).

Scenarios (see README.md for what each measures and the targets):
  a  fan-out: N editors x R updates/s + M observers on one document, SQLite
  b  idle connections: C Socket.IO connections joined to a document, held idle
  c  join: a new client joins a document of 10,000 logged updates, before and after compaction
  d  fan-out on PostgreSQL + Redis with two server processes (opt-in)
  e  long session: the fan-out of (a) for --long-duration seconds, latency per --window (opt-in)
  f  editors' acks under a sign-up flood: the fan-out of (a) alone, then while threads post sign-ups (opt-in)
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))
CLK_TCK = os.sysconf("SC_CLK_TCK")
HOST = "127.0.0.1"
TARGETS = {
    "fanout_p99_ms": 30.0,
    "idle_connections": 1000,
    "join_after_compaction_ms": 50.0,
}
PG_ADMIN_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


# --- /proc ---------------------------------------------------------------------------


def proc_cpu_ticks(pid: int) -> int | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15 of stat)


def proc_status(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])  # kB
            elif key == "Threads":
                out[key] = int(value)
    except OSError:
        pass
    return out


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs of the machine."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])
    return total - idle, total


@dataclass
class Snapshot:
    at: float
    cpu: dict[int, int | None]
    status: dict[int, dict[str, int]]
    machine: tuple[int, int]


class Sampler:
    """Reads CPU and memory of some processes at explicit moments and every `period` seconds."""

    def __init__(self, pids: dict[str, int], period: float = 0.5):
        self.pids = dict(pids)
        self.period = period
        self.samples: list[Snapshot] = []
        self.marks: dict[str, Snapshot] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def add(self, name: str, pid: int) -> None:
        self.pids[name] = pid

    def snap(self) -> Snapshot:
        return Snapshot(
            at=time.monotonic(),
            cpu={pid: proc_cpu_ticks(pid) for pid in self.pids.values()},
            status={pid: proc_status(pid) for pid in self.pids.values()},
            machine=machine_ticks(),
        )

    def mark(self, name: str) -> Snapshot:
        self.marks[name] = snapshot = self.snap()
        return snapshot

    def start(self) -> Sampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        while not self._stop.wait(self.period):
            self.samples.append(self.snap())

    def cpu_pct(self, name: str, start: str, end: str) -> float | None:
        a, b = self.marks.get(start), self.marks.get(end)
        pid = self.pids[name]
        if a is None or b is None or a.cpu.get(pid) is None or b.cpu.get(pid) is None:
            return None
        return round(100.0 * (b.cpu[pid] - a.cpu[pid]) / CLK_TCK / (b.at - a.at), 1)  # type: ignore[operator]

    def machine_pct(self, start: str, end: str) -> float | None:
        """Busy share of all the machine's cores between two marks (100 = every core busy)."""
        a, b = self.marks.get(start), self.marks.get(end)
        if a is None or b is None or b.machine[1] == a.machine[1]:
            return None
        return round(100.0 * (b.machine[0] - a.machine[0]) / (b.machine[1] - a.machine[1]), 1)

    def peak(self, name: str, start: str, end: str, key: str = "VmRSS") -> int | None:
        a, b = self.marks.get(start), self.marks.get(end)
        pid = self.pids[name]
        values = [
            s.status.get(pid, {}).get(key)
            for s in self.samples + list(self.marks.values())
            if a is not None and b is not None and a.at <= s.at <= b.at
        ]
        values = [v for v in values if v is not None]
        return max(values) if values else None

    def peak_cpu_pct(self, name: str, start: str, end: str) -> float | None:
        """The highest CPU share of the process over any sampling interval between two marks."""
        a, b = self.marks.get(start), self.marks.get(end)
        if a is None or b is None:
            return None
        pid = self.pids[name]
        points = sorted((s for s in self.samples if a.at <= s.at <= b.at), key=lambda s: s.at)
        best = None
        for x, y in itertools.pairwise(points):
            if x.cpu.get(pid) is None or y.cpu.get(pid) is None or y.at <= x.at:
                continue
            value = 100.0 * (y.cpu[pid] - x.cpu[pid]) / CLK_TCK / (y.at - x.at)  # type: ignore[operator]
            best = value if best is None else max(best, value)
        return round(best, 1) if best is not None else None

    def status(self, name: str, mark: str, key: str = "VmRSS") -> int | None:
        snapshot = self.marks.get(mark)
        return snapshot.status.get(self.pids[name], {}).get(key) if snapshot else None


# --- processes -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Processes:
    """Every process this run started, stopped by id (its own process group) at the end."""

    def __init__(self, nice: int = 0) -> None:
        self.running: list[subprocess.Popen[Any]] = []
        self.nice = nice

    def start(self, argv: list[str], nice: bool = False, **kwargs: Any) -> subprocess.Popen[Any]:
        """Start a process in its own session; with nice=True at the run's --nice priority."""
        if nice and self.nice:
            argv = ["nice", "-n", str(self.nice), *argv]
        process = subprocess.Popen(argv, start_new_session=True, **kwargs)
        self.running.append(process)
        return process

    def stop(self, process: subprocess.Popen[Any], timeout: float = 10.0) -> None:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        if process in self.running:
            self.running.remove(process)

    def stop_all(self) -> None:
        for process in list(reversed(self.running)):
            self.stop(process)


@dataclass
class Server:
    process: subprocess.Popen[Any]
    url: str
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


class SignupFlood:
    """Threads posting sign-ups as fast as the server answers, each attempt from its own loopback
    address (127.1.x.y), so that the per-address rate limit, left on, is never what stops them."""

    def __init__(self, url: str, threads: int):
        host, port = url.removeprefix("http://").split(":")
        self.host, self.port, self.threads = host, int(port), threads
        self.statuses: dict[int, int] = {}
        self.seconds: list[float] = []
        self._next = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._workers = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def start(self) -> SignupFlood:
        self.started = time.monotonic()
        for worker in self._workers:
            worker.start()
        return self

    def stop(self) -> dict[str, Any]:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=30)
        wall = time.monotonic() - self.started
        done = sorted(self.seconds)
        return {
            "threads": self.threads,
            "attempts": len(done),
            "per_s": round(len(done) / wall, 1) if wall else None,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "reply_ms_p50": round(1000 * done[len(done) // 2], 1) if done else None,
            "reply_ms_p99": round(1000 * done[int(len(done) * 0.99)], 1) if done else None,
            "addresses": "one loopback address per attempt (127.1.0.1, 127.1.0.2, ...): the rate limit stays on",
        }

    def _address(self) -> tuple[str, int]:
        with self._lock:
            self._next += 1
            n = self._next
        return (f"127.1.{n // 250 % 250}.{n % 250 + 1}", n)

    def _run(self) -> None:
        import http.client

        while not self._stop.is_set():
            address, n = self._address()
            started = time.monotonic()
            try:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=30, source_address=(address, 0))
                conn.request("GET", "/api/auth/session")
                reply = conn.getresponse()
                token = json.loads(reply.read())["csrf_token"]
                cookie = reply.getheader("Set-Cookie", "").split(";")[0]
                body = json.dumps(
                    {
                        "email": f"flood-{n}-{secrets.token_hex(3)}@bench.example",
                        "password": "un mot de passe de banc",
                        "display_name": f"Flood {n}",
                    }
                )
                conn.request(
                    "POST",
                    "/api/auth/signup",
                    body=body,
                    headers={"Content-Type": "application/json", "X-CSRF-Token": token, "Cookie": cookie},
                )
                reply = conn.getresponse()
                reply.read()
                status = reply.status
                conn.close()
            except (OSError, ValueError, KeyError):
                status = -1
            with self._lock:
                self.statuses[status] = self.statuses.get(status, 0) + 1
                self.seconds.append(time.monotonic() - started)


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="codossier-bench-"))
        self.procs = Processes(args.nice)
        self.tree = ROOT  # the code under test
        if args.commit:
            self.tree = self.tmp / "tree"
            self.tree.mkdir()
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.commit], capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", str(self.tree)], input=archive.stdout, check=True)
        self.secret_key = secrets.token_urlsafe(32)
        self.servers_started = 0
        self.server_logs: list[Path] = []

    # servers

    def start_server(self, env_extra: dict[str, str], name: str) -> Server:
        port = free_port()
        log = self.tmp / f"server-{name}.log"
        self.server_logs.append(log)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(
            {
                "CODOSSIER_DATA_DIR": str(self.tmp / "data"),
                "SECRET_KEY": self.secret_key,
                "CODOSSIER_ASYNC_MODE": self.args.async_mode,
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(env_extra)
        command = [PYTHON, "-m", "server.cli", "serve"]  # `-m`: the package is imported from cwd, the tree
        with log.open("wb") as out:
            process = self.procs.start(
                [*command, "--host", HOST, "--port", str(port)],
                nice=True,
                cwd=self.tree,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        server = Server(process, f"http://{HOST}:{port}", log)
        self._wait_healthy(server)
        self.servers_started += 1
        return server

    def _wait_healthy(self, server: Server, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(f"server exited with {server.process.returncode}:\n{server.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{server.url}/api/health", timeout=1) as reply:
                    if json.load(reply).get("status") == "ok":
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not become healthy in {timeout} s:\n{server.log.read_text()[-3000:]}")

    # preparation

    def prepare(self, database_url: str, name: str, prefill: int, spares: int = 0) -> dict[str, Any]:
        out = self.tmp / f"world-{name}.json"
        argv = [
            PYTHON,
            str(BENCH / "prepare.py"),
            "build",
            "--database-url",
            database_url,
            "--data-dir",
            str(self.tmp / "data"),
            f"--secret-key={self.secret_key}",  # (a key may start with "-")
            "--editors",
            str(max(self.args.editors, 1)),
            "--observers",
            str(max(self.args.observers, 1)),
            "--out",
            str(out),
        ]
        if prefill:
            argv += ["--prefill", str(prefill)]
        if spares:
            argv += ["--spare-documents", str(spares)]
        result = subprocess.run(argv, cwd=self.tree, env=self._tree_env(), capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"prepare.py failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
        world = json.loads(out.read_text())
        world["path"] = str(out)
        return world

    def _tree_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env["CODOSSIER_BENCH_TREE"] = str(self.tree)
        return env

    def compact(self, world: dict[str, Any]) -> dict[str, Any]:
        result = subprocess.run(
            [PYTHON, str(BENCH / "prepare.py"), "compact", "--world", world["path"]],
            cwd=self.tree,
            env=self._tree_env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"compaction failed:\n{result.stderr[-4000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    # Node clients

    def node(
        self,
        script: str,
        options: dict[str, Any],
        sampler: Sampler | None,
        timeout: float,
        client_name: str = "client",
        on_phase: Any = None,
    ) -> dict[str, Any]:
        """Run a Node client; mark the sampler at each `phase` line; return its `result` line."""
        argv = ["node", str(BENCH / script)]
        if self.args.client_profile:
            argv[1:1] = ["--cpu-prof", "--cpu-prof-dir", str(Path(self.args.client_profile).resolve())]
        for key, value in options.items():
            argv += [f"--{key}", str(value)]
        errors = self.tmp / f"{script}.stderr"
        with errors.open("wb") as err:
            process = self.procs.start(argv, nice=True, cwd=BENCH, stdout=subprocess.PIPE, stderr=err, text=True)
        if sampler is not None:
            sampler.add(client_name, process.pid)
        result: dict[str, Any] | None = None
        phases: list[dict[str, Any]] = []
        timer = threading.Timer(timeout, lambda: self.procs.stop(process))
        timer.start()
        try:
            assert process.stdout is not None
            for line in process.stdout:
                try:
                    message = json.loads(line)
                except json.JSONDecodeError:
                    continue
                phase = message.get("phase")
                if sampler is not None and phase:
                    sampler.mark(phase)
                if on_phase is not None and phase:
                    on_phase(phase)
                phases.append(message)
                if phase == "result":
                    result = message
                elif phase == "error":
                    raise RuntimeError(f"{script} failed: {message.get('message')}")
                elif self.args.verbose:
                    print(f"    {script}: {line.strip()}", flush=True)
            process.wait(timeout=30)
        finally:
            timer.cancel()
            self.procs.stop(process)
        if result is None:
            raise RuntimeError(
                f"{script} gave no result (exit {process.returncode}, timeout {timeout} s):\n"
                f"{errors.read_text()[-3000:]}"
            )
        result["phases"] = [p for p in phases if p.get("phase") not in ("result",)]
        return result

    # scenarios

    def fanout(
        self,
        world: dict[str, Any],
        servers: list[Server],
        label: str,
        extra_pids: dict[str, int] | None = None,
        duration: float | None = None,
        window: float = 0,
        document: str | None = None,
        probe: bool = False,
    ) -> dict[str, Any]:
        """The fan-out of the world's document, or of ``document`` (one of its spare documents).

        With ``probe``, one more editor types in the same document from a Node process of its own:
        its acks measure the server's answer apart from the main clients' process, whose own cost
        grows with the document (60 Y.Docs in one event loop, where a browser holds one)."""
        a = self.args
        if document is not None:
            path = self.tmp / f"world-{document}.json"
            path.write_text(json.dumps({**world, "document": document}))
            world = {**world, "path": str(path), "document": document}
        duration = a.duration if duration is None else duration
        sampler = Sampler({**{f"server{i}": s.pid for i, s in enumerate(servers)}, **(extra_pids or {})}).start()
        sampler.mark("server_started")
        profiles: list[tuple[subprocess.Popen[Any], Path]] = []

        def on_phase(phase: str) -> None:
            if phase == "measure_start" and a.profile:
                for i, server in enumerate(servers):
                    raw = self.tmp / f"profile-{label_slug(label)}-{i}.txt"
                    spy = self.procs.start(
                        [
                            str(ROOT / ".venv" / "bin" / "py-spy"),
                            "record",
                            "-p",
                            str(server.pid),
                            "-d",
                            str(int(duration)),
                            "-r",
                            "100",
                            "-f",
                            "raw",
                            "-o",
                            str(raw),
                        ],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                    profiles.append((spy, raw))

        probe_result: dict[str, Any] = {}
        probe_thread = None
        if probe:

            def run_probe() -> None:
                options = {"world": world["path"], "url": servers[0].url, "editors": 1, "observers": 0, "tag": "!"}
                options.update(rate=a.rate, jitter=a.jitter, warmup=a.warmup, duration=duration, window=window)
                try:
                    probe_result.update(self.node("fanout.mjs", options, None, timeout=a.warmup + duration + 120))
                except RuntimeError as error:
                    probe_result["error"] = str(error)[-500:]

            probe_thread = threading.Thread(target=run_probe, daemon=True)
            probe_thread.start()
        try:
            result = self.node(
                "fanout.mjs",
                {
                    "world": world["path"],
                    "url": ",".join(s.url for s in servers),
                    "editors": a.editors,
                    "observers": a.observers,
                    "rate": a.rate,
                    "jitter": a.jitter,
                    "warmup": a.warmup,
                    "duration": duration,
                    "window": window,
                    "setup-spread": a.setup_spread,
                },
                sampler,
                timeout=a.warmup + duration + 120,
                on_phase=on_phase,
            )
        finally:
            if probe_thread is not None:
                probe_thread.join(timeout=a.warmup + duration + 150)
            sampler.stop()
            for spy, _ in profiles:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    spy.wait(timeout=30)
                self.procs.stop(spy)
        servers_report = []
        for i, server in enumerate(servers):
            name = f"server{i}"
            servers_report.append(
                {
                    "pid": server.pid,
                    "cpu_pct": sampler.cpu_pct(name, "measure_start", "measure_end"),
                    "cpu_pct_peak_0_5s": sampler.peak_cpu_pct(name, "measure_start", "measure_end"),
                    "rss_mb_start": _mb(sampler.status(name, "measure_start")),
                    "rss_mb_end": _mb(sampler.status(name, "measure_end")),
                    "rss_mb_peak": _mb(sampler.peak(name, "measure_start", "measure_end")),
                    "threads": sampler.status(name, "measure_end", "Threads"),
                }
            )
        result["label"] = label
        result["servers_measured"] = servers_report
        if probe:
            result["probe"] = {
                k: probe_result.get(k)
                for k in ("acks", "windows", "client_event_loop_delay_ms", "client_cpu_pct", "error")
            }
        saved = result["acks"]["saved"]
        total_cpu = [s["cpu_pct"] for s in servers_report]
        result["server_cpu_ms_per_saved_update"] = (
            round(sum(total_cpu) / 100 * duration * 1000 / saved, 2) if saved and None not in total_cpu else None
        )
        result["client_process_cpu_pct"] = sampler.cpu_pct("client", "measure_start", "measure_end")
        result["machine_busy_pct"] = sampler.machine_pct("measure_start", "measure_end")
        extra_cpu = {name: sampler.cpu_pct(name, "measure_start", "measure_end") for name in (extra_pids or {})}
        result["extra_processes_cpu_pct"] = extra_cpu
        result["other_processes_cpu_pct"] = others(
            result["machine_busy_pct"],
            [s["cpu_pct"] for s in servers_report] + [result["client_process_cpu_pct"], *extra_cpu.values()],
        )
        if profiles:
            result["profile"] = [summarise_profile(raw) for _, raw in profiles]
        for row in result.get("windows", []):
            row.update(window_resources(sampler, servers[0].pid, row["from_s"], row["to_s"]))
        result["verdict"] = {
            "target_p99_ms": TARGETS["fanout_p99_ms"],
            "p99_ok": (result["latency_ms"]["p99"] or 1e9) < TARGETS["fanout_p99_ms"],
            "all_delivered": result["deliveries"]["missing"] == 0,
            "all_saved": result["acks"]["saved"] == result["sent_in_window"],
        }
        return result

    def idle(self, world: dict[str, Any], server: Server) -> dict[str, Any]:
        a = self.args
        sampler = Sampler({"server": server.pid}).start()
        try:
            self.node(
                "idle.mjs",
                {"world": world["path"], "url": server.url, "connections": 10, "hold": 0, "settle": 1},
                None,
                timeout=60,
            )
            time.sleep(1)
            sampler.mark("before")
            result = self.node(
                "idle.mjs",
                {
                    "world": world["path"],
                    "url": server.url,
                    "connections": a.connections,
                    "hold": a.hold,
                    "concurrency": a.connect_concurrency,
                },
                sampler,
                timeout=a.hold + 240,
            )
            time.sleep(3)
            sampler.mark("after_close")
        finally:
            sampler.stop()
        before = sampler.status("server", "before")
        connected = sampler.status("server", "connected")
        held = sampler.status("server", "result")
        result["server"] = {
            "pid": server.pid,
            "rss_mb_before": _mb(before),
            "rss_mb_connected": _mb(connected),
            "rss_mb_after_hold": _mb(held),
            "rss_mb_after_close": _mb(sampler.status("server", "after_close")),
            "rss_mb_peak": _mb(sampler.peak("server", "before", "after_close")),
            "threads_before": sampler.status("server", "before", "Threads"),
            "threads_connected": sampler.status("server", "connected", "Threads"),
            "kb_per_connection": (
                round((held - before) / max(result["opened"], 1), 1)
                if before is not None and held is not None
                else None
            ),
            "cpu_pct_while_opening": sampler.cpu_pct("server", "before", "connected"),
            "cpu_pct_while_idle": sampler.cpu_pct("server", "connected", "result"),
        }
        result["machine_busy_pct_while_idle"] = sampler.machine_pct("connected", "result")
        result["verdict"] = {
            "target_connections": a.connections,
            "all_connected": result["connected_after_hold"] == a.connections and result["disconnects"] == 0,
        }
        return result

    def join(self, world: dict[str, Any], server: Server) -> dict[str, Any]:
        a = self.args
        options = {"world": world["path"], "url": server.url, "document": world["long_document"], "joins": a.joins}
        before = self.node("join.mjs", {**options, "label": "before compaction"}, None, timeout=300)
        compaction = self.compact(world)
        after = self.node("join.mjs", {**options, "label": "after compaction"}, None, timeout=300)

        def digest(run: dict[str, Any]) -> dict[str, Any]:
            joins = run["joins"]
            later = sorted(j["total_ms"] for j in joins[1:])
            later_recv = sorted(j["step2_recv_ms"] for j in joins[1:])
            return {
                "first": joins[0],
                "second": joins[1] if len(joins) > 1 else None,
                "later_total_ms_median": later[len(later) // 2] if later else None,
                "later_step2_recv_ms_median": later_recv[len(later_recv) // 2] if later_recv else None,
                "all": joins,
            }

        result = {
            "document": world["long_document"],
            "logged_updates": world.get("prefill_logged"),
            "update_bytes": world.get("prefill_bytes"),
            "state_bytes": world.get("prefill_state_bytes"),
            "warm_join_of_small_document": before["warm"],
            "before_compaction": digest(before),
            "compaction": compaction,
            "after_compaction": digest(after),
        }
        after_first = result["after_compaction"]["first"]["total_ms"]
        result["verdict"] = {
            "target_ms": TARGETS["join_after_compaction_ms"],
            "first_join_ok": after_first < TARGETS["join_after_compaction_ms"],
            "later_joins_ok": (result["after_compaction"]["later_total_ms_median"] or 1e9)
            < TARGETS["join_after_compaction_ms"],
        }
        return result

    def signup_flood(self, world: dict[str, Any], server: Server) -> dict[str, Any]:
        """f: the fan-out's acks alone, then during a sign-up flood, then alone again, each window in a
        document of its own, as fresh as the first (so that the clients' and server's cost of a
        longer history does not show as the flood's effect, or hide it)."""
        first, second = world["spare_documents"]
        before = self.fanout(world, [server], "before the flood")
        flood = SignupFlood(server.url, self.args.flood_threads).start()
        try:
            during = self.fanout(
                world, [server], "during the flood", {"flood threads (this driver)": os.getpid()}, document=first
            )
        finally:
            flood_stats = flood.stop()
        after = self.fanout(world, [server], "after the flood", document=second)
        p50 = lambda r: r["acks"]["latency_ms"]["p50"]  # noqa: E731
        baseline = p50(before)
        flooded = p50(during)  # None when no editor's update was acknowledged in the window
        return {
            "windows": {"before": before, "during": during, "after": after},
            "flood": flood_stats,
            "verdict": {
                "target": "ack p50 during the flood within 2x of the one before it (each in a fresh document)",
                "ratio": round(flooded / baseline, 2) if baseline and flooded is not None else None,
                "ok": baseline is not None and flooded is not None and flooded <= 2 * baseline,
            },
        }

    # PostgreSQL + Redis

    def postgres_redis(self) -> dict[str, Any]:
        import sqlalchemy as sa

        admin_url = self.args.pg_admin_url
        name = f"codossier_bench_{os.getpid()}_{secrets.token_hex(3)}"
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        database_url = admin_url.rsplit("/", 1)[0] + f"/{name}"
        redis_port = free_port()
        redis = self.procs.start(
            ["redis-server", "--bind", HOST, "--port", str(redis_port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        servers: list[Server] = []
        try:
            _wait_port(redis_port)
            world = self.prepare(database_url, "pg", 0)
            env = {"DATABASE_URL": database_url, "REDIS_URL": f"redis://{HOST}:{redis_port}/0"}
            servers = [self.start_server(env, f"pg{i}") for i in range(2)]
            result = self.fanout(world, servers, "PostgreSQL + Redis, 2 processes", {"redis": redis.pid})
            result["redis_pid"] = redis.pid
            result["note"] = "other processes include PostgreSQL's backends (part of the system under test here)"
            return result
        finally:
            for server in servers:
                self.procs.stop(server.process)
            self.procs.stop(redis)
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    # the run

    def run(self) -> dict[str, Any]:
        a = self.args
        scenarios = [s.strip() for s in a.scenarios.split(",") if s.strip()]
        report: dict[str, Any] = {
            "started": datetime.now().isoformat(timespec="seconds"),
            "environment": environment(a, self.tree),
            "settings": {k: v for k, v in vars(a).items()},
            "targets": TARGETS,
            "scenarios": {},
        }
        busy = machine_busy()
        deadline = time.monotonic() + a.wait_idle
        while busy > a.idle_threshold and time.monotonic() < deadline:
            print(f"machine {busy} % busy (other processes); waiting for it to calm down ...", flush=True)
            time.sleep(3)
            busy = machine_busy()
        report["environment"]["machine_busy_pct_before"] = busy
        if busy > a.idle_threshold:
            print(f"WARNING: the machine is {busy} % busy before the run: figures will be disturbed", flush=True)
        sqlite_needed = any(s in scenarios for s in ("a", "b", "c", "e", "f"))
        world = None
        if sqlite_needed:
            print(f"preparing SQLite database in {self.tmp} ...", flush=True)
            world = self.prepare(
                f"sqlite:///{self.tmp / 'bench.sqlite3'}",
                "sqlite",
                a.prefill if "c" in scenarios else 0,
                spares=2 if "f" in scenarios else 0,
            )
            report["prepare"] = {k: v for k, v in world.items() if k not in ("editors", "observers", "secret_key")}
        env = {"DATABASE_URL": f"sqlite:///{self.tmp / 'bench.sqlite3'}"}
        for scenario in scenarios:
            started = time.monotonic()
            print(f"scenario {scenario} ...", flush=True)
            if scenario == "a":
                server = self.start_server(env, "a")
                try:
                    report["scenarios"]["a"] = self.fanout(world, [server], f"SQLite, 1 process, {a.async_mode}")  # type: ignore[arg-type]
                finally:
                    self.procs.stop(server.process)
            elif scenario == "b":
                server = self.start_server(env, "b")
                try:
                    report["scenarios"]["b"] = self.idle(world, server)  # type: ignore[arg-type]
                finally:
                    self.procs.stop(server.process)
            elif scenario == "c":
                server = self.start_server(env, "c")
                try:
                    report["scenarios"]["c"] = self.join(world, server)  # type: ignore[arg-type]
                finally:
                    self.procs.stop(server.process)
            elif scenario == "d":
                report["scenarios"]["d"] = self.postgres_redis()
            elif scenario == "f":
                server = self.start_server(env, "f")
                try:
                    report["scenarios"]["f"] = self.signup_flood(world, server)  # type: ignore[arg-type]
                finally:
                    self.procs.stop(server.process)
            elif scenario == "e":
                server = self.start_server(env, "e")
                try:
                    report["scenarios"]["e"] = self.fanout(
                        world,  # type: ignore[arg-type]
                        [server],
                        f"SQLite, 1 process, {a.async_mode}, long session",
                        duration=a.long_duration,
                        window=a.window,
                        probe=True,
                    )
                finally:
                    self.procs.stop(server.process)
            else:
                raise SystemExit(f"unknown scenario {scenario!r}")
            report["scenarios"][scenario]["wall_s"] = round(time.monotonic() - started, 1)
        report["server_log_problems"] = self.log_problems()
        report["finished"] = datetime.now().isoformat(timespec="seconds")
        return report

    def log_problems(self) -> list[str]:
        """Exceptions and error lines in the server logs: each distinct one once, with a count.

        (Tracebacks of several threads interleave in threading mode, so this looks for the
        exception lines themselves rather than parsing tracebacks.)"""
        import re

        exception = re.compile(r"([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)): (.*)")
        found: dict[str, int] = {}
        for log in self.server_logs:
            if not log.exists():
                continue
            for line in log.read_text(errors="replace").splitlines():
                match = exception.search(line)
                if match and not line.lstrip().startswith("File "):
                    key = f"{log.name}: {match.group(1)}: {match.group(2)[:160]}"
                elif "could not commit" in line or "step failed" in line or "compaction of" in line:
                    key = f"{log.name}: {line.strip()[:200]}"
                else:
                    continue
                found[key] = found.get(key, 0) + 1
        return [f"{count} x {key}" for key, count in sorted(found.items(), key=lambda kv: -kv[1])][:20]

    def cleanup(self) -> None:
        self.procs.stop_all()
        if self.args.keep:
            print(f"kept {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def label_slug(label: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in label.lower())[:40]


def others(machine_busy_pct: float | None, ours: list[float | None]) -> float | None:
    """CPU used by processes other than the benchmark's, in % of one core."""
    if machine_busy_pct is None or any(v is None for v in ours):
        return None
    return round(machine_busy_pct * (os.cpu_count() or 1) - sum(ours), 1)  # type: ignore[arg-type]


def window_resources(sampler: Sampler, server_pid: int, from_s: float, to_s: float) -> dict[str, Any]:
    """Server CPU, other processes' CPU (both in % of one core) and server RSS over a part of the measured window."""
    start = sampler.marks.get("measure_start")
    if start is None:
        return {}
    points = sorted((s for s in sampler.samples if start.at + from_s <= s.at <= start.at + to_s), key=lambda s: s.at)
    if len(points) < 2:
        return {}
    first, last = points[0], points[-1]
    seconds = last.at - first.at

    def pct(pid: int) -> float | None:
        a, b = first.cpu.get(pid), last.cpu.get(pid)
        return None if a is None or b is None else round(100.0 * (b - a) / CLK_TCK / seconds, 1)

    busy = 100.0 * (last.machine[0] - first.machine[0]) / max(last.machine[1] - first.machine[1], 1)
    ours = [pct(pid) for pid in sampler.pids.values()]
    return {
        "server_cpu_pct": pct(server_pid),
        "other_processes_cpu_pct": others(round(busy, 1), ours),
        "server_rss_mb": _mb(last.status.get(server_pid, {}).get("VmRSS")),
    }


def machine_busy(seconds: float = 2.0) -> float:
    a = machine_ticks()
    time.sleep(seconds)
    b = machine_ticks()
    return round(100.0 * (b[0] - a[0]) / max(b[1] - a[1], 1), 1)


# Functions whose inclusive share of the samples tells where the server's time goes:
# (label, qualified function name as py-spy prints it, file name suffix).
PROFILE_BUCKETS = [
    ("relay writer step (commit, broadcast, compaction)", "Relay._run", "relay.py"),
    ("  commit of the batch (documents.append + SQLite)", "Session.commit", "orm/session.py"),
    ("  merge of the batch (pycrdt)", "merge", "documents.py"),
    ("  broadcast to the room (socketio.emit)", "Relay._broadcast", "relay.py"),
    ("  compaction (documents.compact)", "compact", "documents.py"),
    ("`y` handler", "y", "events/documents.py"),
    ("  current_user (Flask-Login user load, SQL)", "LoginManager._load_user", "login_manager.py"),
    ("  authorize (policy, SQL)", "authorize", "policy.py"),
    ("  check_update (pycrdt decode)", "check_update", "documents.py"),
    ("  waiting for the commit (Relay.submit)", "Relay.submit", "relay.py"),
    ("Flask app/request context per event", "SocketIO._handle_event", "flask_socketio/__init__.py"),
    ("engine.io writer greenlets (frames out)", "Socket._websocket_handler.<locals>.writer", "engineio/socket.py"),
    ("engine.io reader (frames in, packet decode)", "Socket._websocket_handler", "engineio/socket.py"),
    ("socketio packet encode", "Packet.encode", "socketio/packet.py"),
    ("gevent hub (idle/switching)", "Hub.run", "gevent/hub.py"),
]


def _frame_matches(frame: str, function: str, suffix: str) -> bool:
    name, _, where = frame.partition(" (")
    return name == function and where.split(":")[0].endswith(suffix)


def summarise_profile(raw: Path, top: int = 25) -> dict[str, Any]:
    """py-spy raw (collapsed) stacks: total samples, inclusive share of known buckets, top self frames."""
    if not raw.exists():
        return {"error": "no profile written (py-spy failed?)"}
    total = 0
    inclusive = [0] * len(PROFILE_BUCKETS)
    self_time: dict[str, int] = {}
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        for i, (_, function, suffix) in enumerate(PROFILE_BUCKETS):
            if any(_frame_matches(f, function, suffix) for f in frames):
                inclusive[i] += count
        self_time[frames[-1]] = self_time.get(frames[-1], 0) + count
    share = lambda n: round(100.0 * n / total, 1) if total else 0.0  # noqa: E731
    return {
        "file": str(raw),
        "samples": total,
        "inclusive_pct": {label: share(n) for (label, _, _), n in zip(PROFILE_BUCKETS, inclusive, strict=True)},
        "top_self_pct": [(frame, share(n)) for frame, n in sorted(self_time.items(), key=lambda kv: -kv[1])[:top]],
    }


def _wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {HOST}:{port}")


def _mb(kb: int | None) -> float | None:
    return round(kb / 1024, 1) if kb is not None else None


def _version(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        return "?"


def environment(args: argparse.Namespace, tree: Path) -> dict[str, Any]:
    versions = _version(
        [
            PYTHON,
            "-c",
            "import importlib.metadata as m; print(' '.join(f'{p}={m.version(p)}' for p in "
            "('flask-socketio','python-socketio','python-engineio','gevent','gevent-websocket','pycrdt','sqlalchemy')))",
        ]
    )
    commit = _version(["git", "-C", str(ROOT), "rev-parse", "--short", args.commit or "HEAD"])
    dirty = "" if args.commit else _version(["git", "-C", str(ROOT), "status", "--porcelain", "--", "server"])
    return {
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "loadavg_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "node": _version(["node", "--version"]),
        "packages": versions,
        "commit": commit,
        "server_tree_modified_files": len(dirty.splitlines()) if dirty else 0,
        "async_mode": args.async_mode,
        "nice": args.nice,
        "tree": "git archive of " + args.commit if args.commit else "working tree",
    }


# --- the report ---------------------------------------------------------------------------


def _fmt_latency(s: dict[str, Any]) -> str:
    return f"p50 {s['p50']} ms, p95 {s['p95']} ms, p99 {s['p99']} ms, max {s['max']} ms (n={s['count']})"


def _ok(flag: bool) -> str:
    return "MET" if flag else "MISSED"


def render(report: dict[str, Any]) -> str:
    env = report["environment"]
    lines = [
        f"Codossier live co-editing benchmark — {report['started']}",
        f"code: {env.get('tree')} at {env['commit']} (+{env['server_tree_modified_files']} modified files under server/), "
        f"async mode {env['async_mode']}, {env['cpus']} CPUs, load average at start {tuple(round(x, 2) for x in env['loadavg_at_start'])}, "
        f"machine busy before the run {env.get('machine_busy_pct_before')} % of all cores"
        + (f", servers and clients at nice {env['nice']}" if env.get("nice") else ""),
        f"Python {env['python']}, Node {env['node']}, {env['packages']}",
        "",
    ]

    for key, result in report["scenarios"].items():
        if key in ("a", "d", "e"):
            title = {"a": "a. fan-out", "d": "d. fan-out on PostgreSQL + Redis", "e": "e. long session"}[key]
            lines.append(
                f"{title} — {result['label']}: {result['editors']} editors x {result['rate']} updates/s "
                f"(jitter ±{int(result['jitter'] * 100)} %), {result['observers']} observers, "
                f"{result['duration_s']} s measured after {result['warmup_s']} s warm-up"
            )
            lines.append(
                f"  fan-out latency (send -> applied at each other client): {_fmt_latency(result['latency_ms'])}"
            )
            d = result["deliveries"]
            lines.append(
                f"  deliveries: expected {d['expected']}, received {d['received']}, missing {d['missing']}, "
                f"late {d['late']}, duplicates {d['duplicates']}; converged: {result['converged']}"
            )
            ack = result["acks"]
            lines.append(
                f"  updates sent {result['sent_in_window']} ({result['sent_per_s']}/s), acknowledged saved {ack['saved']} "
                f"({ack['saved_per_s']}/s), refused {ack['refused']} {ack['refusals'] or ''}, ack timeouts {ack['timeouts']}"
            )
            lines.append(f"  ack latency: {_fmt_latency(ack['latency_ms'])}")
            lines.append(
                f"  broadcasts per client: {result['broadcasts_per_client_per_s']}/s "
                f"({result['updates_per_broadcast']} updates per merged broadcast)"
            )
            for i, s in enumerate(result["servers_measured"]):
                lines.append(
                    f"  server {i} (pid {s['pid']}): CPU {s['cpu_pct']} % of one core (peak {s['cpu_pct_peak_0_5s']} % over 0.5 s), "
                    f"RSS {s['rss_mb_start']} -> {s['rss_mb_end']} MB (peak {s['rss_mb_peak']}), threads {s['threads']}"
                )
            lines.append(
                f"  server CPU per saved update (all servers): {result.get('server_cpu_ms_per_saved_update')} ms"
            )
            loop = result["client_event_loop_delay_ms"]
            lines.append(
                f"  Node clients: CPU {result['client_process_cpu_pct']} % of one core, event-loop delay p50 {loop['p50']} / "
                f"p99 {loop['p99']} / max {loop['max']} ms; machine busy {result['machine_busy_pct']} % of all cores, "
                f"other processes {result.get('other_processes_cpu_pct')} % of one core"
            )
            lines.append(
                f"  disconnects {result['disconnects']} {result['disconnect_reasons'] or ''}, y-errors {result['y_errors']}, "
                f"connected at end {result['connected_at_end']}"
            )
            timeline = result.get("timeline") or []
            if timeline and not result.get("windows"):
                lines.append(
                    "  per second (send time) p99 ms: "
                    + " ".join(str(int(t["p99"])) if t["p99"] is not None else "-" for t in timeline)
                )
            if result.get("windows"):
                lines.append(
                    "  per window (send time): from-to s | deliveries p50 / p99 / max ms | ack p50 / p99 ms"
                    " | server CPU % | other processes CPU % | server RSS MB"
                )
                for w in result["windows"]:
                    lines.append(
                        f"    {w['from_s']:>4g}-{w['to_s']:<4g} | {w['p50']} / {w['p99']} / {w['max']} | "
                        f"{w['ack_p50']} / {w['ack_p99']} | {w.get('server_cpu_pct')} | "
                        f"{w.get('other_processes_cpu_pct')} | {w.get('server_rss_mb')}"
                    )
            probe = result.get("probe")
            if probe and probe.get("windows"):
                loop = probe.get("client_event_loop_delay_ms") or {}
                lines.append(
                    "  probe (one more editor, in a Node process of its own; its windows start a few seconds before"
                    f" the main ones): ack {_fmt_latency(probe['acks']['latency_ms'])}; event-loop delay p99 "
                    f"{loop.get('p99')} ms"
                )
                lines.append(
                    "    per window: "
                    + " | ".join(f"{w['ack_p50']} / {w['ack_p99']}" for w in probe["windows"])
                    + "  (ack p50 / p99 ms)"
                )
            elif probe:
                lines.append(f"  probe: {probe.get('error') or 'no windows'}")
            if result.get("profile"):
                lines.append("  (with --profile, py-spy's own CPU counts among the other processes)")
            for i, profile in enumerate(result.get("profile", [])):
                if "samples" not in profile:
                    lines.append(f"  profile of server {i}: {profile}")
                    continue
                lines.append(
                    f"  profile of server {i} (py-spy, {profile['samples']} samples, inclusive % of busy samples):"
                )
                for name, pct in profile["inclusive_pct"].items():
                    lines.append(f"    {pct:5.1f} %  {name}")
                lines.append(
                    "    top frames by own time: " + "; ".join(f"{f} {p} %" for f, p in profile["top_self_pct"][:8])
                )
            if result.get("extra_processes_cpu_pct"):
                lines.append(
                    "  also sampled: "
                    + ", ".join(f"{k} {v} % of one core" for k, v in result["extra_processes_cpu_pct"].items())
                    + (f" ({result['note']})" if result.get("note") else "")
                )
            other = result.get("other_processes_cpu_pct")
            if other is not None and other > 20:
                lines.append(
                    f"  WARNING: other processes used {other} % of a core during the window: the figures are disturbed"
                )
            v = result["verdict"]
            lines.append(
                f"  target p99 < {v['target_p99_ms']:g} ms: {_ok(v['p99_ok'])}; every delivery arrived: {_ok(v['all_delivered'])}; "
                f"every update saved: {_ok(v['all_saved'])}"
            )
        elif key == "b":
            s = result["server"]
            lines.append(
                f"b. idle connections: {result['requested']} Socket.IO connections joined to one document, held {result['hold_s']} s"
            )
            lines.append(
                f"  opened {result['opened']} in {result['open_s']} s (failures {result['failures'] or 0}); "
                f"connected after opening {result['connected_after_open']}, after the hold {result['connected_after_hold']}; "
                f"disconnects {result['disconnects']} {result['disconnect_reasons'] or ''}"
            )
            lines.append(f"  join+sync while opening (50 at a time): {_fmt_latency(result['join_sync_ms'])}")
            lines.append(
                f"  server RSS: before {s['rss_mb_before']} MB, all connected {s['rss_mb_connected']} MB, after the hold "
                f"{s['rss_mb_after_hold']} MB, after closing {s['rss_mb_after_close']} MB (peak {s['rss_mb_peak']}); "
                f"{s['kb_per_connection']} kB per connection; threads {s['threads_before']} -> {s['threads_connected']}"
            )
            lines.append(
                f"  server CPU: {s['cpu_pct_while_opening']} % while opening, {s['cpu_pct_while_idle']} % while idle "
                f"(machine busy {result['machine_busy_pct_while_idle']} %)"
            )
            lines.append(
                f"  target {result['verdict']['target_connections']} connections held: {_ok(result['verdict']['all_connected'])}"
            )
        elif key == "c":
            lines.append(
                f"c. join: a new client joins {result['document']} ({result['logged_updates']} logged updates, "
                f"{result['update_bytes']} bytes of updates, state {result['state_bytes']} bytes); "
                "timed from `join` to sync step 2 applied"
            )
            for phase in ("before_compaction", "after_compaction"):
                r = result[phase]
                first, second = r["first"], r["second"] or {}
                lines.append(
                    f"  {phase.replace('_', ' ')}: first {first['total_ms']} ms (join ack {first['join_ack_ms']}, step 2 received "
                    f"{first['step2_recv_ms']}, Yjs apply {first['apply_ms']}), second {second.get('total_ms')} ms (ack "
                    f"{second.get('join_ack_ms')}, received {second.get('step2_recv_ms')}, apply {second.get('apply_ms')}), "
                    f"median of later joins {r['later_total_ms_median']} ms (received {r['later_step2_recv_ms_median']}); "
                    f"step 2 {first['step2_bytes']} bytes"
                )
                if phase == "before_compaction":
                    c = result["compaction"]
                    lines.append(
                        f"  compaction: {c['folded']} updates folded in {c['compact_ms']} ms (documents.compact, "
                        f"out of process), snapshot {c['snapshot_bytes']} bytes"
                    )
            v = result["verdict"]
            lines.append(
                f"  target < {v['target_ms']:g} ms after compaction: first join {_ok(v['first_join_ok'])}, "
                f"later joins {_ok(v['later_joins_ok'])}"
            )
        elif key == "f":
            threads = result["flood"]["threads"]
            lines.append(f"f. editors' acks under a sign-up flood ({threads} threads posting sign-ups)")
            for name, window in result["windows"].items():
                ack = window["acks"]
                lines.append(
                    f"  {name:6}: ack {_fmt_latency(ack['latency_ms'])}; fan-out p50 {window['latency_ms']['p50']} ms, "
                    f"p99 {window['latency_ms']['p99']} ms; saved {ack['saved']}/{window['sent_in_window']}; server CPU "
                    f"{window['servers_measured'][0]['cpu_pct']} %, clients {window['client_process_cpu_pct']} %, "
                    f"other processes {window.get('other_processes_cpu_pct')} % of one core"
                    + "".join(f", flood driver {v} %" for v in window["extra_processes_cpu_pct"].values())
                )
            flood = result["flood"]
            lines.append(
                f"  flood: {flood['attempts']} sign-ups ({flood['per_s']}/s), statuses {flood['statuses']}, reply p50 "
                f"{flood['reply_ms_p50']} ms, p99 {flood['reply_ms_p99']} ms; {flood['addresses']}"
            )
            v = result["verdict"]
            lines.append(f"  {v['target']}: ratio {v['ratio']}: {_ok(v['ok'])}")
        lines.append(f"  ({result['wall_s']} s)")
        lines.append("")
    if report.get("server_log_problems"):
        lines.append("server log problems:")
        lines.extend(f"  {p[:600]}" for p in report["server_log_problems"])
    else:
        lines.append("server logs: no traceback or error")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", default="a,b,c", help="comma-separated: a, b, c, d, e, f (default a,b,c)")
    parser.add_argument(
        "--async-mode", choices=["gevent", "threading"], default=os.environ.get("CODOSSIER_ASYNC_MODE", "gevent")
    )
    parser.add_argument("--editors", type=int, default=50)
    parser.add_argument("--observers", type=int, default=10)
    parser.add_argument("--rate", type=float, default=5.0, help="updates per second per editor")
    parser.add_argument("--jitter", type=float, default=0.5, help="each interval is (1 ± jitter) / rate")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument(
        "--setup-spread", type=int, default=2000, help="ms over which the editors create their paragraphs (0: at once)"
    )
    parser.add_argument("--flood-threads", type=int, default=8, help="f: threads posting sign-ups")
    parser.add_argument("--long-duration", type=float, default=600.0, help="measured seconds of scenario e")
    parser.add_argument("--window", type=float, default=30.0, help="seconds per reported window of scenario e")
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--connect-concurrency", type=int, default=50)
    parser.add_argument("--hold", type=float, default=40.0, help="idle seconds (> the 25 s ping interval)")
    parser.add_argument("--prefill", type=int, default=10000, help="logged updates of the join document")
    parser.add_argument("--joins", type=int, default=7)
    parser.add_argument("--pg-admin-url", default=os.environ.get("CODOSSIER_BENCH_PG", PG_ADMIN_DEFAULT))
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="run the servers and clients at this nice value (negative: ahead of other processes; root only)",
    )
    parser.add_argument(
        "--commit",
        default="",
        help="benchmark this commit (exported with git archive) instead of the working tree",
    )
    parser.add_argument("--profile", action="store_true", help="py-spy the server(s) during the fan-out window")
    parser.add_argument(
        "--client-profile", metavar="DIR", help="write a V8 CPU profile of each Node client run into DIR (.cpuprofile)"
    )
    parser.add_argument("--wait-idle", type=float, default=0, help="wait up to this many seconds for a quiet machine")
    parser.add_argument("--idle-threshold", type=float, default=15.0, help="machine busy %% counted as quiet")
    parser.add_argument("--out", help="JSON report path (the text report goes beside it, .txt)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, logs)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    if args.profile and not (ROOT / ".venv" / "bin" / "py-spy").exists():
        raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy")
    if not (BENCH / "node_modules" / "socket.io-client").exists():
        print("installing the Node clients' packages (npm ci) ...", flush=True)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=BENCH, check=True)

    bench = Bench(args)

    def interrupted(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    try:
        report = bench.run()
    finally:
        bench.cleanup()
    text = render(report)
    if args.out:
        out = Path(args.out)
    else:
        folder = Path(tempfile.gettempdir()) / "codossier-bench-results"
        out = folder / f"{datetime.now():%Y%m%d-%H%M%S}-{args.async_mode}-{args.scenarios.replace(',', '')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str))
    out.with_suffix(".txt").write_text(text + "\n")
    print()
    print(text)
    print(f"\nreport: {out} and {out.with_suffix('.txt')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
