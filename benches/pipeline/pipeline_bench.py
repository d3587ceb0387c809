"""Pipeline benchmarks: the real release binaries, end to end.

Run through `benches/pipeline/run`, which builds the binaries and the
Python environment first. Three measurements, each printed as a Markdown
table on stdout (progress goes to stderr):

1. embedded throughput: `recipe up` on a fresh data directory, N makes
   dropped into its bucket directory, timed until the API lists them all;
   the process's peak resident memory (VmHWM);
2. AWS requests per make against moto: the three binaries on S3, SQS and
   DynamoDB, counted by the SDK interceptor each binary logs at shutdown;
3. the watcher's cost per idle poll with 10,000 objects in the bucket, in
   plain poll, sorted-keys and events mode, counted in moto's request log
   (ListObjectsV2) and from the watcher's shutdown log (every operation);
4. makes stored as they land (`--only landing`): `recipe up` following its
   bucket folder's filesystem events; a burst of makes renamed in at once
   (first drop to last make stored), makes written in place one at a time
   at a steady rate (each make's drop to its `recordedAt`), and the CPU an
   idle `recipe up` uses with 10,000 stored makes in its bucket, with events
   and, for comparison, polling every 500 ms.

Standard library and boto3 only. Every child process gets PR_SET_PDEATHSIG,
so none outlives this script, and is also stopped in `finally` blocks.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import ctypes
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# --- processes -------------------------------------------------------------

_LIBC = ctypes.CDLL("libc.so.6", use_errno=True)
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # If this script is killed outright, the kernel stops its children too.
    _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class BenchError(Exception):
    """A step failed; the message says which and where its log is."""


def step(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def status_kib(self, field_name: str) -> int:
        """A field of /proc/PID/status in KiB (VmHWM, VmRSS)."""
        try:
            text = Path(f"/proc/{self.pid}/status").read_text()
        except OSError as error:
            raise BenchError(f"{self.name} is gone: {error}; log {self.log}") from error
        match = re.search(rf"^{field_name}:\s+(\d+) kB", text, re.M)
        if not match:
            raise BenchError(f"no {field_name} for {self.name}")
        return int(match.group(1))

    def check_alive(self) -> None:
        if self.popen.poll() is not None:
            raise BenchError(
                f"{self.name} exited with {self.popen.returncode}; "
                f"last lines of {self.log}:\n{tail(self.log)}"
            )

    def terminate(self, timeout: float = 40.0) -> int:
        """SIGTERM, then wait; SIGKILL when it takes longer than `timeout`."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
                raise BenchError(f"{self.name} did not stop within {timeout:.0f} s of SIGTERM")
        return self.popen.returncode

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait()


class Processes:
    """Every process started, stopped (SIGKILL) on exit whatever happens."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: list[Process] = []

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Process:
        log = self.logs / f"{name}.log"
        handle = open(log, "ab")
        popen = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            preexec_fn=_die_with_parent,
        )
        handle.close()
        process = Process(name, popen, log)
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in reversed(self.started):
            process.kill()


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_until(what: str, predicate, timeout: float, every: float = 0.05, alive=()):
    """Calls `predicate` until it returns something truthy; fails clearly."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        for process in alive:
            process.check_alive()
        if time.monotonic() > deadline:
            raise BenchError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def http_get(url: str, timeout: float = 30.0) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def http_json(url: str):
    body = http_get(url)
    return None if body is None else json.loads(body)


def makes_created(base_url: str) -> int:
    """`recipe_makes_processed_total{outcome="created"}` from /metrics: a
    cheap progress probe (listing thousands of makes is not)."""
    body = http_get(f"{base_url}/metrics", timeout=5)
    if body is None:
        return -1
    match = re.search(rb'^recipe_makes_processed_total\{outcome="created"\} (\d+)', body, re.M)
    return int(match.group(1)) if match else 0


def walk_makes(base_url: str, recipe_id: int, limit: int) -> tuple[int, int]:
    """Every make of a recipe, read page by page as a client reads them
    (`?limit=&cursor=`): how many makes, in how many pages; (-1, pages)
    when a page does not answer."""
    count = pages = 0
    cursor = None
    while True:
        url = f"{base_url}/recipes/{recipe_id}/makes?limit={limit}"
        if cursor is not None:
            url += f"&cursor={cursor}"
        page = http_json(url)
        if page is None:
            return -1, pages
        count += len(page["items"])
        pages += 1
        cursor = page.get("nextCursor")
        if cursor is None:
            return count, pages


def make_count(base_url: str, recipe_id: int) -> int:
    return walk_makes(base_url, recipe_id, 100)[0]


