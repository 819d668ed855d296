"""Analyses release the GIL (other Python threads run meanwhile) and stop on Ctrl-C (KeyboardInterrupt)."""

from __future__ import annotations

import _thread
import threading
import time

import pytest

import keel

LONG = dict(runs=5_000_000, seed=1, horizon=3650)  # far longer than the test allows


def test_ctrl_c_interrupts_a_long_run(example_model):
    timer = threading.Timer(0.5, _thread.interrupt_main)
    start = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            example_model.montecarlo(**LONG)
    finally:
        timer.cancel()
    elapsed = time.monotonic() - start
    assert elapsed < 3.0, f"KeyboardInterrupt after {elapsed:.2f} s"
    # The model is still usable, and the next run is not cancelled.
    assert len(example_model.montecarlo(runs=20, seed=1)) > 0


def test_other_threads_run_during_an_analysis(example_model):
    # A run of about a second, whatever the build's speed.
    start = time.monotonic()
    example_model.montecarlo(runs=200, seed=1, horizon=3650)
    runs = int(min(200_000, max(200, 200 * 1.0 / max(time.monotonic() - start, 1e-3))))
    ticks = 0
    stop = threading.Event()

    def count():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    try:
        time.sleep(0.05)
        before = ticks
        start = time.monotonic()
        example_model.montecarlo(runs=runs, seed=1, horizon=3650)
        elapsed = time.monotonic() - start
        during = ticks - before
    finally:
        stop.set()
        t.join()
    # A thread starved of the GIL would not tick while the run lasts; allow for a slow, loaded machine.
    assert elapsed > 0.3, f"{runs} runs took {elapsed:.2f} s: too short to tell"
    assert during > elapsed * 100, f"{during} ticks in {elapsed:.2f} s"


def test_analyses_run_in_parallel_threads(example_model):
    results = {}

    def run(i):
        results[i] = example_model.run("stress", each="site").table()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results[0].equals(results[1]) and results[1].equals(results[2])
