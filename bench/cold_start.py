"""Cold start of every Lambda function, measured the way Lambda starts it: `make bench-cold-start`.

Takes the output of `make package` (sam.json + deployment.zip), unpacks the zip into a read-only
directory (Lambda's /var/task: no bytecode can be written there, so only what the zip ships is
used), puts boto3/botocore from this environment behind it (Lambda's /var/runtime, pinned in
requirements-dev.txt), and starts each function in a fresh interpreter with the function's
environment from sam.json. It times:

- init: `import app` and looking up the handler (what Lambda's Init phase runs);
- first call: what the function's first invocation loads before it talks to AWS or X: the
  composition root (clients, agency directory), message templates, the routing model for NotifyAgency,
  tweepy for the functions that talk to X. Network time is not included: on AWS it is the same
  warm or cold.

`start` = init + first call, the median of `--runs` fresh processes (`max` the slowest); `cpu` is
the CPU time of both (which other load on the machine inflates far less than wall time; `cpu min`
the least of the runs); `process` adds the interpreter's own start-up. Prints the machine's load
average before and after, one line per function, the zip size, and a JSON summary last.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3")
BUDGET_MS = 300
# What each handler's first invocation loads besides the composition root (see the module docstring):
# data, libraries, and the AWS clients it creates (their service models are parsed on creation).
_TEMPLATES = "from chalicelib.domain import messages; messages._templates()"
_X = "import chalicelib.adapters.channels.x"
_ROUTING = "from chalicelib.domain import routing; routing.classify('Jalan berlubang di Jl. Pemuda Semarang')"
FIRST_CALL = {
    "notify_agency": ((_ROUTING, _TEMPLATES), ("sns", "sesv2", "secretsmanager")),
    "tell_citizen": ((_TEMPLATES, _X), ("secretsmanager",)),
    "record_undelivered": ((), ()),
    "await_agency": ((), ()),
    "escalate": ((_TEMPLATES,), ("sns", "sesv2", "secretsmanager")),
    "poll_x": ((_X,), ("stepfunctions", "secretsmanager")),
    "check_recipients": ((), ("sns",)),
    "record_receipts": ((), ()),
    "receive_sms": ((_TEMPLATES,), ("stepfunctions", "secretsmanager")),
    "act_on_incident": ((_TEMPLATES,), ("stepfunctions",)),
    "check_deleted_posts": ((_X,), ("stepfunctions", "secretsmanager")),
    "app": ((_TEMPLATES,), ("stepfunctions", "secretsmanager")),
}
_CLIENT = {
    # PynamoDB creates its own client; every function reads or writes a ticket.
    "dynamodb": "from chalicelib.adapters.dynamodb import TicketModel; TicketModel._get_connection().connection.client",
    "sns": "from chalicelib.adapters import clients; clients.session().create_client('sns')",
    "stepfunctions": "from chalicelib.adapters import clients; clients.session().create_client('stepfunctions')",
    "sesv2": "from chalicelib.adapters import clients; clients.session().create_client('sesv2')",
    "secretsmanager": "from chalicelib.adapters import clients; clients.session().create_client('secretsmanager')",
}
_PROBE = """
import sys, time
start, cpu = time.perf_counter(), time.process_time()
sys.path[:0] = [{task!r}, {runtime!r}]
import app
handler = getattr(app, {attribute!r})
init = time.perf_counter()
from chalicelib import bootstrap
bootstrap.kemala()
{first_call}
done = time.perf_counter()
print((init - start) * 1000, (done - init) * 1000, (time.process_time() - cpu) * 1000)
"""


def _read_only(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _writable(root: Path) -> None:
    if root.exists():
        for path in [root, *root.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
        shutil.rmtree(root)


def stage(package: Path, work: Path) -> tuple[Path, Path]:
    """/var/task from the zip and /var/runtime from this environment's boto3, both read-only."""
    _writable(work)
    task, runtime = work / "task", work / "runtime"
    with zipfile.ZipFile(package / "deployment.zip") as archive:
        archive.extractall(task)
    site = Path(boto3.__file__).resolve().parent.parent
    for name in RUNTIME_PACKAGES:
        source = site / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, runtime / name)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(runtime)], check=True)
    _read_only(task)
    _read_only(runtime)
    return task, runtime