def reset_peak(process: "Process") -> bool:
    """Starts a new VmHWM at the current resident set (Linux: 5 to
    clear_refs); False where that is refused, and peaks stay cumulative."""
    try:
        Path(f"/proc/{process.pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f} MiB"


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


# --- documents -------------------------------------------------------------

PIE = {
    "recipeName": "Apple Pie",
    "recipeId": 1,
    "rating": 5,
    "ingredients": [
        {"ingredientId": 1, "quantity": 1, "measurement": "unit", "ingredientName": "pieCrust"},
        {"ingredientId": 2, "quantity": 5, "measurement": "unit", "ingredientName": "apples"},
        {"ingredientId": 3, "quantity": 0.5, "measurement": "TBS", "ingredientName": "cinnamon"},
    ],
    "steps": [
        {"stepId": 1, "stepText": "Gather ingredients"},
        {"stepId": 2, "stepText": "Pre heat oven to 350 degrees"},
        {"stepId": 3, "stepText": "Make the pie"},
    ],
}


def make(n: int) -> bytes:
    """Make `n` of recipe 1 (the Apple Pie, seeded by `recipe up` too): its
    own makeId and cinnamon amount, a respelled crust, a skipped step and a
    new rating, so every make has differences to store."""
    return json.dumps(
        {
            "recipeName": "Apple Pie",
            "recipeId": 1,
            "makeId": 1_000_000 + n,
            "madeAt": "2026-11-25T12:00:00Z",
            "rating": 4,
            "ingredients": [
                {"ingredientId": 1, "quantity": 1, "measurement": "unit", "ingredientName": "pie crust"},
                {"ingredientId": 2, "quantity": 5, "measurement": "unit", "ingredientName": "apples"},
                {"ingredientId": 3, "quantity": 1 + n % 7, "measurement": "tsp", "ingredientName": "cinnamon"},
            ],
            "steps": [
                {"stepId": 1, "stepText": "Gather ingredients"},
                {"stepId": 2, "stepText": "Make the pie"},
            ],
        }
    ).encode()


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MOTO_SERVER = Path(__file__).resolve().parent.parent.parent / "scripts" / "moto-server.py"


def typical_recipe() -> dict:
    """The `typical` benchmark fixture's recipe (12 ingredients, 10
    steps), as recipe 1."""
    recipe = json.loads((FIXTURES / "typical.original.json").read_text())
    recipe["recipeId"] = 1
    return recipe


def typical_make(n: int) -> bytes:
    """Make `n` of the `typical` fixture, as recipe 1, the way a cook's app
    drops it in the bucket: no `makeId`, so the object claims its id, with
    its own rating and cooking time."""
    make = json.loads((FIXTURES / "typical.make.json").read_text())
    make["recipeId"] = 1
    del make["makeId"]
    make["rating"] = 1 + n % 5
    make["madeAt"] = f"2026-11-{1 + n % 28:02d}T19:{n % 60:02d}:00Z"
    return json.dumps(make).encode()


def make_key(n: int) -> str:
    # Zero-padded: sorted keys, as timestamped keys would be.
    return f"makes/bench-{n:06d}.json"


# --- 1. embedded throughput ------------------------------------------------


def embedded_throughput(bins: Path, work: Path, procs: Processes, count: int) -> dict:
    data = work / "embedded"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    step(f"embedded: recipe up --data {data} --port {port}")
    up = procs.start(
        "recipe-up",
        [str(bins / "recipe"), "up", "--data", str(data), "--port", str(port)],
        env={"RUST_LOG": os.environ.get("RUST_LOG", "info")},
    )
    wait_until("recipe up to answer /healthz", lambda: http_get(f"{base}/healthz", 2), 60, alive=[up])
    seed_makes = len([p for p in (data / "bucket" / "makes").iterdir() if not p.name.startswith(".")])
    recipes = wait_until("the seed recipes", lambda: (http_json(f"{base}/recipes") or {}).get("items"), 60, alive=[up])
    wait_until(
        f"the {seed_makes} seed makes",
        lambda: sum(max(make_count(base, r["recipeId"]), 0) for r in recipes) >= seed_makes,
        60,
        every=0.2,
        alive=[up],
    )
    seed_recipe_1 = make_count(base, 1)
    created_before = makes_created(base)

    step(f"embedded: dropping {count} makes into {data / 'bucket' / 'makes'}")
    makes_dir = data / "bucket" / "makes"
    # Written under hidden names first (the bucket skips names starting
    # with `.`, so the pipeline sees none of them), then renamed into place
    # as fast as we can: the drop is the rename, and the clock starts at
    # the first one.
    temporaries = []
    for n in range(count):
        temporary = makes_dir / f".bench-{n:06d}.tmp"
        temporary.write_bytes(make(n))
        temporaries.append((temporary, data / "bucket" / make_key(n)))
    started = time.monotonic()
    for temporary, final in temporaries:
        os.rename(temporary, final)
    written = time.monotonic() - started

    def all_created() -> bool:
        return makes_created(base) >= created_before + count

    wait_until(f"{count} makes to be stored", all_created, 300, every=0.05, alive=[up])
    stored_s = time.monotonic() - started
    hwm_stored = up.status_kib("VmHWM")
    # A client walking every make page by page, at the default page size
    # and then at the largest, before anything else reads the list: the
    # server's peak while it does, and the time.
    paging = []
    for limit in (50, 100):
        reset = reset_peak(up)
        walk_started = time.monotonic()
        walked, pages = walk_makes(base, 1, limit)
        paging.append(
            {
                "limit": limit,
                "makes": walked,
                "pages": pages,
                "seconds": time.monotonic() - walk_started,
                "hwm_kib": up.status_kib("VmHWM"),
                "reset": reset,
            }
        )
    # The probe said they are in; the API is the arbiter.
    want = seed_recipe_1 + count
    wait_until(
        f"GET /recipes/1/makes to list {want} makes",
        lambda: make_count(base, 1) >= want,
        60,
        every=0.05,
        alive=[up],
    )
    elapsed = time.monotonic() - started
    listed = make_count(base, 1)
    hwm = up.status_kib("VmHWM")
    status = up.terminate()
    if status != 0:
        raise BenchError(f"recipe up exited with {status} after SIGTERM; log {up.log}")
    if listed != want:
        raise BenchError(f"GET /recipes/1/makes lists {listed} makes, expected exactly {want}")
    return {
        "count": count,
        "seed": seed_recipe_1,
        "written_s": written,
        "elapsed_s": elapsed,
        "stored_s": stored_s,
        "rate": count / elapsed,
        "hwm_kib": hwm,
        "hwm_stored_kib": hwm_stored,
        "paging": paging,
        "log_lines": sum(1 for _ in open(up.log, "rb")),
    }


# --- moto ------------------------------------------------------------------

FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    # Nothing beyond loopback: no instance metadata, no profile files.
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
}


