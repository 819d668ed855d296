"""Scale-out benchmark (issue 19): the plain CLI, CLI shards in parallel processes, and Keel on Ray with 1 and 2
workers, on the same generated models, as a user runs them (process start, model load, analysis, merge and the
CSV written). Every variant's table is checked equal to the CLI's. Prints Markdown tables of medians.

    python bench/scale_out.py --keel target/release/keel --work /tmp/keel-scale [--reps 3] [--cases stress,big]

Run by bench/scale-out.sh, which builds the release binary and wheel first. Heavy (minutes); not part of CI.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd


def sh(cmd, env=None):
    subprocess.run(cmd, check=True, env={**os.environ, **(env or {})})


def timed(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def generate(keel, work: Path, stages: int) -> Path:
    d = work / f"model-{stages}"
    if not (d / "model.toml").exists():
        sh([keel, "generate", str(d), "--stages", str(stages), "--seed", "1", "-q"])
    return d


def cli_whole(keel, args, out, env=None):
    sh([keel, *args, "--format", "csv", "-o", str(out), "-q"], env)


def cli_shards(keel, args, part_flags, work: Path, out):
    """Parts in parallel processes (one thread each), then `keel merge`."""
    procs, files = [], []
    for k, flag in enumerate(part_flags):
        f = work / f"part{k}.json"
        files.append(str(f))
        procs.append(subprocess.Popen([keel, *args, *flag, "-o", str(f), "-q"],
                                      env={**os.environ, "RAYON_NUM_THREADS": "1"}))
    for p in procs:
        if p.wait() != 0:
            raise SystemExit("a shard failed")
    sh([keel, "merge", *files, "--format", "csv", "-o", str(out), "-q"])


def ray_run(workers: int, kind: str, model: Path, opts: dict, tasks: int, out: Path):
    """In a child process: start a local Ray with `workers` CPUs (timed apart), then the analysis on it."""
    code = f"""
import time, ray, keel.ray
t = time.perf_counter(); ray.init(num_cpus={workers}, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
start = time.perf_counter() - t
t = time.perf_counter()
r = keel.ray.{kind}({str(model)!r}, tasks={tasks}, **{opts!r})
r.main.to_csv({str(out)!r}, index=False)
print(start, time.perf_counter() - t)
"""
    res = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    start, run = res.stdout.split()[-2:]
    return float(start), float(run)


def same(a: Path, b: Path, what: str):
    x, y = pd.read_csv(a), pd.read_csv(b)
    pd.testing.assert_frame_equal(x, y, check_exact=True, check_dtype=False, obj=what)


def case(keel, work: Path, reps: int, name: str, args, whole_flags, part_flags, kind, model, opts):
    rows = []
    tag = re.sub(r"[^a-z0-9]+", "-", name.lower())[:40]
    ref = work / f"{tag}-cli.csv"
    cli = [timed(lambda: cli_whole(keel, args + whole_flags, ref)) for _ in range(reps)]
    rows.append(("CLI, one process, 2 threads", statistics.median(cli), None))
    one = work / f"{tag}-cli1.csv"
    cli1 = [timed(lambda: cli_whole(keel, args + whole_flags, one, {"RAYON_NUM_THREADS": "1"})) for _ in range(reps)]
    if one.read_bytes() != ref.read_bytes():
        raise SystemExit(f"{name}: one thread's bytes differ from two threads'")
    rows.append(("CLI, one process, 1 thread", statistics.median(cli1), None))
    shard_out = work / f"{tag}-shards.csv"
    sh_t = [timed(lambda: cli_shards(keel, args, part_flags, work, shard_out)) for _ in range(reps)]
    if shard_out.read_bytes() != ref.read_bytes():
        raise SystemExit(f"{name}: merged shards differ from the CLI's bytes")
    rows.append((f"CLI, {len(part_flags)} shard processes (1 thread each) + keel merge", statistics.median(sh_t), None))
    for w in (1, 2):
        out = work / f"{tag}-ray{w}.csv"
        runs = [ray_run(w, kind, model, opts, w, out) for _ in range(reps)]
        same(ref, out, f"{name} ray {w}")
        rows.append((f"Ray, {w} worker{'s' if w > 1 else ''} (1 CPU each), {w} task{'s' if w > 1 else ''}",
                     statistics.median(r[1] for r in runs), statistics.median(r[0] for r in runs)))
    base = rows[0][1]
    print(f"\n### {name}\n")
    print("| variant | wall (median of %d) | vs CLI | Ray start (not counted) | same table |" % reps)
    print("| --- | ---: | ---: | ---: | --- |")
    for label, t, start in rows:
        print(f"| {label} | {t:.2f} s | {t / base:.2f}x | {'' if start is None else f'{start:.1f} s'} | yes |")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keel", default="target/release/keel")
    ap.add_argument("--work", default="/tmp/keel-scale")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--mc-runs", type=int, default=10_000)
    ap.add_argument("--cases", default="stress,montecarlo",
                    help="comma-separated: stress (1,700 stages), montecarlo (10,000 stages), "
                         "big (the 17,000-stage sweep: about 10 minutes per variant on 2 cores)")
    a = ap.parse_args()
    keel = os.path.abspath(a.keel)
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    cases = a.cases.split(",")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, keel {keel}")
    halves = [["--shard", "1/2"], ["--shard", "2/2"]]
    sweep = ["--each", "stage", "--top", "0"]
    if "stress" in cases:
        m = generate(keel, work, 1700)
        case(keel, work, a.reps, "stress, each stage of a 1,700-stage model (1,700 scenarios)",
             ["stress", str(m), *sweep], [], halves, "stress", m, {"each": "stage", "top": 0})
    if "montecarlo" in cases:
        m = generate(keel, work, 10_000)
        n = a.mc_runs
        case(keel, work, 1, f"montecarlo, {n:,} runs x 365 steps on a 10,000-stage model, firms failing at 1%",
             ["montecarlo", str(m), "--firm-rate", "0.01"], ["--runs", str(n)],
             [["--runs", f"0..{n // 2}"], ["--runs", f"{n // 2}..{n}"]],
             "montecarlo", m, {"runs": n, "firm_rate": 0.01})
    if "big" in cases:
        m = generate(keel, work, 17_000)
        case(keel, work, 1, "stress, each stage of the 17,000-stage model (17,000 scenarios)",
             ["stress", str(m), *sweep], [], halves, "stress", m, {"each": "stage", "top": 0})


if __name__ == "__main__":
    main()
