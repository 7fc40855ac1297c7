#!/usr/bin/env bash
# Refreshes probes/data/allocated-altitudes.md, Microsoft's list of allocated file-system filter
# altitudes, from MicrosoftDocs/windows-driver-docs. For a maintainer with network access; CI and
# the build never fetch (the build compiles the committed copy).
#
#   tests/tools/refresh_allocated_altitudes.sh [COMMIT]      (default: the default branch's head)
#
# It downloads the page at COMMIT, records the commit in probes/data/allocated-altitudes.source and
# runs the build-time parser over it, which stops on a changed page format. Then rebuild and run
# the unit tests: AllocatedAltitudes.* holds the count of each group, so a refresh shows up as a
# reviewed change of those numbers (tests/unit/allocated_altitudes_test.cpp) and of the commit.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/../.." && pwd)
data=$repo_root/probes/data
upstream=MicrosoftDocs/windows-driver-docs
page=windows-driver-docs-pr/ifs/allocated-altitudes.md

commit=${1:-}
if [ -z "$commit" ]; then
  commit=$(git ls-remote "https://github.com/$upstream.git" HEAD | cut -f1)
fi
[[ "$commit" =~ ^[0-9a-f]{40}$ ]] || { echo "not a commit: $commit" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
curl -fsSL --max-time 60 --max-filesize 4000000 -o "$tmp/page.md" \
     "https://raw.githubusercontent.com/$upstream/$commit/$page"
ms_date=$(sed -n 's/^ms.date: *//p' "$tmp/page.md" | head -n 1)
[ -n "$ms_date" ] || { echo "the page has no ms.date" >&2; exit 1; }

cat > "$tmp/source" <<SOURCE
# Where probes/data/allocated-altitudes.md comes from. Written by tests/tools/refresh_allocated_altitudes.sh;
# read by probes/data/allocated_altitudes.py, which compiles the list into the agent.
url=https://github.com/$upstream/blob/$commit/$page
repository=$upstream
path=$page
commit=$commit
fetched=$(date -u +%Y-%m-%d)
ms_date=$ms_date
SOURCE

python3 "$data/allocated_altitudes.py" "$tmp/page.md" "$tmp/source" "$tmp/check.cpp"
cp "$tmp/page.md" "$data/allocated-altitudes.md"
cp "$tmp/source" "$data/allocated-altitudes.source"
git -C "$repo_root" diff --stat -- probes/data/allocated-altitudes.md
echo "allocated-altitudes.md is now at $upstream@$commit (ms.date $ms_date)."
echo "Rebuild, run AllocatedAltitudes.* and update its per-group counts after reviewing the diff."