class Moto:
    """A moto server on a free loopback port; its log holds one line per
    request, with the path and query string of S3 requests."""

    def __init__(self, venv: Path, procs: Processes) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = procs.start(
            "moto",
            # moto_server as the tests run it: DynamoDB writes isolated, and a
            # transaction's cost independent of the table's size.
            [str(venv / "bin" / "python"), str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(self.port)]
        )
        wait_until("moto_server to answer", lambda: http_get(f"{self.url}/moto-api/", 2), 60, every=0.2, alive=[self.process])
        import boto3  # moto brings it

        session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
        )
        self.s3 = session.client("s3", endpoint_url=self.url)
        self.sqs = session.client("sqs", endpoint_url=self.url)
        self.dynamodb = session.client("dynamodb", endpoint_url=self.url)

    def log_offset(self) -> int:
        return self.process.log.stat().st_size

    def list_requests(self, bucket: str, since: int, until: int | None = None) -> list[str]:
        """ListObjectsV2 request targets on `bucket` logged between two
        offsets of moto's log (one werkzeug line per request)."""
        with open(self.process.log, "rb") as log:
            log.seek(since)
            text = log.read(None if until is None else until - since).decode(errors="replace")
        pattern = re.compile(rf'"GET (/{re.escape(bucket)}(?:/)?\?[^ "]*list-type=2[^ "]*) HTTP')
        return pattern.findall(text)

    def create_bucket(self, name: str) -> None:
        self.s3.create_bucket(Bucket=name)

    def create_queues(self, name: str) -> tuple[str, str]:
        dead = self.sqs.create_queue(QueueName=f"{name}-dead")["QueueUrl"]
        dead_arn = self.sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        queue = self.sqs.create_queue(
            QueueName=name,
            Attributes={
                "VisibilityTimeout": "30",
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": "5"}),
            },
        )["QueueUrl"]
        return queue, dead

    def create_table(self, name: str) -> None:
        self.dynamodb.create_table(
            TableName=name,
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )

    def put_objects(self, bucket: str, objects: list[tuple[str, bytes]], threads: int = 8) -> None:
        def put(item):
            self.s3.put_object(Bucket=bucket, Key=item[0], Body=item[1])

        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            for _ in pool.map(put, objects):
                pass

    def queue_depth(self, url: str) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(
            attributes["ApproximateNumberOfMessagesNotVisible"]
        )


def shutdown_counts(log: Path) -> dict:
    """The `AWS requests made` line a binary logs at shutdown (JSON logs)."""
    found = None
    for line in log.read_text(errors="replace").splitlines():
        if "AWS requests made" not in line:
            continue
        with contextlib.suppress(json.JSONDecodeError):
            found = json.loads(line)
    if found is None:
        raise BenchError(f"no 'AWS requests made' line in {log}:\n{tail(log)}")
    return found


def pairs(text: str) -> dict[str, int]:
    """`a=1 b=2` as a dict."""
    found = {}
    for pair in str(text or "").split():
        name, _, n = pair.rpartition("=")
        found[name] = int(n)
    return found


def aws_requests(log: Path) -> tuple[int, dict[str, int]]:
    """Requests in all and per operation, from a binary's shutdown line."""
    found = shutdown_counts(log)
    by_operation = pairs(found.get("by_operation", ""))
    total = int(found["aws_requests"])
    if sum(by_operation.values()) != total:
        raise BenchError(f"{log}: by_operation does not add up to aws_requests={total}")
    return total, by_operation


def aws_billed(log: Path) -> dict:
    """What a binary's requests are billed as, from its shutdown line: the
    DynamoDB request units and SQS chunks its SDK interceptor read off
    the bodies (recipe-aws's `billing` module)."""
    found = shutdown_counts(log)
    return {
        "write_units": int(found.get("dynamodb_write_units", 0)),
        "read_units": int(found.get("dynamodb_read_units", 0)),
        "sqs_requests": int(found.get("sqs_billed_requests", 0)),
        "write_units_by_item": pairs(found.get("write_units_by_item", "")),
        "bytes_by_item": pairs(found.get("bytes_by_item", "")),
        "writes_by_item": pairs(found.get("writes_by_item", "")),
    }


def announcing_polls(log: Path) -> list[dict]:
    """The watcher's `poll announced new objects` lines: their reports."""
    reports = []
    for line in log.read_text(errors="replace").splitlines():
        with contextlib.suppress(json.JSONDecodeError):
            entry = json.loads(line)
            if entry.get("message") == "poll announced new objects":
                fields = dict(re.findall(r"(\w+): (\d+)", str(entry.get("report", ""))))
                reports.append({k: int(v) for k, v in fields.items()})
    return reports


def polls_in(requests: list[str]) -> int:
    """Polls in a run of ListObjectsV2 requests: each poll's first page is
    the request without a continuation token."""
    return sum(1 for target in requests if "continuation-token" not in target)


# --- 2. AWS requests per make ----------------------------------------------


def aws_requests_per_make(bins: Path, moto: Moto, procs: Processes, count: int) -> dict:
    bucket, queue_name, table = "bench-makes", "bench-claims", "bench-records"
    moto.create_bucket(bucket)
    queue, dead = moto.create_queues(queue_name)
    moto.create_table(table)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **FAKE_AWS,
        "AWS_ENDPOINT_URL": moto.url,
        "RECIPE_BUCKET": bucket,
        "RECIPE_QUEUE_URL": queue,
        "RECIPE_DLQ_URL": dead,
        "RECIPE_TABLE": table,
        "RECIPE_LISTEN": f"127.0.0.1:{port}",
        "RECIPE_SERVER_URL": base,
        "RECIPE_LOG_FORMAT": "json",
        # Watcher and sender each get an ephemeral health port.
        "RECIPE_HEALTH_LISTEN": "127.0.0.1:0",
        "RUST_LOG": "info",
    }
    step(f"aws: uploading {count} makes to s3://{bucket}")
    moto.put_objects(bucket, [(make_key(n), typical_make(n)) for n in range(count)])

    step("aws: starting recipe-server, recipe-sender, recipe-watcher (plain poll, defaults)")
    server = procs.start("aws-server", [str(bins / "recipe-server")], env)
    wait_until("recipe-server to answer /healthz", lambda: http_get(f"{base}/healthz", 2), 60, alive=[server])
    # The recipe goes straight to the API: SQS does not keep order, and a
    # make that arrives before its recipe is retried and, after 5
    # receives, dead-lettered. Only makes go through the pipeline.
    request = urllib.request.Request(
        f"{base}/recipes/1", data=json.dumps(typical_recipe()).encode(), method="PUT",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=30).close()
    sender = procs.start("aws-sender", [str(bins / "recipe-sender")], env)
    offset = moto.log_offset()
    watcher = procs.start("aws-watcher", [str(bins / "recipe-watcher")], env)
    services = [server, sender, watcher]
    started = time.monotonic()
    last_dlq_check = [0.0]

    def stored() -> bool:
        if time.monotonic() - last_dlq_check[0] > 2:
            last_dlq_check[0] = time.monotonic()
            if moto.queue_depth(dead):
                raise BenchError(f"messages were dead-lettered; see {sender.log}")
        return makes_created(base) >= count

    wait_until(f"{count} makes stored in DynamoDB", stored, 300, every=0.2, alive=services)
    elapsed = time.monotonic() - started
    listed = wait_until(
        f"GET /recipes/1/makes to list {count} makes", lambda: make_count(base, 1) >= count and make_count(base, 1), 60, every=0.2, alive=services
    )
    hwm = {p.name.removeprefix("aws-"): p.status_kib("VmHWM") for p in services}
    step("aws: SIGTERM to each binary (the sender may finish a 20 s long poll)")
    for process in (watcher, sender, server):
        status = process.terminate()
        if status != 0:
            raise BenchError(f"{process.name} exited with {status}; log {process.log}")
    lists = moto.list_requests(bucket, offset)
    counts = {p.name.removeprefix("aws-"): aws_requests(p.log) for p in services}
    billed = {p.name.removeprefix("aws-"): aws_billed(p.log) for p in services}
    if listed != count:
        raise BenchError(f"GET /recipes/1/makes lists {listed} makes, expected exactly {count}")
    return {
        "count": count,
        "elapsed_s": elapsed,
        "counts": counts,
        "billed": billed,
        "hwm_kib": hwm,
        "polls": polls_in(lists),
        "list_requests": len(lists),
        "announcing": announcing_polls(watcher.log),
        "objects": count,
    }


