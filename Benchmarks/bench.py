#!/usr/bin/env python3
"""relkit versus the git CLI on the same generated repository, in one run.

    bench.py [--commits 50000] [--files 5000] [--runs 7] [--relkit PATH] [--only changes|pick|pending]

Generates (once, under bench-out/) a repository of N commits over F files with
Fixtures/large-repo.py (a work tree of F files, an RC branch cut 2,000 commits
behind main with a dozen picks), then, checking each time that both give the
same answer before timing them:

  changes  `relkit changes orbit --json` against `git log --no-merges
           --full-history --format=%H orbit-v1.0.0..main -- orbit/`, without and
           with a commit-graph. Targets: at most 1.5x git without a
           commit-graph; peak memory under 150 MiB.
  pick     `relkit pick <fix>` against the flow engineers run today:
           `git checkout -b X minor-fleet-v4.58.0 && git cherry-pick -x <fix>
           && git checkout main`. Target: at least 20x faster; under 200 MiB.
  pending  `relkit pending --json` against `git cherry minor-fleet-v4.58.0 main`,
           and the same with --no-predict (no apply predictions) for scale.
           Target: no slower than git; under 200 MiB.
  hook     the pre-push hook (hooks/pre-push running relkit) judging pushes of 10
           and 1,000 cherry-picks onto the RC, in a repository with 300+ refs;
           `git rev-list` of the same new commits for scale. Targets: medians
           at most 30 ms and 300 ms.
  status   `relkit status` (the whole dashboard) against the three git commands
           that answer its cheapest questions. Target: at most 100 ms.

Prints median wall times, ratios and peak memory; exits 1 when a target is missed.
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
PICK_SPEEDUP = 20
PICK_PENDING_MIB = 200
RC = "minor-fleet-v4.58.0"
# Both sides commit as the same person, whatever the machine's git configuration says.
ENV = dict(os.environ, GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.com",
           GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.com", GIT_CONFIG_NOSYSTEM="1")


def measure(argv, cwd):
    """Wall seconds and peak resident memory (MiB) of one run, output discarded.
    A list of commands runs them in turn: total time, highest peak."""
    if argv and isinstance(argv[0], list):
        runs = [measure(step, cwd) for step in argv]
        return sum(t for t, _ in runs), max(m for _, m in runs)
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(argv)} failed")
    return elapsed, usage.ru_maxrss / 1024


def compare(label, git_cmd, relkit_cmd, repo, runs, before_each=None):
    """Median wall time and peak memory of each side, alternating runs."""
    git_runs, relkit_runs = [], []
    for _ in range(runs):
        if before_each:
            before_each()
        git_runs.append(measure(git_cmd, repo))
        if before_each:
            before_each()
        relkit_runs.append(measure(relkit_cmd, repo))
    git_time = statistics.median(t for t, _ in git_runs)
    relkit_time = statistics.median(t for t, _ in relkit_runs)
    git_peak = max(m for _, m in git_runs)
    relkit_peak = max(m for _, m in relkit_runs)
    print(f"{label:24}{git_time:>12.3f} s{relkit_time:>15.3f} s{relkit_time / git_time:>7.2f}x"
          f"{git_time / relkit_time:>9.1f}x{git_peak:>8.0f} MiB{relkit_peak:>9.0f} MiB")
    return git_time, relkit_time, relkit_peak


def header():
    print(f"\n{'':24}{'git (median)':>14}{'relkit (median)':>17}{'ratio':>8}{'speedup':>10}{'git peak':>11}{'relkit peak':>13}")


def set_commit_graph(repo, git, enabled):
    info = os.path.join(repo, ".git", "objects", "info")
    for name in ("commit-graph", "commit-graphs"):
        path = os.path.join(info, name)
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)
    git("config", "core.commitGraph", "true" if enabled else "false")
    if enabled:
        git("commit-graph", "write", "--reachable")


def each_mode(repo, git):
    """Runs the loop body without, then with, a commit-graph; leaves the repository without one."""
    for mode in ("without commit-graph", "with commit-graph"):
        set_commit_graph(repo, git, mode == "with commit-graph")
        yield mode
    set_commit_graph(repo, git, False)


def bench_changes(repo, git, args):
    relkit_cmd = [args.relkit, "changes", "orbit", "--json"]
    git_cmd = ["git", "log", "--no-merges", "--full-history", "--format=%H", "orbit-v1.0.0..main", "--", "orbit/"]
    in_range = int(git("rev-list", "--count", "orbit-v1.0.0..main"))
    print(f"\n== changes: orbit-v1.0.0..main holds {in_range} commits")
    # The two lists must be the same before any time means anything.
    ours = {c["sha"] for c in json.loads(subprocess.run(relkit_cmd, cwd=repo, check=True, capture_output=True,
                                                        text=True).stdout)["components"][0]["commits"]}
    theirs = set(git(*git_cmd[1:]).split())
    if ours != theirs:
        sys.exit(f"bench: commit lists differ: relkit {len(ours)}, git {len(theirs)}")
    print(f"commit lists identical: {len(ours)} commits touch orbit/")
    failed = False
    header()
    for mode in each_mode(repo, git):
        measure(git_cmd, repo), measure(relkit_cmd, repo)  # warm the page cache
        git_time, relkit_time, relkit_peak = compare(mode, git_cmd, relkit_cmd, repo, args.runs)
        if mode == "without commit-graph" and relkit_time / git_time > TARGET_RATIO:
            failed = True
        if relkit_peak >= TARGET_MIB:
            failed = True
    print(f"targets: ratio without a commit-graph <= {TARGET_RATIO}x, relkit peak memory < {TARGET_MIB} MiB: "
          + ("MISSED" if failed else "met"))
    return failed


def bench_pick(repo, git, args):
    fix = git("rev-parse", "main^{/Fix host list pagination}").strip()
    changed = len(git("diff", "--name-only", RC, "main").splitlines())
    print(f"\n== pick: {fix[:7]} onto {RC}; checking out {RC} rewrites {changed} of "
          f"{len(git('ls-files').splitlines())} work-tree files")
    branch = f"cherry-pick-{fix[:7]}-to-{RC}"
    git_cmd = [["git", "checkout", "-q", "-b", "bench-pick", RC], ["git", "cherry-pick", "-x", fix],
               ["git", "checkout", "-q", "main"]]
    relkit_cmd = [args.relkit, "pick", fix]

    def clean():
        for name in (branch, "bench-pick"):
            subprocess.run(["git", "branch", "-q", "-D", name], cwd=repo, env=ENV, capture_output=True)

    # Same answer: the same tree on top of the same RC tip, the same message.
    clean()
    subprocess.run(relkit_cmd, cwd=repo, env=ENV, check=True, capture_output=True)
    for step in git_cmd:
        subprocess.run(step, cwd=repo, env=ENV, check=True, capture_output=True)
    for what in ("^{tree}", "^"):
        if git("rev-parse", branch + what) != git("rev-parse", "bench-pick" + what):
            sys.exit(f"bench: relkit and git picks differ ({what})")
    if git("log", "-1", "--format=%B", branch) != git("log", "-1", "--format=%B", "bench-pick"):
        sys.exit("bench: relkit and git pick messages differ")
    if git("status", "--porcelain", "--untracked-files=no").strip() or git("symbolic-ref", "HEAD").strip() != "refs/heads/main":
        sys.exit("bench: the work tree is not back on a clean main")
    print("picks identical: same parent, tree and message")
    failed = False
    header()
    for mode in each_mode(repo, git):
        git_time, relkit_time, relkit_peak = compare(mode, git_cmd, relkit_cmd, repo, args.runs, clean)
        clean()
        # The target is judged on the repository as a fresh clone has it: without a commit-graph.
        if mode == "without commit-graph" and git_time / relkit_time < PICK_SPEEDUP:
            failed = True
        if relkit_peak >= PICK_PENDING_MIB:
            failed = True
    print(f"targets: relkit at least {PICK_SPEEDUP}x faster without a commit-graph, peak memory < {PICK_PENDING_MIB} MiB: "
          + ("MISSED" if failed else "met"))
    return failed


def bench_pending(repo, git, args):
    relkit_cmd = [args.relkit, "pending", "--json"]
    git_cmd = ["git", "cherry", RC, "main"]
    print(f"\n== pending: main since {RC} branched ({git('rev-list', '--count', RC + '..main').strip()} commits)")
    report = json.loads(subprocess.run(relkit_cmd, cwd=repo, env=ENV, check=True, capture_output=True, text=True).stdout)
    merges = set(git("rev-list", "--merges", f"{RC}..main").split())
    plus, minus = set(), set()
    for line in git(*git_cmd[1:]).splitlines():
        sign, sha = line.split()
        if sha not in merges:
            (plus if sign == "+" else minus).add(sha)
    pending = {c["sha"] for c in report["pending"]}
    picked = {c["sha"]: c["how"] for c in report["picked"]}
    extra = {sha for sha in picked if sha not in minus}
    if not minus <= set(picked) or not pending <= plus or any(picked[sha] != "pick-line" for sha in extra):
        sys.exit("bench: relkit pending and git cherry disagree")
    clean = sum(1 for c in report["pending"] if c["applies_cleanly"])
    print(f"same answer: git cherry marks {len(minus)} present, relkit {len(picked)} "
          f"({len(extra)} more, each by its pick line); {len(pending)} pending, {clean} would apply cleanly")
    # The same lists without the apply predictions (what git cherry computes, plus subjects and PRs).
    quick_cmd = relkit_cmd + ["--no-predict"]
    quick = json.loads(subprocess.run(quick_cmd, cwd=repo, env=ENV, check=True, capture_output=True, text=True).stdout)
    if [c["sha"] for c in quick["pending"]] != [c["sha"] for c in report["pending"]] or quick["picked"] != report["picked"]:
        sys.exit("bench: relkit pending --no-predict lists other commits")
    print("--no-predict lists the same commits, without the predictions")
    failed = False
    header()
    for mode in each_mode(repo, git):
        measure(git_cmd, repo), measure(relkit_cmd, repo)
        git_time, relkit_time, relkit_peak = compare(mode, git_cmd, relkit_cmd, repo, args.runs)
        if mode == "without commit-graph" and relkit_time > git_time:
            failed = True
        if relkit_peak >= PICK_PENDING_MIB:
            failed = True
        _, _, quick_peak = compare(f"  --no-predict", git_cmd, quick_cmd, repo, args.runs)
        if quick_peak >= PICK_PENDING_MIB:
            failed = True
    print(f"targets: `relkit pending` no slower than git cherry without a commit-graph, peak memory < {PICK_PENDING_MIB} MiB: "
          + ("MISSED" if failed else "met"))
    return failed


HOOK_TARGETS = {10: 0.030, 1000: 0.300}
STATUS_TARGET = 0.100


def bench_status(repo, git, args):
    """`relkit status`, the whole dashboard, against the git commands that answer
    its cheapest questions (the latest tag, the candidate, how many commits it lacks)."""
    relkit_cmd = [args.relkit, "status"]
    git_cmd = [["git", "tag", "-l", "fleet-v*", "--sort=-v:refname"],
               ["git", "for-each-ref", "refs/remotes/origin/minor-fleet-v*"],
               ["git", "rev-list", "--count", "--no-merges", f"{RC}..main"]]
    print("\n== status: the dashboard")
    report = json.loads(subprocess.run(relkit_cmd + ["--json"], cwd=repo, env=ENV, check=True, capture_output=True,
                                       text=True).stdout)
    pending = json.loads(subprocess.run([args.relkit, "pending", "--json"], cwd=repo, env=ENV, check=True,
                                        capture_output=True, text=True).stdout)
    if report["pending_fixes"] != len(pending["pending"]):
        sys.exit(f"bench: status counts {report['pending_fixes']} pending, pending lists {len(pending['pending'])}")
    print(f"same answer: {report['pending_fixes']} pending fixes, as `relkit pending` lists them")
    header()
    measure(relkit_cmd, repo)
    _, relkit_time, relkit_peak = compare("status", git_cmd, relkit_cmd, repo, args.runs)
    failed = relkit_time > STATUS_TARGET
    print(f"target: relkit status at most {STATUS_TARGET * 1000:.0f} ms: " + ("MISSED" if failed else "met"))
    return failed


def bench_hook(repo, git, args):
    """The pre-push hook (the shim and relkit, as git runs it) for pushes of 10 and 1,000
    commits onto the RC, in a repository with a few hundred refs."""
    rc = git("rev-parse", RC).strip()
    trunk = git("rev-list", "--first-parent", "-1200", "main").split()
    # A few hundred refs, as a team's clone has: remote-tracking feature branches.
    if len(git("for-each-ref", "refs/remotes/origin/").splitlines()) < 300:
        lines = "".join(f"create refs/remotes/origin/feature-{i:03d} {trunk[i]}\n" for i in range(300))
        subprocess.run(["git", "update-ref", "--stdin"], cwd=repo, env=ENV, input=lines, text=True, check=True)
    refs = len(git("for-each-ref").splitlines())
    shim = os.path.join(ROOT, "hooks", "pre-push")
    env = dict(ENV, RELKIT=args.relkit, RELKIT_NOW="2024-10-10T12:00:00-07:00")
    failed = False
    print(f"\n== pre-push hook: pushes onto {RC} in a repository with {refs} refs")
    print(f"\n{'':24}{'git rev-list':>14}{'hook (median)':>15}{'ratio':>8}{'target':>10}{'peak':>9}")
    for count in (10, 1000):
        branch = f"refs/heads/bench-push-{count}"
        if subprocess.run(["git", "rev-parse", "-q", "--verify", branch], cwd=repo, capture_output=True).returncode != 0:
            # Cherry-picks of trunk commits (with git's pick line), each adding its own file.
            stream = [f"reset {branch}\nfrom {rc}\n"]
            for i in range(count):
                message = f"Fix {i} (#{90000 + i})\n\n(cherry picked from commit {trunk[i]})\n".encode()
                body = f"fix {i}\n".encode()
                stream.append(f"commit {branch}\ncommitter Bench <bench@example.com> {1700000000 + i} -0700\n"
                              f"data {len(message)}\n".encode().decode() + message.decode()
                              + f"M 100644 inline bench/fix-{count}-{i}.txt\ndata {len(body)}\n{body.decode()}\n")
            subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, env=ENV, input="".join(stream), text=True, check=True)
        new = git("rev-parse", branch).strip()
        line = f"{branch} {new} refs/heads/{RC} {rc}\n"
        hook = ["/bin/sh", "-c", f"printf '%s' '{line}' | {shim} origin /dev/null"]
        reference = ["git", "rev-list", "--count", new, "--not", rc, "--remotes=origin"]
        # Same answer first: the hook judges exactly the commits git lists as new.
        judged = subprocess.run([args.relkit, "hook", "pre-push", "origin", "--json"], cwd=repo, env=env, input=line,
                                capture_output=True, text=True)
        commits = json.loads(judged.stdout)["updates"][0]["commits"]
        if len(commits) != int(git(*reference[1:]).strip()) or len(commits) != count:
            sys.exit(f"bench: the hook judged {len(commits)} commits, git lists {git(*reference[1:]).strip()}")
        hook_runs, git_runs = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            process = subprocess.Popen(hook, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(process.pid, 0)
            hook_runs.append((time.perf_counter() - start, usage.ru_maxrss / 1024))
            git_runs.append(measure(reference, repo))
        hook_time = statistics.median(t for t, _ in hook_runs)
        git_time = statistics.median(t for t, _ in git_runs)
        peak = max(m for _, m in hook_runs)
        target = HOOK_TARGETS[count]
        print(f"{f'{count} commits':24}{git_time:>12.3f} s{hook_time:>13.3f} s{hook_time / git_time:>7.1f}x"
              f"{target:>9.3f}s{peak:>6.0f} MiB")
        if hook_time > target:
            failed = True
    print("targets: medians at most 30 ms (10 commits) and 300 ms (1,000 commits): " + ("MISSED" if failed else "met"))
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=50000)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--relkit", default=os.path.join(ROOT, ".build", "release", "relkit"))
    parser.add_argument("--only", choices=["changes", "pick", "pending", "hook", "status"])
    args = parser.parse_args()

    # The name changes whenever the generator does, so a stale repository is never reused.
    repo = os.path.join(ROOT, "bench-out", f"repo-{args.commits}-{args.files}-v5")
    if not os.path.isdir(repo):
        print(f"generating {args.commits} commits over {args.files} files in {repo} ...", flush=True)
        started = time.perf_counter()
        subprocess.run([sys.executable, os.path.join(ROOT, "Fixtures", "large-repo.py"),
                        "--commits", str(args.commits), "--files", str(args.files), repo], check=True)
        print(f"generated in {time.perf_counter() - started:.1f} s")
    git = lambda *a: subprocess.run(["git", *a], cwd=repo, env=ENV, check=True, capture_output=True, text=True).stdout
    print(f"repository: {git('rev-list', '--count', 'main').strip()} commits, {len(git('ls-files').splitlines())} files")
    failed = False
    for name, bench in (("changes", bench_changes), ("pick", bench_pick), ("pending", bench_pending), ("hook", bench_hook),
                        ("status", bench_status)):
        if args.only in (None, name):
            failed = bench(repo, git, args) or failed
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
