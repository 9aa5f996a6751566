#!/usr/bin/env python3
"""Generate a large, deterministic Fleet-like repository with `git fast-import`.

    large-repo.py [--commits N] [--files F] DEST

DEST becomes a repository whose `main` has N commits over about F files in
orbit/, orbit/cmd/desktop/, ee/fleetd-chrome/, server/, frontend/ and changes/,
with a merged side branch every 250 commits, and:
  orbit-v1.0.0        80% of the history back from main (40,000 of 50,000)
  orbit-v1.1.0-beta   a later pre-release (must not become the baseline)
  fleetd-chrome-v1.0.0 at the same point
  minor-fleet-v4.57.0 the previous release's RC branch, cut 1,000 commits before the
                      4.58 one, with two picks: fleet-v4.57.0 (annotated) after the
                      first, fleet-v4.57.1 after the second, as Fleet's releases are tagged
  minor-fleet-v4.58.0 an RC branch cut 2,000 commits behind main, with
                      about a dozen fixes picked from main: half with git's
                      `(cherry picked from commit ...)` line, half without (same patch)
  "Fix host list pagination" a fix on main 1,000 commits after the cut, in a file
                      nothing else touches, so it picks cleanly onto the RC
  refs/remotes/origin/{main,minor-fleet-v4.58.0}, so relkit reads them as the remote has them
Same input, same commit ids: fixed authors, dates and contents. The objects are
repacked by `git repack -a -d -f` at the end, as a clone's pack would be.
"""
import argparse
import os
import random
import subprocess
import sys

AREAS = [  # (directory, share of files, share of commits)
    ("orbit/pkg", 0.08, 0.06),
    ("orbit/cmd/desktop", 0.02, 0.02),
    ("ee/fleetd-chrome/src", 0.04, 0.03),
    ("server", 0.50, 0.50),
    ("frontend", 0.30, 0.30),
    ("tools", 0.06, 0.09),
]


# The body of every generated file: about 2.5 KB, the size of an ordinary Go
# source file, so that checking files out costs what it costs in a real work tree.
BODY = "".join(
    f"\n// handle{i} serves one request of the generated API.\n"
    f"func handle{i}(ctx context.Context, req *Request) (*Response, error) {{\n"
    f"\tif err := req.Validate(); err != nil {{\n\t\treturn nil, fmt.Errorf(\"handle{i}: %w\", err)\n\t}}\n"
    f"\treturn &Response{{ID: req.ID, Code: {200 + i}}}, nil\n}}\n"
    for i in range(12))