# --- 3. the watcher with 10,000 objects -------------------------------------


def watcher_cost(bins: Path, moto: Moto, procs: Processes, objects: int, poll_ms: int, run_s: float) -> dict:
    bucket, table = "bench-ten-thousand", "bench-watcher"
    moto.create_bucket(bucket)
    moto.create_table(table)
    claims, claims_dead = moto.create_queues("bench-watcher-claims")
    events = moto.sqs.create_queue(QueueName="bench-watcher-events")["QueueUrl"]
    # Under `archive/`: listed (the watcher lists the prefix recipes/ and
    # makes/ share, here the whole bucket) but neither recipes nor makes, so
    # they are skipped without an announcement. Announcing 10,000 makes
    # first takes moto tens of minutes on this machine (its DynamoDB and SQS
    # slow down as they fill), and the listing is what this measures.
    step(f"watcher: putting {objects} objects in s3://{bucket}")
    moto.put_objects(bucket, [(f"archive/{n:06d}.json", b'{"recipeId": 1}') for n in range(objects)])
    env = {
        **FAKE_AWS,
        "AWS_ENDPOINT_URL": moto.url,
        "RECIPE_BUCKET": bucket,
        "RECIPE_QUEUE_URL": claims,
        "RECIPE_DLQ_URL": claims_dead,
        "RECIPE_TABLE": table,
        "RECIPE_LOG_FORMAT": "json",
        "RECIPE_POLL_INTERVAL_MS": str(poll_ms),
        "RECIPE_HEALTH_LISTEN": "127.0.0.1:0",
        "RUST_LOG": "info",
    }

    def run(name: str, extra: dict[str, str], until=None, seconds: float = run_s) -> dict:
        offset = moto.log_offset()
        watcher = procs.start(f"watcher-{name}", [str(bins / "recipe-watcher")], {**env, **extra})
        if until is not None:
            until(watcher)
        time.sleep(seconds)
        watcher.check_alive()
        hwm = watcher.status_kib("VmHWM")
        status = watcher.terminate()
        if status != 0:
            raise BenchError(f"{watcher.name} exited with {status}; log {watcher.log}")
        lists = moto.list_requests(bucket, offset)
        total, by_operation = aws_requests(watcher.log)
        return {
            "lists": lists,
            "polls": polls_in(lists),
            "total": total,
            "by_operation": by_operation,
            "hwm_kib": hwm,
            "announcing": announcing_polls(watcher.log),
        }

    step(f"watcher: plain poll, idle, {run_s:.0f} s at {poll_ms} ms")
    plain = run("plain", {})
    step(f"watcher: --sorted-keys, idle, {run_s:.0f} s at {poll_ms} ms")
    sorted_keys = run("sorted", {"RECIPE_SORTED_KEYS": "true"})
    step("watcher: --mode events on an empty queue")
    events_run = run("events", {"RECIPE_WATCH_MODE": "events", "RECIPE_EVENTS_QUEUE_URL": events})
    return {
        "objects": objects,
        "poll_ms": poll_ms,
        "run_s": run_s,
        "plain": plain,
        "sorted": sorted_keys,
        "events": events_run,
    }


# --- report ----------------------------------------------------------------


# --- 4. makes stored as they land ------------------------------------------


