#!/usr/bin/env python3
"""relkit versus the git CLI on the same generated repository, in one run.

    bench.py [--commits 50000] [--files 5000] [--runs 7] [--relkit PATH]

Generates (once, under bench-out/) a repository of N commits with
Fixtures/large-repo.py, then times `relkit changes orbit --json` against
`git log --no-merges --full-history --format=%H orbit-v1.0.0..main -- orbit/`
(the tag is 80% of the history back), without and with a commit-graph file.
Prints the median wall times, the ratio, and each side's peak memory, checks
the two commit lists are identical, and exits 1 when a target is missed:
relkit at most 1.5x git without a commit-graph, peak memory under 150 MiB.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET_RATIO = 1.5
TARGET_MIB = 150


def measure(argv, cwd):
    """Wall seconds and peak resident memory (MiB) of one run, output discarded."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(argv)} failed")
    return elapsed, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=50000)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--relkit", default=os.path.join(ROOT, ".build", "release", "relkit"))
    args = parser.parse_args()

    repo = os.path.join(ROOT, "bench-out", f"repo-{args.commits}-{args.files}")
    if not os.path.isdir(repo):
        print(f"generating {args.commits} commits over {args.files} files in {repo} ...", flush=True)
        started = time.perf_counter()
        subprocess.run([sys.executable, os.path.join(ROOT, "Fixtures", "large-repo.py"),
                        "--commits", str(args.commits), "--files", str(args.files), repo], check=True)
        print(f"generated in {time.perf_counter() - started:.1f} s")
    git = lambda *a: subprocess.run(["git", *a], cwd=repo, check=True, capture_output=True, text=True).stdout
    in_range = int(git("rev-list", "--count", "orbit-v1.0.0..main"))
    print(f"repository: {git('rev-list', '--count', 'main').strip()} commits, {len(git('ls-files').splitlines())} files; "
          f"orbit-v1.0.0..main holds {in_range} commits")

    relkit_cmd = [args.relkit, "changes", "orbit", "--json"]
    git_cmd = ["git", "log", "--no-merges", "--full-history", "--format=%H", "orbit-v1.0.0..main", "--", "orbit/"]

    # The two lists must be the same before any time means anything.
    ours = {c["sha"] for c in json.loads(subprocess.run(relkit_cmd, cwd=repo, check=True, capture_output=True,
                                                        text=True).stdout)["components"][0]["commits"]}
    theirs = set(git(*git_cmd[1:]).split())
    if ours != theirs:
        sys.exit(f"bench: commit lists differ: relkit {len(ours)}, git {len(theirs)}")
    print(f"commit lists identical: {len(ours)} commits touch orbit/")

    failed = False
    print(f"\n{'':24}{'git (median)':>14}{'relkit (median)':>17}{'ratio':>8}{'git peak':>11}{'relkit peak':>13}")
    for mode in ("without commit-graph", "with commit-graph"):
        info = os.path.join(repo, ".git", "objects", "info")
        for name in ("commit-graph", "commit-graphs"):
            path = os.path.join(info, name)
            if os.path.isdir(path):
                shutil.rmtree(path)
            elif os.path.exists(path):
                os.remove(path)
        if mode == "with commit-graph":
            git("config", "core.commitGraph", "true")
            git("commit-graph", "write", "--reachable")
        else:
            git("config", "core.commitGraph", "false")
        measure(git_cmd, repo), measure(relkit_cmd, repo)  # warm the page cache
        git_runs, relkit_runs = [], []
        for _ in range(args.runs):
            git_runs.append(measure(git_cmd, repo))
            relkit_runs.append(measure(relkit_cmd, repo))
        git_time = statistics.median(t for t, _ in git_runs)
        relkit_time = statistics.median(t for t, _ in relkit_runs)
        ratio = relkit_time / git_time
        git_peak = max(m for _, m in git_runs)
        relkit_peak = max(m for _, m in relkit_runs)
        print(f"{mode:24}{git_time:>12.3f} s{relkit_time:>15.3f} s{ratio:>7.2f}x{git_peak:>8.0f} MiB{relkit_peak:>9.0f} MiB")
        if mode == "without commit-graph" and ratio > TARGET_RATIO:
            failed = True
        if relkit_peak >= TARGET_MIB:
            failed = True
    git("config", "core.commitGraph", "false")
    print(f"\ntargets: ratio without a commit-graph <= {TARGET_RATIO}x, relkit peak memory < {TARGET_MIB} MiB: "
          + ("MISSED" if failed else "met"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
