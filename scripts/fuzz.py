#!/usr/bin/env python3
"""Fuzz the reader with mutated bytes of real example workbooks (not part of the default tests).

Each input is a bundled example submission with random bytes flipped, inserted, deleted or a
zip member's compressed data scrambled -- the damage an email gateway, a broken download or a
hostile sender does. Every input goes through the same path as a merge
(:func:`xlplan.api.read_bounded`: safety checks, then the parsers) inside a forked child with a
deadline, and an input counts as a crash when:

* an exception escapes ``read_submission`` (it must turn every failure into an issue), or
* the child dies (a parser aborting the process) or overruns its deadline.

    python scripts/fuzz.py --count 2000 --seed 1      # prints inputs tried and crashes found

Crashing inputs are saved to ``fuzz-crashes/`` (git-ignored) for a regression test.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.random()
        pos = rng.randrange(len(buf)) if buf else 0
        if op < 0.4 and buf:
            buf[pos] = rng.randrange(256)
        elif op < 0.6:
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif op < 0.8 and buf:
            del buf[pos:pos + rng.randint(1, 64)]
        elif buf:  # repeat a chunk: lengths and offsets in the zip stop matching
            chunk = buf[pos:pos + rng.randint(1, 256)]
            buf[pos:pos] = chunk * rng.randint(1, 4)
    return bytes(buf)


def _read(path: Path):
    from xlplan.api import read_submission

    sub = read_submission(path)
    return sub.info.status, sorted({i.code for i in sub.issues})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fuzz xlplan's reader with mutated workbooks.")
    parser.add_argument("--count", type=int, default=500, help="inputs to try")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=20, help="deadline per input")
    args = parser.parse_args(argv)

    from xlplan.isolate import run_bounded

    seeds = sorted((ROOT / "workbooks" / "examples").rglob("*.xlsx"))
    if not seeds:
        print("fuzz: no example workbooks found; run scripts/make_examples.py", file=sys.stderr)
        return 2
    originals = [p.read_bytes() for p in seeds]
    rng = random.Random(args.seed)
    crashes_dir = ROOT / "fuzz-crashes"
    crashes = 0
    outcomes: dict[str, int] = {}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "input.xlsx"
        for n in range(args.count):
            data = mutate(rng.choice(originals), rng)
            target.write_bytes(data)
            status, payload = run_bounded(_read, (target,), seconds=args.seconds,
                                          memory_bytes=1024 * 2**20)
            if status == "ok":
                key = f"{payload[0]}: {', '.join(payload[1]) or 'no issues'}"
                outcomes[key] = outcomes.get(key, 0) + 1
                continue
            crashes += 1
            crashes_dir.mkdir(exist_ok=True)
            saved = crashes_dir / f"crash-{args.seed}-{n}.xlsx"
            saved.write_bytes(data)
            print(f"crash #{crashes} on input {n}: {status} {payload!r} -> {saved}")
    took = time.perf_counter() - start
    print(f"\n{args.count} inputs tried in {took:.0f} s, {crashes} crash(es) found")
    for key, count in sorted(outcomes.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {count:5d}  {key}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