def start_recipe_up(bins: Path, data: Path, procs: Processes, name: str, extra: list[str]) -> tuple[Process, str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    argv = [str(bins / "recipe"), "up", "--data", str(data), "--port", str(port), *extra]
    step(f"landing: {' '.join(argv[1:])}")
    up = procs.start(name, argv, env={"RUST_LOG": os.environ.get("RUST_LOG", "info")})
    wait_until("recipe up to answer /healthz", lambda: http_get(f"{base}/healthz", 2), 60, alive=[up])
    return up, base


def recorded_at(base_url: str, recipe_id: int) -> dict[int, float]:
    """Every make of a recipe: makeId -> when the server recorded it
    (`recordedAt`, wall clock, milliseconds), in seconds since the epoch."""
    stamps: dict[int, float] = {}
    cursor = None
    while True:
        url = f"{base_url}/recipes/{recipe_id}/makes?limit=100"
        if cursor is not None:
            url += f"&cursor={cursor}"
        page = http_json(url)
        if page is None:
            raise BenchError(f"{url} did not answer")
        for item in page["items"]:
            moment = item["recordedAt"].replace("Z", "+00:00")
            stamps[item["makeId"]] = datetime.fromisoformat(moment).timestamp()
        cursor = page.get("nextCursor")
        if cursor is None:
            return stamps


def cpu_seconds(process: Process) -> float:
    """User plus system CPU time of the process, all its threads."""
    try:
        text = Path(f"/proc/{process.pid}/stat").read_text()
    except OSError as error:
        raise BenchError(f"{process.name} is gone: {error}; log {process.log}") from error
    # The command name may hold spaces: fields count from after its `)`.
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def landing(bins: Path, work: Path, procs: Processes, burst: int, rate: int, trickle: int,
            idle_objects: int, idle_s: float, poll_idle_s: float) -> dict:
    data = work / "landing"
    up, base = start_recipe_up(bins, data, procs, "recipe-up-landing", [])
    wait_until("the seed makes of recipe 1", lambda: make_count(base, 1) >= 1, 60, every=0.2, alive=[up])
    makes_dir = data / "bucket" / "makes"

    # A burst: written under hidden names (skipped by the bucket), then
    # renamed in as fast as we can; the clock starts at the first rename.
    created_before = makes_created(base)
    staged = []
    for n in range(burst):
        temporary = makes_dir / f".land-{n:06d}.tmp"
        temporary.write_bytes(make(n))
        staged.append((temporary, makes_dir / f"land-{n:06d}.json"))
    burst_drops: dict[int, float] = {}
    for n, (temporary, final) in enumerate(staged):
        os.rename(temporary, final)
        burst_drops[1_000_000 + n] = time.time()
    renamed_s = max(burst_drops.values()) - min(burst_drops.values())
    wait_until(f"{burst} makes to be stored", lambda: makes_created(base) >= created_before + burst,
               120, every=0.05, alive=[up])

    # One at a time, written in place (as `cp` writes), at `rate` a second.
    step(f"landing: {trickle} makes written one at a time at {rate}/s")
    created_before = makes_created(base)
    trickle_drops: dict[int, float] = {}
    started = time.monotonic()
    for i in range(trickle):
        n = 100_000 + i
        pause = started + i / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        trickle_drops[1_000_000 + n] = time.time()
        (makes_dir / f"trickle-{n:06d}.json").write_bytes(make(n))
    pace_s = time.monotonic() - started
    wait_until(f"{trickle} makes to be stored", lambda: makes_created(base) >= created_before + trickle,
               120, every=0.05, alive=[up])
    stamps = recorded_at(base, 1)
    missing = [m for m in (*burst_drops, *trickle_drops) if m not in stamps]
    if missing:
        raise BenchError(f"{len(missing)} makes not listed, e.g. makeId {missing[0]}")
    burst_span = max(stamps[m] for m in burst_drops) - min(burst_drops.values())
    burst_latencies = [stamps[m] - t for m, t in burst_drops.items()]
    latencies = [stamps[m] - t for m, t in trickle_drops.items()]
    if up.terminate() != 0:
        raise BenchError(f"recipe up exited badly after SIGTERM; log {up.log}")

    # Idle: `idle_objects` makes in the bucket, stored, their files an hour
    # old (a bucket that has been there a while); CPU over `idle_s`, which
    # spans one safety poll at the default 30 s.
    step(f"landing: idle recipe up with {idle_objects:,} makes in its bucket")
    idle_data = work / "idle"
    idle_makes = idle_data / "bucket" / "makes"
    # Seeded (and its recipes stored) first: a first start-up listing of
    # 10,000 makes lists them before `recipes/`, so makes would race their
    # recipe, and on a loaded machine some ran out of retries.
    up, base = start_recipe_up(bins, idle_data, procs, "recipe-up-idle-seed", [])
    wait_until("the seed makes of recipe 1", lambda: make_count(base, 1) >= 1, 60, every=0.2, alive=[up])
    if up.terminate() != 0:
        raise BenchError(f"recipe up exited badly after SIGTERM; log {up.log}")
    an_hour_ago = time.time() - 3600
    for n in range(idle_objects):
        path = idle_makes / f"idle-{n:06d}.json"
        path.write_bytes(make(200_000 + n))
        os.utime(path, (an_hour_ago, an_hour_ago))
    idle = []
    for label, extra, seconds in (
        ("filesystem events, safety poll every 30 s (default)", [], idle_s),
        ("events off: a listing every 500 ms (`--bucket-events false`)", ["--bucket-events", "false"], poll_idle_s),
    ):
        up, base = start_recipe_up(bins, idle_data, procs, f"recipe-up-idle-{len(idle)}", extra)
        wait_until(f"{idle_objects:,} makes stored", lambda: make_count(base, 1) >= idle_objects + 1,
                   300, every=1.0, alive=[up])
        time.sleep(2)
        before, clock = cpu_seconds(up), time.monotonic()
        time.sleep(seconds)
        used, wall = cpu_seconds(up) - before, time.monotonic() - clock
        up.check_alive()
        if up.terminate() != 0:
            raise BenchError(f"recipe up exited badly after SIGTERM; log {up.log}")
        idle.append({"label": label, "cpu_s": used, "wall_s": wall})
    return {
        "burst": burst,
        "renamed_s": renamed_s,
        "burst_span_s": burst_span,
        "burst_p50": percentile(burst_latencies, 0.5),
        "burst_p99": percentile(burst_latencies, 0.99),
        "rate": rate,
        "trickle": trickle,
        "pace_s": pace_s,
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies),
        "idle_objects": idle_objects,
        "idle": idle,
    }


def report_landing(r: dict) -> None:
    print("### Makes stored as they land: `recipe up` with filesystem events\n")
    print(
        f"`recipe up --data <fresh dir> --port <free>` (default flags: bucket events on, safety poll every "
        f"30 s; `RUST_LOG={os.environ.get('RUST_LOG', 'info')}`). Times come from each make's `recordedAt` "
        f"(the server's clock, milliseconds) against the wall-clock moment of its drop.\n"
    )
    print("| measurement | result | target |")
    print("|--|--:|--|")
    print(
        f"| burst: {r['burst']:,} makes renamed in at once ({r['renamed_s']:.2f} s for the renames), first drop "
        f"to last make stored | **{r['burst_span_s']:.2f} s** (each drop to stored: p50 {r['burst_p50'] * 1000:.0f} ms, "
        f"p99 {r['burst_p99'] * 1000:.0f} ms) | < 1 s {mark(r['burst_span_s'] < 1)} |"
    )
    print(
        f"| one at a time: {r['trickle']:,} makes written in place at {r['rate']}/s "
        f"({r['trickle'] / r['pace_s']:.0f}/s achieved), drop to stored | p50 {r['p50'] * 1000:.0f} ms, "
        f"**p99 {r['p99'] * 1000:.0f} ms**, max {r['max'] * 1000:.0f} ms | p99 < 250 ms {mark(r['p99'] < 0.25)} |"
    )
    for i, run in enumerate(r["idle"]):
        share = run["cpu_s"] / run["wall_s"] * 100
        target = f"< 1 % {mark(share < 1)}" if i == 0 else "(comparison)"
        print(
            f"| idle with {r['idle_objects']:,} stored makes in the bucket, {run['label']}: CPU over "
            f"{run['wall_s']:.0f} s | **{share:.2f} % of a core** ({run['cpu_s']:.2f} s) | {target} |"
        )
    print()


