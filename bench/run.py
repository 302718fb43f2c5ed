#!/usr/bin/env python3
"""Benchmark mlsd-lint against its floors, side by side in one run.

    python bench/run.py                 # generated corpus of 1,000 docs
    python bench/run.py --corpus DIR    # a folder of your own docs instead
    python bench/run.py --quick         # fewer repeats, for a smoke test

Measures (medians of --repeat runs, wall time):
  (a) cold start on one small doc vs the bare import of the runtime
      dependencies (and markdownlint-cli2, when it is on PATH);
  (b) 1,000 realistic docs: --jobs 1 --no-cache, --jobs 2 --no-cache, and a
      warm cache, vs markdown-it-py alone parsing the same files in-process;
  (c) one 10 MB doc and one 20 MB doc: time, peak memory, and linearity.
Prints wall time, docs/s, MB/s, peak memory and every ratio the targets use.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
EXE = shutil.which("mlsd-lint", path=str(Path(sys.executable).parent)) or "mlsd-lint"


def sections_of(text: str) -> list[str]:
    """Split a doc into its '## ' sections (the part before the first one included)."""
    parts, current = [], []
    for line in text.splitlines(keepends=True):
        if line.startswith("## ") and current:
            parts.append("".join(current))
            current = []
        current.append(line)
    parts.append("".join(current))
    return parts


def generate_corpus(folder: Path, count: int, seed: int = 7) -> None:
    """Deterministic docs of realistic size (about 20 KB) recombined from the examples."""
    pool = [s for doc in sorted(EXAMPLES.glob("*.md")) for s in sections_of(doc.read_text(encoding="utf-8"))[1:]]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        parts = [f"# Design doc {i}: {rng.choice(['ranking', 'fraud', 'ETA', 'search', 'churn'])} model\n\n"]
        size = 0
        target = rng.randint(12_000, 32_000)
        while size < target:
            section = rng.choice(pool)
            parts.append(section)
            size += len(section)
        (folder / f"doc-{i:04d}.md").write_text("".join(parts), encoding="utf-8")


def big_doc(path: Path, megabytes: float) -> None:
    pool = [s for doc in sorted(EXAMPLES.glob("*.md")) for s in sections_of(doc.read_text(encoding="utf-8"))[1:]]
    rng = random.Random(11)
    parts, size = ["# One very large design doc\n\n"], 0
    while size < megabytes * 1_000_000:
        section = rng.choice(pool)
        parts.append(section)
        size += len(section)
    path.write_text("".join(parts), encoding="utf-8")


def timed(argv: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"benchmark command failed ({proc.returncode}): {' '.join(argv)}\n{proc.stderr.decode()[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before)


def peak_rss(argv: list[str]) -> int:
    """Peak RSS in KiB via /usr/bin/time -v when available (exact per command)."""
    if not Path("/usr/bin/time").exists():
        return 0
    proc = subprocess.run(["/usr/bin/time", "-v", *argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split(":")[1])
    return 0


def compile_package() -> None:
    """Write mlsd-lint's bytecode, as pip does at install."""
    import importlib.util

    spec = importlib.util.find_spec("mlsd_lint")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        subprocess.run([sys.executable, "-m", "compileall", "-q", folder], stdout=subprocess.DEVNULL, check=False)


def median(argv: list[str], repeat: int, cwd: Path | None = None) -> float:
    return statistics.median(timed(argv, cwd)[0] for _ in range(repeat))


def parse_floor(files: list[Path], repeat: int) -> float:
    """markdown-it-py alone (the parser mlsd-lint uses, same options), in a fresh process."""
    code = (
        "import sys,time\n"
        "from markdown_it import MarkdownIt\n"
        "md = MarkdownIt('commonmark', {'html': True}).enable(['table', 'strikethrough'])\n"
        "paths = open(sys.argv[1]).read().split('\\n')\n"
        "for p in paths:\n"
        "    md.parse(open(p, encoding='utf-8').read())\n"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(str(f) for f in files))
    try:
        return median([sys.executable, "-c", code, listing.name], repeat)
    finally:
        os.unlink(listing.name)