def build_files(total):
    files = []
    for directory, share, _ in AREAS:
        count = max(1, int(total * share))
        for i in range(count):
            # Spread files over sub-directories of 25, as real trees are.
            files.append(f"{directory}/d{i // 25:03d}/f{i:05d}.go")
    return files


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=50000)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("dest")
    args = parser.parse_args()
    if os.path.exists(args.dest):
        sys.exit(f"large-repo.py: {args.dest} exists")

    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null", LC_ALL="C")
    for key in [k for k in env if k.startswith("GIT_") and k not in ("GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_GLOBAL")]:
        del env[key]
    subprocess.run(["git", "init", "-q", "-b", "main", args.dest], check=True, env=env)
    importer = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=args.dest, env=env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out = importer.stdin
    rng = random.Random(20241014)
    files = build_files(args.files)
    by_area = {}
    for path in files:
        area = next(d for d, _, _ in AREAS if path.startswith(d + "/"))
        by_area.setdefault(area, []).append(path)
    weights = [w for _, _, w in AREAS]
    authors = ["Ana Lopez <ana@fleet.example>", "Ben Okafor <ben@fleet.example>",
               "Chen Wei <chen@fleet.example>", "Dara Singh <dara@fleet.example>"]
    clock = 1600000000
    mark = 0
    revision = {}

    def write(text):
        out.write(text.encode())

    def data(text):
        body = text.encode()
        out.write(b"data %d\n" % len(body))
        out.write(body)
        out.write(b"\n")

    def commit(ref, subject, changes, parents=(), revisions=None, author_index=None):
        nonlocal mark, clock
        revisions = revision if revisions is None else revisions
        mark += 1
        clock += 600
        author = authors[(mark if author_index is None else author_index) % len(authors)]
        write(f"commit {ref}\nmark :{mark}\n")
        write(f"author {author} {clock} -0700\ncommitter Fleet Bot <bot@fleet.example> {clock} -0700\n")
        data(subject + "\n")
        for i, parent in enumerate(parents):
            write(f"{'from' if i == 0 else 'merge'} :{parent}\n")
        for path in changes:
            revisions[path] = revisions.get(path, 0) + 1
            write(f"M 100644 inline {path}\n")
            data(f"package p\n\n// {path}\n{BODY}\n// revision {revisions[path]}\n")
        return mark

    def sha_of(marker):
        write(f"get-mark :{marker}\n")
        out.flush()
        return importer.stdout.readline().decode().strip()

    def ordinary_changes():
        area = rng.choices([d for d, _, _ in AREAS], weights)[0]
        return rng.sample(by_area[area], min(len(by_area[area]), rng.randint(1, 3)))

    fix_file = "server/service/pagination.go"  # only the pagination fix touches it
    tip = commit("refs/heads/main", "Initial import (#1)", files + [fix_file])
    main_marks = [tip]
    tag_at = max(2, args.commits - int(args.commits * 0.8))
    # The RC is cut when this many commits (side-branch ones included) remain to be made;
    # the previous release's RC 1,000 commits earlier.
    rc_left = 2000 if args.commits > 4000 else args.commits // 4
    previous_left = rc_left + (1000 if args.commits > 4000 else rc_left // 2)
    fix_due, rc_cut_count = True, 0

    class Line:
        """A release branch: its tip, its files' revisions, the picks made onto it."""
        def __init__(self, ref, tip):
            self.ref, self.tip, self.revision, self.picks, self.last_pick = ref, tip, dict(revision), 0, count

    rc, previous = None, None

    def maybe_pick(line, limit, changes, before, subject, main_tip):
        """Picks a main commit onto a release line when its files there are as main had them."""
        if (line is None or line.picks >= limit or count - line.last_pick < 100
                or any(line.revision.get(path, 0) != before[path] for path in changes)):
            return False
        line.picks += 1
        line.last_pick = count
        # Half the picks carry git's pick line, half are the same patch without one.
        if line.picks % 2:
            subject += f"\n\n(cherry picked from commit {sha_of(main_tip)})"
        line.tip = commit(line.ref, subject, changes, [line.tip], line.revision, author_index=main_tip)
        return True

    pr = 1
    count = 1
    while count < args.commits:
        pr += 1
        if count % 250 == 0 and count + 4 < args.commits:
            # A side branch of three commits merged back with --no-ff.
            side = tip
            for _ in range(3):
                side = commit("refs/heads/side", f"Side work (#{pr})", ordinary_changes(), [side])
                count += 1
            tip = commit("refs/heads/main", f"Merge pull request #{pr} from fleetdm/side", [], [tip, side])
        elif rc is not None and fix_due and count >= rc_cut_count + 1000:
            fix_due = False
            tip = commit("refs/heads/main", f"Fix host list pagination (#{pr})", [fix_file], [tip])
        else:
            changes = ordinary_changes()
            before = {path: revision.get(path, 0) for path in changes}
            subject = f"Change {count} (#{pr})"
            tip = commit("refs/heads/main", subject, changes, [tip])
            maybe_pick(rc, 12, changes, before, subject, tip)
            if rc is None and maybe_pick(previous, 2, changes, before, subject, tip):
                if previous.picks == 1:
                    write(f"tag fleet-v4.57.0\nfrom :{previous.tip}\ntagger Fleet Bot <bot@fleet.example> {clock} -0700\n")
                    data("Fleet 4.57.0")
                else:
                    write(f"reset refs/tags/fleet-v4.57.1\nfrom :{previous.tip}\n\n")
        count += 1
        main_marks.append(tip)
        if len(main_marks) == tag_at:
            write(f"reset refs/tags/orbit-v1.0.0\nfrom :{tip}\n\n")
            write(f"reset refs/tags/fleetd-chrome-v1.0.0\nfrom :{tip}\n\n")
        if len(main_marks) == tag_at + (args.commits - tag_at) // 2:
            write(f"reset refs/tags/orbit-v1.1.0-beta\nfrom :{tip}\n\n")
        if previous is None and count >= args.commits - previous_left:
            write(f"reset refs/heads/minor-fleet-v4.57.0\nfrom :{tip}\n\n")
            previous = Line("refs/heads/minor-fleet-v4.57.0", tip)
        if rc is None and count >= args.commits - rc_left:
            write(f"reset refs/heads/minor-fleet-v4.58.0\nfrom :{tip}\n\n")
            rc, rc_cut_count = Line("refs/heads/minor-fleet-v4.58.0", tip), count
    write(f"reset refs/remotes/origin/main\nfrom :{tip}\n\n")
    if rc is not None:
        write(f"reset refs/remotes/origin/minor-fleet-v4.58.0\nfrom :{rc.tip}\n\n")
    write("reset refs/heads/side\nfrom 0000000000000000000000000000000000000000\n\n")
    write("done\n")
    out.close()
    if importer.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "update-ref", "-d", "refs/heads/side"], cwd=args.dest, env=env)
    # fast-import deltas each version against the one before, so the newest
    # objects sit deepest in their delta chains; a repository as a clone gets it
    # from a server has them packed by pack-objects, newest whole. Repack like that.
    subprocess.run(["git", "repack", "-a", "-d", "-f", "-q", "--depth=50", "--window=10"], cwd=args.dest,
                   check=True, env=env)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=args.dest, check=True, env=env)


if __name__ == "__main__":
    main()