def report_embedded(r: dict, bins: Path) -> None:
    target = 2000
    print("### Embedded throughput: `recipe up`\n")
    print(
        f"`recipe up --data <fresh dir> --port <free>` (one process: server, watcher and sender "
        f"on the directory bucket and SQLite, default flags, `RUST_LOG={os.environ.get('RUST_LOG', 'info')}`); "
        f"after its {r['seed']} seed make(s) of recipe 1 are stored, {r['count']:,} makes are written into "
        f"`bucket/makes/` under hidden names (which the bucket skips), then renamed into place as fast as "
        f"possible ({r['written_s']:.2f} s for all the renames); timed from the first rename until "
        f"`GET /recipes/1/makes` lists {r['seed'] + r['count']:,} (the server's `/metrics` counted them all "
        f"stored after {r['stored_s']:.2f} s). Peak RSS is VmHWM of the process: when all were stored, and at "
        f"the end, after a client read all {r['seed'] + r['count']:,} makes with their differences page "
        f"by page.\n"
    )
    print("| makes | seconds | makes/s | target | peak RSS when all were stored (< 30 MB) | peak RSS after the listing (< 30 MB) |")
    print("|--:|--:|--:|--|--:|--:|")
    print(
        f"| {r['count']:,} | {r['elapsed_s']:.2f} | **{r['rate']:,.0f}** | ≥ {target:,} {mark(r['rate'] >= target)} "
        f"| {mib(r['hwm_stored_kib'])} {mark(r['hwm_stored_kib'] * 1024 < 30e6)} "
        f"| {mib(r['hwm_kib'])} {mark(r['hwm_kib'] * 1024 < 30e6)} |"
    )
    print(f"\n`recipe up` wrote {r['log_lines']:,} log lines during the run.\n")
    print(
        f"Paging: with the {r['seed'] + r['count']:,} makes stored, a client reads every make of recipe 1 "
        f"page by page (`GET /recipes/1/makes?limit=N&cursor=C`, each make with its differences); the peak "
        f"RSS is `recipe up`'s VmHWM, reset to the resident set just before each walk"
        + ("" if all(w["reset"] for w in r["paging"]) else " (the reset was refused here: peaks are cumulative)")
        + ".\n"
    )
    print("| page size | makes read | pages | seconds | peak RSS while paging (< 30 MB) |")
    print("|--:|--:|--:|--:|--:|")
    for w in r["paging"]:
        print(
            f"| {w['limit']} | {w['makes']:,} | {w['pages']:,} | {w['seconds']:.2f} "
            f"| {mib(w['hwm_kib'])} {mark(w['hwm_kib'] * 1024 < 30e6)} |"
        )
    print()


SERVICE_ORDER = ("watcher", "sender", "server")


def report_aws(r: dict) -> None:
    count = r["count"]
    counts = r["counts"]
    operations = sorted({op for _, by in counts.values() for op in by})
    total = sum(t for t, _ in counts.values())
    polls = r["polls"]
    announcing = r["announcing"]
    idle_polls = polls - len(announcing)
    # An idle poll over the final bucket: every page listed again and every
    # listed key looked up in the announcement log (BatchGetItem, 100 keys
    # per request), nothing sent or recorded.
    pages = math.ceil(r["objects"] / 1000)
    page_sizes = [min(1000, r["objects"] - 1000 * i) for i in range(pages)]
    idle_per_poll = {"S3.ListObjectsV2": pages, "DynamoDB.BatchGetItem": sum(math.ceil(s / 100) for s in page_sizes)}
    idle_cost = {op: n * idle_polls for op, n in idle_per_poll.items()}
    idle_total = sum(idle_cost.values())

    print(f"### AWS requests per {count:,} makes (moto)\n")
    print(
        f"The recipe PUT to the server's API, {count:,} makes uploaded to the bucket, then `recipe-server`, `recipe-sender` and "
        f"`recipe-watcher` (release, default flags: plain poll every 2 s, sender concurrency 32) on S3, SQS "
        f"and DynamoDB served by moto; {r['elapsed_s']:.1f} s from the watcher's start until all were stored; "
        f"then SIGTERM to each. Counts are each binary's SDK interceptor (`AWS requests made` at shutdown): "
        f"every HTTP attempt, start-up and idle requests included.\n"
    )
    print("| operation | " + " | ".join(SERVICE_ORDER) + f" | total | per make | idle polls | per make, idle polls excluded |")
    print("|---|" + "--:|" * (len(SERVICE_ORDER) + 4))
    for op in operations:
        cells = [counts[s][1].get(op, 0) for s in SERVICE_ORDER]
        op_total = sum(cells)
        idle = idle_cost.get(op, 0)
        print(
            f"| `{op}` | " + " | ".join(str(c) for c in cells)
            + f" | {op_total} | {op_total / count:.3f} | {idle} | {(op_total - idle) / count:.3f} |"
        )
    per_make = total / count
    busy = (total - idle_total) / count
    print(
        "| **all** | " + " | ".join(str(counts[s][0]) for s in SERVICE_ORDER)
        + f" | **{total}** | **{per_make:.2f}** | {idle_total} | **{busy:.2f}** |"
    )
    print()
    ok = total <= 1.5 * count
    print(
        f"Target ≤ {int(1.5 * count):,} requests per {count:,} makes: {mark(ok)} ({total:,} as measured; "
        f"{total - idle_total:,} with idle polls excluded, {mark(total - idle_total <= 1.5 * count)}).\n"
    )
    announced = sum(a.get("announced", 0) for a in announcing)
    print(
        f"Idle polls: moto's log shows {r['list_requests']} ListObjectsV2 request(s) on the bucket in {polls} poll(s) "
        f"(a poll's first page is the request without a continuation token); the watcher logged "
        f"{len(announcing)} poll(s) that announced anything ({announced:,} objects), so {idle_polls} were idle. "
        f"An idle poll over the {r['objects']:,} objects costs {idle_per_poll['S3.ListObjectsV2']} ListObjectsV2 "
        f"(pages of 1,000) and {idle_per_poll['DynamoDB.BatchGetItem']} BatchGetItem (the announcement log, "
        f"100 keys a request), by the code: nothing here measures that lookup, since the 10,000-object table "
        f"below uses keys the watcher skips.\n"
    )
    print("| binary | peak RSS (VmHWM) | target < 30 MB |")
    print("|---|--:|--|")
    for name in SERVICE_ORDER:
        kib = r["hwm_kib"][name]
        print(f"| `recipe-{name}` | {mib(kib)} | {mark(kib * 1024 < 30e6)} |")
    print()


