#!/usr/bin/env python3
"""Generate a deterministic repository shaped like a large real one, with `git fast-import`.

    real-shape-repo.py [--commits 28000] [--files 6500] [--dirs 1400] DEST

Where Fixtures/large-repo.py makes a mostly linear history, this one has the
shapes real histories have (issue 15 measured them on a 28,000-commit Go
repository):
  - a trunk built from pull-request merge commits (`--no-ff`): each pull request
    is a side branch of 1-5 commits, each commit touching 1-6 files, merged by a
    commit whose first parent is the trunk (about 38% of the commits are merges);
  - a `refs/pull/N/head` for every pull request (10,000+ at the default size),
    all in `packed-refs`, as a clone that fetches pull refs or a forge's server has;
  - about 6,500 files in about 1,400 directories, up to five levels deep, and
    files come and go as in real histories: about 1 commit in 8 adds a file,
    1 in 50 deletes one and 1 in 100 renames one (half of them unchanged, half
    edited as they move), so later fixes touch files an older release branch
    lacks or has under another name;
  - orbit-v1.0.0 14,000 commits back and orbit-v1.40.0 470 back (the long and
    the short `changes` range), fleetd-chrome-v1.0.0 with the first;
  - fleet-v4.60.0, an older release, tagged on the trunk 2,600 commits back;
  - minor-fleet-v4.61.0, cut 1,300 commits behind the trunk, carrying 200
    backports made as the trunk moved: exact picks with `-x`, exact picks
    without (the same patch), and picks whose conflict was resolved by hand
    (with `-x`, a different patch); tagged fleet-v4.61.0 after 100 of them and
    fleet-v4.61.1 after 160;
  - minor-fleet-v4.62.0, a newer line cut 470 commits behind, untagged (the
    active candidate), carrying 130 backports of the same kinds;
  - refs/remotes/origin/{main,minor-fleet-v4.61.0,minor-fleet-v4.62.0};
  - a `.relkit.yml` on the trunk saying `policy: { candidate: any-pick }` (the
    repository has no labels; every lacking commit is pending).
Same input, same commit ids. Refs are packed (`git pack-refs --all`) and the
objects repacked (`git repack -a -d -f`) at the end, as a clone has them.
"""
import argparse
import os
import random
import subprocess
import sys
import zlib

AREAS = [  # (directory, share of files and directories, share of commits)
    ("orbit/pkg", 0.08, 0.06),
    ("orbit/cmd/desktop", 0.02, 0.02),
    ("ee/fleetd-chrome/src", 0.04, 0.03),
    ("server", 0.50, 0.50),
    ("frontend", 0.30, 0.30),
    ("tools", 0.06, 0.09),
]
CONFIG = "policy:\n  candidate: any-pick\n"
# Each file's own body, so that files are as unlike each other as real ones; a
# renamed file keeps its body (its token), so a rename looks like one.
TOKENS = {}


def body(token):
    return "".join(f"\nfunc handle{token:08x}x{i}(ctx context.Context, req *Request) (*Response, error) {{\n"
                   f"\treturn &Response{{ID: req.ID, Code: {token % 9973 + i}, Name: \"h{token:x}{i}\"}}, nil\n}}\n"
                   for i in range(8))


