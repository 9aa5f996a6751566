#!/bin/sh
# Regenerates Fuzz/seeds/ from the Fleet-like fixture: real objects, a real
# commit-graph and packed-refs, real hook lines, configurations and revisions.
# The seeds are committed; run this only to refresh them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/../Fixtures/fleet-repo.sh" "$tmp/fleet" >/dev/null
cd "$tmp/fleet/work"
seeds="$here/seeds"
rm -rf "$seeds" && mkdir -p "$seeds"
for t in commit-object tree-object commit-graph packed-refs commit-message message-lines hook-input relkit-yml revision signed-commit forge-response ssh-signature; do
  mkdir -p "$seeds/$t"
done
n=0
for rev in HEAD HEAD~1 origin/minor-fleet-v4.58.0 fleet-v4.57.0 "$(git rev-list --merges -1 --all)"; do
  [ -n "$rev" ] || continue
  n=$((n + 1))
  git cat-file commit "$rev" > "$seeds/commit-object/$n"
  git log -1 --format=%B "$rev" > "$seeds/commit-message/$n"
  git cat-file -p "$rev^{tree}" >/dev/null
  git cat-file tree "$rev^{tree}" > "$seeds/tree-object/$n"
done
git cat-file tree HEAD:orbit > "$seeds/tree-object/orbit"
git commit-graph write --reachable
cp .git/objects/info/commit-graph "$seeds/commit-graph/single"
git commit-graph write --reachable --changed-paths
cp .git/objects/info/commit-graph "$seeds/commit-graph/bloom"
git pack-refs --all
cp .git/packed-refs "$seeds/packed-refs/fixture"
main=$(git rev-parse origin/main); rc=$(git rev-parse origin/minor-fleet-v4.58.0)
printf '# pack-refs with: peeled fully-peeled sorted \n%s refs/tags/fleet-v4.57.0\n^%s\n' \
  "$(git rev-parse fleet-v4.57.0)" "$(git rev-parse fleet-v4.57.0^{})" > "$seeds/packed-refs/peeled"
printf 'Label: ~release-blocker\nLabel: ~unreleased bug\nApproved-by: EM <em@example.com>\n' > "$seeds/message-lines/note"
git log -1 --format=%B "$(git rev-list -1 --grep='cherry picked' --all)" > "$seeds/message-lines/pick" || true
printf 'Fix a bug (#1)\n\nSigned-off-by: A <a@x>\n' > "$seeds/message-lines/trailer"
printf 'Label: ~release-blocker (by qa@example.com)\nLabel: bug, ~unreleased bug (by em@example.com)\nApproved-by: QA <qa@example.com>\n' \
  > "$seeds/message-lines/signed-note"
# Notes commits as relkit label writes them: one signed with ssh (git's gpgsig header), one not.
ssh-keygen -q -t ed25519 -N '' -C qa@example.com -f "$tmp/key"
tree=$(printf 'Label: bug (by qa@example.com)\n' | git hash-object -w --stdin | xargs -I{} printf '100644 blob {}\t%s\n' "$main" | git mktree)
signed=$(git -c gpg.format=ssh -c user.signingKey="$tmp/key" commit-tree -S -m 'relkit label: bug' "$tree")
git cat-file commit "$signed" > "$seeds/signed-commit/ssh"
git cat-file commit "$(git commit-tree -m 'Notes added by git notes' "$tree")" > "$seeds/signed-commit/unsigned"
# SSH signatures with a message and an allowed signers file (the ssh-signature target splits
# its input at "\n--\n"): each key type relkit checks in process, and the options.
mkdir -p "$seeds/ssh-signature"
printf 'tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nLabel: bug\n' > "$tmp/msg"
for kind in "ed25519" "ecdsa -b 256" "ecdsa -b 384" "ecdsa -b 521" "rsa -b 1024"; do
  name=$(echo "$kind" | tr -d ' -')
  ssh-keygen -q -t $kind -N '' -C '' -f "$tmp/sig-$name"
  ssh-keygen -q -Y sign -f "$tmp/sig-$name" -n git < "$tmp/msg" > "$tmp/sig-$name.sig"
  key=$(cut -d' ' -f1,2 "$tmp/sig-$name.pub")
  { cat "$tmp/sig-$name.sig"; printf -- '--\n'; cat "$tmp/msg"; printf '\n--\n'
    printf '# allowed signers\ndev@example.com,!x@* namespaces="git",valid-after="20200101",VALID-BEFORE="20990101Z" %s\r\n"*@example.com" cert-authority %s\n' "$key" "$key"
  } > "$seeds/ssh-signature/$name"
done
printf 'refs/heads/main %s refs/heads/minor-fleet-v4.58.0 %s\n' "$main" "$rc" > "$seeds/hook-input/pre-push"
printf '%s %s refs/heads/minor-fleet-v4.58.0\n%s %s refs/notes/relkit\n' "$rc" "$main" 0000000000000000000000000000000000000000 "$main" > "$seeds/hook-input/pre-receive"
cp .relkit.yml "$seeds/relkit-yml/fixture"
sed -n '/^```yaml/,/^```/p' "$here/../docs/configuration.md" 2>/dev/null | sed '1d;$d' > "$seeds/relkit-yml/design" || true
[ -s "$seeds/relkit-yml/design" ] || rm -f "$seeds/relkit-yml/design"
i=0
for r in main origin/main HEAD @ @~1 'main^{/Orbit}' ':/Fix' fleet-v4.57.0 'fleet-v4.57.0^{}' 'zzz@' 'main@{0}' 'a@b' 'main..x' "$(git rev-parse --short HEAD)"; do
  i=$((i + 1)); printf '%s' "$r" > "$seeds/revision/$i"
done
# Forge answers: the recorded GitHub shapes the tests serve, and a header block.
for f in "$here"/../Tests/ForgeFixtures/pygithub/*.json; do
  python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["response"]))' "$f" > "$seeds/forge-response/$(basename "$f" .json)"
done
printf 'HTTP/1.1 403 Forbidden\r\nx-ratelimit-remaining: 0\r\nx-ratelimit-reset: 1507651200\r\nretry-after: 7\r\nlink: <https://api.github.com/x?page=2>; rel="next"\r\n\r\n' > "$seeds/forge-response/headers"
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["response"]))' "$here/../Tests/ForgeFixtures/go-dl.json" > "$seeds/forge-response/go-dl"
printf '{"data":{"repository":{"i1":{"timelineItems":{"nodes":[{"__typename":"CrossReferencedEvent","willCloseTarget":true,"source":{"number":7,"state":"MERGED","url":"u","baseRefName":"main"}},{"__typename":"ConnectedEvent","subject":{"number":8,"state":"OPEN"}},{"__typename":"DisconnectedEvent","subject":{"number":8,"state":"OPEN"}}]}}}}}' > "$seeds/forge-response/timeline"
echo "seeds written to $seeds"