# AWS's published on-demand prices, us-east-1, in dollars per million
# (DynamoDB's since its November 2024 cut), and per GB-month stored.
PRICE_S3_GET = 0.40  # GET, SELECT and every other read request
PRICE_S3_PUT = 5.00  # PUT, COPY, POST and LIST
PRICE_SQS = 0.40  # standard queue, per million 64 KiB chunks
PRICE_DYNAMODB_WRITE = 0.625  # per million write request units
PRICE_DYNAMODB_READ = 0.125  # per million read request units
PRICE_DYNAMODB_STORAGE = 0.25  # per GB-month, standard table class
# DynamoDB adds 100 bytes of indexing to each item it stores.
DYNAMODB_ITEM_OVERHEAD = 100


def s3_is_read(operation: str) -> bool:
    return operation.removeprefix("S3.").startswith(("Get", "Head"))


def report_cost(r: dict) -> None:
    """Dollars per million makes: every request and request unit measured
    in the run, priced at AWS's published on-demand prices."""
    count = r["count"]
    billed = r["billed"]
    by_op: dict[str, int] = {}
    for _, by in r["counts"].values():
        for op, n in by.items():
            by_op[op] = by_op.get(op, 0) + n
    # The cook's app uploads each make: one PUT, which no binary of ours makes.
    s3_put = sum(n for op, n in by_op.items() if op.startswith("S3.") and not s3_is_read(op)) + count
    s3_get = sum(n for op, n in by_op.items() if op.startswith("S3.") and s3_is_read(op))
    sqs = sum(b["sqs_requests"] for b in billed.values())
    wru = sum(b["write_units"] for b in billed.values())
    rru = sum(b["read_units"] for b in billed.values())
    by_item: dict[str, int] = {}
    bytes_by_item: dict[str, int] = {}
    writes_by_item: dict[str, int] = {}
    for b in billed.values():
        for kind, n in b["write_units_by_item"].items():
            by_item[kind] = by_item.get(kind, 0) + n
        for kind, n in b["bytes_by_item"].items():
            bytes_by_item[kind] = bytes_by_item.get(kind, 0) + n
        for kind, n in b["writes_by_item"].items():
            writes_by_item[kind] = writes_by_item.get(kind, 0) + n
    rows = [
        ("S3 PUT and LIST (the cook's upload, the watcher's listing)", s3_put, PRICE_S3_PUT),
        ("S3 GET (the sender reads the make)", s3_get, PRICE_S3_GET),
        ("SQS requests, per 64 KiB", sqs, PRICE_SQS),
        ("DynamoDB write request units", wru, PRICE_DYNAMODB_WRITE),
        ("DynamoDB read request units (all counted strongly consistent)", rru, PRICE_DYNAMODB_READ),
    ]
    print(f"### What a make costs on AWS ({count:,} typical makes, moto)\n")
    print(
        "Each make is the `typical` fixture's (12 ingredients, 10 steps, a note), dropped without a `makeId`, "
        "so its object claims its id: the path every bucket make takes. Requests are the three binaries' SDK "
        "interceptors; request units and SQS chunks are read off each request's and answer's body by "
        "`recipe_aws::billing` (DynamoDB's item-size rules; a transaction's items count twice). Prices are "
        "AWS's published on-demand prices for us-east-1 (`PRICE_*` in `benches/pipeline/pipeline_bench.py`).\n"
    )
    print("| term | per make | price per million | dollars per million makes |")
    print("|---|--:|--:|--:|")
    total = 0.0
    for name, n, price in rows:
        dollars = n / count * price
        total += dollars
        print(f"| {name} | {n / count:.3f} | ${price:.3f} | ${dollars:.3f} |")
    print(f"| **all requests** | | | **${total:.2f}** |")
    stored = (bytes_by_item.get("make", 0) / count + DYNAMODB_ITEM_OVERHEAD) * 1e6 / 1e9
    print(
        f"\nStored: the make items alone take {stored:.2f} GB per million makes "
        f"(${stored * PRICE_DYNAMODB_STORAGE:.2f} a month at ${PRICE_DYNAMODB_STORAGE}/GB-month, "
        f"100 bytes of indexing per item included).\n"
    )
    print("| item written | writes per make | bytes per write | write units per write | write units per make |")
    print("|---|--:|--:|--:|--:|")
    per_write = lambda table, kind: table.get(kind, 0) / max(1, writes_by_item.get(kind, 0))
    for kind in sorted(by_item, key=lambda k: -by_item[k]):
        print(
            f"| `{kind}` | {writes_by_item.get(kind, 0) / count:.3f} | {per_write(bytes_by_item, kind):,.0f} "
            f"| {per_write(by_item, kind):.2f} | {by_item[kind] / count:.2f} |"
        )
    print(f"| **all** | {sum(writes_by_item.values()) / count:.3f} | | | **{wru / count:.2f}** |")
    make_units = per_write(by_item, "make")
    print(
        f"\nTarget: a make's own item at most 2 write units: {mark(make_units <= 2)} ({make_units:.2f} per write; "
        f"a write sent again after a conflict, {writes_by_item.get('make', 0) - count} here, is billed again).\n"
    )