def row(label: str, seconds: float, docs: int = 0, megabytes: float = 0.0, extra: str = "") -> str:
    rate = f"{docs / seconds:8.0f} docs/s" if docs else " " * 15
    mbs = f"{megabytes / seconds:6.2f} MB/s" if megabytes else " " * 11
    return f"  {label:44} {seconds:8.3f} s  {rate}  {mbs}  {extra}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, help="lint this folder instead of a generated corpus")
    ap.add_argument("--docs", type=int, default=1000, help="generated corpus size (default 1000)")
    ap.add_argument("--repeat", type=int, default=5, help="runs per measurement; the median is reported")
    ap.add_argument("--quick", action="store_true", help="3 repeats, 200 docs, 2 MB big doc")
    args = ap.parse_args()
    if args.quick:
        args.repeat, args.docs = 3, min(args.docs, 200)
    repeat = args.repeat
    work = Path(tempfile.mkdtemp(prefix="mlsd-bench-"))
    try:
        small = EXAMPLES / "sketchy-eta-prediction.md"
        print(f"mlsd-lint benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {repeat} repeats (medians)\n")

        print("(a) cold start, one small doc")
        # As pip does at install: a run must not pay for compiling mlsd-lint's own
        # bytecode (an editable install under PYTHONDONTWRITEBYTECODE otherwise would).
        compile_package()
        # Interleaved rounds: the machine's load drifts, and each row is a median.
        rules_cache = work / "rules-cache"
        timed([EXE, "--cache-dir", str(rules_cache), str(small)])  # compiled rules and this doc cached
        mdl = shutil.which("markdownlint-cli2")
        rows: dict[str, list[float]] = {"imports": [], "cold": [], "warm_rules": [], "same_doc": [], "peer": []}
        for i in range(max(11, 3 * repeat)):
            # a doc never seen before (no result from the cache), with the compiled rules cached:
            # the usual case in a repository
            variant = work / f"small-{i}.md"
            variant.write_text(small.read_text(encoding="utf-8") + f"\n<!-- run {i} -->\n", encoding="utf-8")
            rows["imports"].append(timed([sys.executable, "-c", "import click, markdown_it, yaml, rapidfuzz"])[0])
            rows["cold"].append(timed([EXE, "--no-cache", str(small)])[0])
            rows["warm_rules"].append(timed([EXE, "--cache-dir", str(rules_cache), str(variant)])[0])
            rows["same_doc"].append(timed([EXE, "--cache-dir", str(rules_cache), str(small)])[0])
            if mdl:
                rows["peer"].append(timed([mdl, str(small)])[0])
        imports, cold, warm_rules, same_doc = (statistics.median(rows[k]) for k in ("imports", "cold", "warm_rules", "same_doc"))
        print(row("bare import of the runtime dependencies", imports))
        print(row("mlsd-lint --no-cache", cold, extra=f"ratio to imports {cold / imports:.2f}x (target <= 1.3x)"))
        print(row("mlsd-lint, rules cache warm, new doc", warm_rules, extra=f"ratio to imports {warm_rules / imports:.2f}x"))
        print(row("mlsd-lint, doc unchanged (result cached)", same_doc, extra=f"ratio to imports {same_doc / imports:.2f}x"))
        if mdl:
            peer = statistics.median(rows["peer"])
            print(row("markdownlint-cli2", peer, extra=f"mlsd-lint / markdownlint-cli2 {cold / peer:.2f}x --no-cache, {warm_rules / peer:.2f}x rules cached (target <= 0.4x)"))
        else:
            print("  markdownlint-cli2 not on PATH: peer comparison skipped (npm install -g markdownlint-cli2)")

        print("\n(b) corpus")
        if args.corpus:
            corpus = args.corpus.resolve()
        else:
            corpus = work / "corpus"
            generate_corpus(corpus, args.docs)
        files = sorted(corpus.rglob("*.md"))
        mb = sum(f.stat().st_size for f in files) / 1e6
        print(f"  {len(files)} docs, {mb:.1f} MB in {corpus}")
        cache_dir = work / "cache"
        timed([EXE, "--cache-dir", str(cache_dir), "--jobs", "1", "-q", str(corpus)])
        runs: dict[str, list[float]] = {"floor": [], "one": [], "two": [], "warm": []}
        for _ in range(repeat):  # interleaved, like (a): each ratio compares runs made side by side
            runs["floor"].append(parse_floor(files, 1))
            runs["one"].append(timed([EXE, "--no-cache", "--jobs", "1", "-q", str(corpus)])[0])
            runs["two"].append(timed([EXE, "--no-cache", "--jobs", "2", "-q", str(corpus)])[0])
            runs["warm"].append(timed([EXE, "--cache-dir", str(cache_dir), "--jobs", "1", "-q", str(corpus)])[0])
        floor, one, two, warm = (statistics.median(runs[k]) for k in ("floor", "one", "two", "warm"))
        print(row("markdown-it-py parse only (floor)", floor, len(files), mb))
        print(row("mlsd-lint --jobs 1 --no-cache", one, len(files), mb, f"ratio to floor {one / floor:.2f}x (target <= 1.2x)"))
        print(row("mlsd-lint --jobs 2 --no-cache", two, len(files), mb, f"ratio to --jobs 1 {two / one:.2f}x (target <= 0.6x)"))
        print(row("mlsd-lint --jobs 1, warm cache", warm, len(files), mb, f"ratio to uncached {warm / one:.2f}x (target <= 0.2x)"))
        if mdl:
            peer = median([mdl, str(corpus / "**" / "*.md")], max(1, repeat // 2))
            print(row("markdownlint-cli2", peer, len(files), mb, f"mlsd-lint --jobs 1 is {peer / one:.1f}x faster"))

        print("\n(c) one big doc")
        sizes = (2.0, 4.0) if args.quick else (10.0, 20.0)
        times = []
        for size in sizes:
            path = work / f"big-{size:g}mb.md"
            big_doc(path, size)
            real_mb = path.stat().st_size / 1e6
            seconds = median([EXE, "--no-cache", "-q", str(path)], max(1, repeat // 2))
            rss = peak_rss([EXE, "--no-cache", "-q", str(path)])
            times.append(seconds)
            print(row(f"{real_mb:.1f} MB doc", seconds, 0, real_mb, f"peak memory {rss / 1024:.0f} MB = {rss / 1024 / real_mb:.1f}x the file (target < 10x)"))
        print(f"  time ratio for 2x the input: {times[1] / times[0]:.2f}x (target <= 2.2x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