def functions(package: Path) -> dict[str, dict]:
    """Logical id -> {handler, memory, environment} of every function in sam.json."""
    resources = json.loads((package / "sam.json").read_text())["Resources"]
    found = {}
    for logical, resource in resources.items():
        if resource["Type"] == "AWS::Serverless::Function":
            props = resource["Properties"]
            variables = props.get("Environment", {}).get("Variables", {})
            found[logical] = {
                "handler": props["Handler"], "memory": props.get("MemorySize", 128),
                # References to other resources only need to be present, as on AWS they are ARNs.
                "environment": {k: v if isinstance(v, str) else f"arn:aws:local:{k.lower()}" for k, v in variables.items()},
            }
    return found


def measure(task: Path, runtime: Path, logical: str, spec: dict) -> tuple[float, float, float, float]:
    """(init, first call, CPU of both, whole process) in ms, from one fresh interpreter."""
    attribute = spec["handler"].split(".", 1)[1]
    if attribute not in FIRST_CALL:
        raise SystemExit(f"{logical} ({attribute}): say in FIRST_CALL what its first invocation loads")
    loads, clients = FIRST_CALL[attribute]
    first_call = "\n".join([*loads, *(_CLIENT[service] for service in ("dynamodb", *clients))])
    probe = _PROBE.format(task=str(task), runtime=str(runtime), attribute=attribute, first_call=first_call)
    env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "AWS_REGION": "ap-southeast-3",
           "AWS_DEFAULT_REGION": "ap-southeast-3", "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
           "AWS_LAMBDA_FUNCTION_NAME": f"kemala-dev-{logical}", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec["memory"]),
           "LAMBDA_TASK_ROOT": str(task), **spec["environment"]}
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-S", "-E", "-c", probe], env=env, cwd=task,
                            capture_output=True, text=True)
    process = (time.perf_counter() - began) * 1000
    if result.returncode:
        raise SystemExit(f"{logical} did not start:\n{result.stderr}")
    init, first, cpu = (float(x) for x in result.stdout.split()[-3:])
    return init, first, cpu, process


def main() -> None:
    parser = argparse.ArgumentParser(description="Lambda-like cold start of every function")
    parser.add_argument("package", type=Path, nargs="?", default=ROOT / "build" / "package-dev")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    zip_path = args.package / "deployment.zip"
    with zipfile.ZipFile(zip_path) as archive:
        tops = {name.split("/", 1)[0] for name in archive.namelist()}
        pyc = sum(name.endswith(".pyc") for name in archive.namelist())
    task, runtime = stage(args.package, ROOT / "build" / "cold-start")
    print(f"package {zip_path}: {zip_path.stat().st_size / 1e6:.1f} MB, {pyc} .pyc files, "
          f"botocore bundled: {'yes' if 'botocore' in tops else 'no'}")
    load_before = os.getloadavg()
    print(f"load average before (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in load_before)} on {os.cpu_count()} cores")
    print(f"{'function':<18} {'init ms':>8} {'first ms':>9} {'start ms':>9} {'max ms':>7} {'cpu ms':>7} "
          f"{'cpu min':>8} {'process ms':>11}")
    summary = {}
    for logical, spec in functions(args.package).items():
        runs = [measure(task, runtime, logical, spec) for _ in range(args.runs)]
        starts = [init + first for init, first, _, _ in runs]
        row = {"init_ms": round(statistics.median(r[0] for r in runs), 1),
               "first_call_ms": round(statistics.median(r[1] for r in runs), 1),
               "start_ms": round(statistics.median(starts), 1), "max_ms": round(max(starts), 1),
               "cpu_ms": round(statistics.median(r[2] for r in runs), 1),
               "cpu_min_ms": round(min(r[2] for r in runs), 1),
               "process_ms": round(statistics.median(r[3] for r in runs), 1)}
        summary[logical] = row
        print(f"{logical:<18} {row['init_ms']:>8} {row['first_call_ms']:>9} {row['start_ms']:>9} {row['max_ms']:>7} "
              f"{row['cpu_ms']:>7} {row['cpu_min_ms']:>8} {row['process_ms']:>11}")
    _writable(ROOT / "build" / "cold-start")
    load_after = os.getloadavg()
    print(f"load average after: {', '.join(f'{x:.1f}' for x in load_after)}")
    print(json.dumps({"zip_bytes": zip_path.stat().st_size, "botocore_in_zip": "botocore" in tops,
                      "load_average": {"before": load_before, "after": load_after},
                      "all_under_ms": BUDGET_MS if all(r["max_ms"] < BUDGET_MS for r in summary.values()) else None,
                      "functions": summary}))


if __name__ == "__main__":
    main()