def report_watcher(r: dict) -> None:
    objects = r["objects"]
    print(f"### The watcher with {objects:,} objects in the bucket (moto)\n")
    print(
        f"`recipe-watcher` alone, `RECIPE_POLL_INTERVAL_MS={r['poll_ms']}`, {objects:,} objects under "
        f"`archive/` (listed, since the watcher lists the whole bucket, but neither recipes nor makes, so "
        f"nothing is announced and every poll is idle), three runs of {r['run_s']:.0f} s each, then SIGTERM. "
        f"ListObjectsV2 requests and polls are "
        f"counted in moto's request log (requests on this bucket; a poll starts with the one request without a "
        f"continuation token); all operations come from the watcher's shutdown log.\n"
    )
    print("| mode | polls | ListObjectsV2 | ListObjectsV2 per idle poll | expected | all requests | by operation |")
    print("|---|--:|--:|--:|--|--:|---|")

    def ops(by: dict[str, int]) -> str:
        return ", ".join(f"{op.split('.', 1)[1]} {n}" for op, n in sorted(by.items()))

    plain = r["plain"]
    plain_per = len(plain["lists"]) / plain["polls"] if plain["polls"] else float("nan")
    print(
        f"| plain poll | {plain['polls']} | {len(plain['lists'])} | **{plain_per:g}** | 10 {mark(plain_per == 10)} "
        f"| {plain['total']:,} | {ops(plain['by_operation'])} |"
    )
    sorted_run = r["sorted"]
    # The first poll of a sorted-keys run is the start-up full scan.
    full_scan = next((i for i, t in enumerate(sorted_run["lists"][1:], 1) if "continuation-token" not in t), None)
    startup_pages = full_scan if full_scan is not None else len(sorted_run["lists"])
    idle_sorted = sorted_run["polls"] - 1
    sorted_per = (len(sorted_run["lists"]) - startup_pages) / idle_sorted if idle_sorted else float("nan")
    print(
        f"| `--sorted-keys` | {sorted_run['polls']} (1 start-up full scan) | {len(sorted_run['lists'])} "
        f"({startup_pages} in the full scan) | **{sorted_per:g}** | 1 {mark(sorted_per == 1)} "
        f"| {sorted_run['total']:,} | {ops(sorted_run['by_operation'])} |"
    )
    events = r["events"]
    print(
        f"| `--mode events` | — | {len(events['lists'])} | **0** lists | 0 {mark(len(events['lists']) == 0)} "
        f"| {events['total']:,} | {ops(events['by_operation'])} |"
    )
    print()
    # Per idle poll, every operation: the plain run is all idle polls (its
    # start-up scan finds nothing new) plus one GetQueueAttributes at start.
    plain_ops = {op: n for op, n in plain["by_operation"].items() if op != "SQS.GetQueueAttributes"}
    if plain["polls"]:
        per = ", ".join(f"{op.split('.', 1)[1]} {n / plain['polls']:g}" for op, n in sorted(plain_ops.items()))
        print(f"Every operation per idle poll, plain: {per} (GetQueueAttributes once at start-up left out).")
    if idle_sorted and plain["polls"]:
        # The start-up full scan costs what a plain idle poll costs, plus a
        # PutItem per page as the checkpoint advances; idle polls after it
        # save nothing (an empty page moves no checkpoint).
        scan = {op: n / plain["polls"] for op, n in plain_ops.items()}
        rest = {
            op: n - scan.get(op, 0)
            for op, n in sorted_run["by_operation"].items()
            if op not in ("SQS.GetQueueAttributes", "DynamoDB.PutItem")
        }
        per = ", ".join(f"{op.split('.', 1)[1]} {n / idle_sorted:g}" for op, n in sorted(rest.items()))
        puts = sorted_run["by_operation"].get("DynamoDB.PutItem", 0)
        print(
            f"Every operation per idle poll, `--sorted-keys`: {per}, "
            f"after taking out the start-up full scan (one plain idle poll's requests, and the "
            f"{puts} PutItem that saved the checkpoint as it advanced page by page)."
        )
    print(
        "\nPeak RSS (VmHWM): "
        + ", ".join(f"{name} {mib(r[name]['hwm_kib'])}" for name in ("plain", "sorted", "events"))
        + ".\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bins", type=Path, required=True, help="directory of the release binaries")
    parser.add_argument("--venv", type=Path, required=True, help="the Python environment with moto")
    parser.add_argument("--quick", action="store_true", help="smaller N, shorter runs")
    parser.add_argument("--only", choices=["embedded", "landing", "aws", "watcher"], action="append")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (logs)")
    args = parser.parse_args()
    parts = args.only or ["embedded", "landing", "aws", "watcher"]

    # SIGTERM (the run script's trap) unwinds through the finally blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="recipe-pipebench-"))
    logs = work / "logs"
    logs.mkdir()
    procs = Processes(logs)
    results = {}
    try:
        if "embedded" in parts:
            results["embedded"] = embedded_throughput(args.bins, work, procs, 1000 if args.quick else 5000)
        if "landing" in parts:
            results["landing"] = landing(
                args.bins, work, procs, burst=2000, rate=200, trickle=400 if args.quick else 1000,
                idle_objects=10_000, idle_s=30, poll_idle_s=10,
            )
        if "aws" in parts or "watcher" in parts:
            step("starting moto_server")
            moto = Moto(args.venv, procs)
            if "aws" in parts:
                results["aws"] = aws_requests_per_make(args.bins, moto, procs, 1000)
            if "watcher" in parts:
                results["watcher"] = watcher_cost(
                    args.bins, moto, procs, 10_000, poll_ms=1000, run_s=5 if args.quick else 10
                )
    except BenchError as error:
        print(f"benches/pipeline: {error}\n(logs kept in {logs})", file=sys.stderr)
        args.keep = True
        return 1
    finally:
        procs.stop_all()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    if "embedded" in results:
        report_embedded(results["embedded"], args.bins)
    if "landing" in results:
        report_landing(results["landing"])
    if "aws" in results:
        report_aws(results["aws"])
        report_cost(results["aws"])
    if "watcher" in results:
        report_watcher(results["watcher"])
    if args.keep:
        print(f"(logs in {logs})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