def content(path, revision, resolved=0):
    token = TOKENS.setdefault(path, zlib.crc32(path.encode()))
    text = f"package p\n\n// {path}\n{body(token)}\n// revision {revision}\n"
    if resolved:
        text += f"// conflict resolved on the release branch ({resolved})\n"
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=28000)
    parser.add_argument("--files", type=int, default=6500)
    parser.add_argument("--dirs", type=int, default=1400)
    parser.add_argument("dest")
    args = parser.parse_args()
    if os.path.exists(args.dest):
        sys.exit(f"real-shape-repo.py: {args.dest} exists")
    scale = args.commits / 28000
    long_range, short_range = int(14000 * scale), int(470 * scale)
    older_cut, old_cut, new_cut = int(2600 * scale), int(1300 * scale), int(470 * scale)
    old_picks, new_picks = max(4, int(200 * scale)), max(3, int(130 * scale))

    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null", LC_ALL="C")
    for key in [k for k in env if k.startswith("GIT_") and k not in ("GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_GLOBAL")]:
        del env[key]
    subprocess.run(["git", "init", "-q", "-b", "main", args.dest], check=True, env=env)
    importer = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=args.dest, env=env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out = importer.stdin
    rng = random.Random(20261129)

    # Directories: each area gets its share, two levels below it.
    by_area = {}
    files = []
    for area, share, _ in AREAS:
        dirs = max(1, int(args.dirs * share))
        names = [f"{area}/m{i // 16:02d}/s{i % 16:02d}" for i in range(dirs)]
        count = max(dirs, int(args.files * share))
        paths = [f"{names[i % dirs]}/f{i:05d}.go" for i in range(count)]
        by_area[area] = paths
        files += paths
    weights = [w for _, _, w in AREAS]
    authors = ["Ana Lopez <ana@fleet.example>", "Ben Okafor <ben@fleet.example>",
               "Chen Wei <chen@fleet.example>", "Dara Singh <dara@fleet.example>"]
    clock = 1600000000
    mark = 0

    def write(text):
        out.write(text.encode())

    def data(text):
        body = text.encode()
        out.write(b"data %d\n" % len(body))
        out.write(body)
        out.write(b"\n")

    def commit(ref, message, changes, parents=()):
        """changes: {path: text}. Returns the new commit's mark."""
        nonlocal mark, clock
        mark += 1
        clock += 300
        write(f"commit {ref}\nmark :{mark}\n")
        write(f"author {authors[mark % len(authors)]} {clock} -0700\ncommitter Fleet Bot <bot@fleet.example> {clock} -0700\n")
        data(message)
        for i, parent in enumerate(parents):
            write(f"{'from' if i == 0 else 'merge'} :{parent}\n")
        for path, text in changes.items():
            if text is None:
                write(f"D {path}\n")
                continue
            write(f"M 100644 inline {path}\n")
            data(text)
        return mark

    def reset(ref, at):
        write(f"reset {ref}\nfrom :{at}\n\n")

    def sha_of(marker):
        write(f"get-mark :{marker}\n")
        out.flush()
        return importer.stdout.readline().decode().strip()

    def pick_changes():
        """1-6 files, mostly in one area, sometimes across two."""
        count = rng.choices([1, 2, 3, 4, 6], [0.35, 0.25, 0.2, 0.12, 0.08])[0]
        area = rng.choices([d for d, _, _ in AREAS], weights)[0]
        chosen = rng.sample(by_area[area], min(count, len(by_area[area])))
        if rng.random() < 0.2:
            other = rng.choices([d for d, _, _ in AREAS], weights)[0]
            chosen.append(rng.choice(by_area[other]))
        return sorted(set(chosen))

    added = 0

    def come_and_go(texts):
        """Now and then a file is added, deleted or renamed: its changes join
        `texts` (None deletes). Returns whether anything came or went."""
        nonlocal added
        roll = rng.random()
        area = rng.choices([d for d, _, _ in AREAS], weights)[0]
        paths = by_area[area]
        if roll < 0.125:
            added += 1
            path = f"{rng.choice(paths).rsplit('/', 1)[0]}/n{added:05d}.go"
            paths.append(path)
            revision[path] = 0
            texts[path] = content(path, 0)
        elif roll < 0.145 and len(paths) > 50:
            path = rng.choice([p for p in paths if p not in texts])
            paths.remove(path)
            del revision[path]
            texts[path] = None
        elif roll < 0.155 and len(paths) > 50:
            old = rng.choice([p for p in paths if p not in texts])
            added += 1
            new = f"{rng.choice(paths).rsplit('/', 1)[0]}/r{added:05d}.go"
            paths.remove(old)
            paths.append(new)
            TOKENS[new] = TOKENS.setdefault(old, zlib.crc32(old.encode()))
            # Half move unchanged (an exact rename), half are edited as they move.
            revision[new] = revision.pop(old) + (added % 2)
            texts[old] = None
            texts[new] = content(old, revision[new]) if added % 2 == 0 else content(new, revision[new])
        else:
            return False
        return True

    revision = {path: 0 for path in files}
    initial = {path: content(path, 0) for path in files}
    initial[".relkit.yml"] = CONFIG
    tip = commit("refs/heads/main", "Initial import (#1)\n", initial)

    class Line:
        """A release branch: its ref, tip, its files' states, how many backports it has."""
        def __init__(self, name, at, limit, tags):
            self.name, self.tip, self.limit, self.tags = name, at, limit, tags
            self.state = {}  # path -> (revision, resolved) where it differs from the fork point's
            self.fork_revision = dict(revision)
            self.picks = 0
            reset(f"refs/heads/{name}", at)

        def revision_of(self, path):
            return self.state.get(path, (self.fork_revision.get(path), 0))

    lines = []
    count, pr = 1, 1
    mile_stones = {args.commits - long_range: [("refs/tags/orbit-v1.0.0", None), ("refs/tags/fleetd-chrome-v1.0.0", None)],
                   args.commits - short_range: [("refs/tags/orbit-v1.40.0", None)],
                   args.commits - older_cut: [("refs/tags/fleet-v4.60.0", "Fleet 4.60.0")]}
    cuts = {args.commits - old_cut: ("minor-fleet-v4.61.0", old_picks, {100: "fleet-v4.61.0", 160: "fleet-v4.61.1"}),
            args.commits - new_cut: ("minor-fleet-v4.62.0", new_picks, {})}
    pending_marks = sorted(set(mile_stones) | set(cuts))
    while count < args.commits:
        pr += 1
        side_count = rng.choices([1, 2, 3, 4, 5], [0.65, 0.2, 0.08, 0.04, 0.03])[0]
        side = tip
        made = []  # (mark, subject, {path: (before, after)})
        merged = {}
        for step in range(side_count):
            changes = pick_changes()
            before = {path: revision[path] for path in changes}
            for path in changes:
                revision[path] += 1
            texts = {path: content(path, revision[path]) for path in changes}
            structural = come_and_go(texts)
            subject = f"{rng.choice(['Server', 'UI', 'Orbit', 'Tools'])}: change {count} (#{pr})"
            side = commit(f"refs/heads/pr-{pr}", subject + "\n", texts, [side])
            # Backports carry modifications only: a file that came or went is not picked.
            if not structural:
                made.append((side, subject, {path: (before[path], revision[path]) for path in changes}))
            merged.update(texts)
            count += 1
        reset(f"refs/pull/{pr}/head", side)
        write(f"reset refs/heads/pr-{pr}\nfrom 0000000000000000000000000000000000000000\n\n")
        tip = commit("refs/heads/main", f"Merge pull request #{pr} from fleetdm/pr-{pr}\n\nchange {count}\n", merged, [tip, side])
        count += 1
        # Backports of what was just merged, onto each release line still taking them.
        for line in lines:
            for source, subject, changes in made:
                remaining = args.commits - count
                if line.picks >= line.limit or rng.random() > (line.limit - line.picks) / max(1, remaining * 0.6):
                    continue
                # A fix to a file the line lacks is not backported.
                if any(path not in line.fork_revision for path in changes):
                    continue
                line.picks += 1
                exact = all(line.revision_of(path) == (old, 0) for path, (old, _) in changes.items())
                message = subject
                if not exact:
                    # The conflict resolved by hand: the trunk's change plus the release branch's difference.
                    texts = {path: content(path, new, resolved=line.picks) for path, (_, new) in changes.items()}
                    message += f"\n\n(cherry picked from commit {sha_of(source)})"
                    for path, (_, new) in changes.items():
                        line.state[path] = (new, line.picks)
                else:
                    texts = {path: content(path, new) for path, (_, new) in changes.items()}
                    if line.picks % 2:
                        message += f"\n\n(cherry picked from commit {sha_of(source)})"
                    for path, (_, new) in changes.items():
                        line.state[path] = (new, 0)
                line.tip = commit(f"refs/heads/{line.name}", message + "\n", texts, [line.tip])
                if line.picks in line.tags:
                    reset(f"refs/tags/{line.tags[line.picks]}", line.tip)
        while pending_marks and count >= pending_marks[0]:
            at = pending_marks.pop(0)
            for ref, annotation in mile_stones.get(at, []):
                if annotation:
                    write(f"tag {ref[len('refs/tags/'):]}\nfrom :{tip}\ntagger Fleet Bot <bot@fleet.example> {clock} -0700\n")
                    data(annotation)
                else:
                    reset(ref, tip)
            if at in cuts:
                name, limit, tags = cuts[at]
                lines.append(Line(name, tip, limit, tags))
    reset("refs/remotes/origin/main", tip)
    for line in lines:
        reset(f"refs/remotes/origin/{line.name}", line.tip)
    write("done\n")
    out.close()
    if importer.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "pack-refs", "--all", "--prune"], cwd=args.dest, check=True, env=env)
    subprocess.run(["git", "repack", "-a", "-d", "-f", "-q", "--depth=50", "--window=10"], cwd=args.dest,
                   check=True, env=env)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=args.dest, check=True, env=env)
    for line in lines:
        print(f"{line.name}: {line.picks} backports")


if __name__ == "__main__":
    main()
