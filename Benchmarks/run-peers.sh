#!/usr/bin/env bash
# Side-by-side benchmark of Concord with the engines of ../shared/peers (tantivy by default),
# on the same corpus and queries, in one run. Usage:
#   Benchmarks/run-peers.sh [seeds|ungdc]...        (default: seeds ungdc)
# Environment: ENGINES="tantivy lucene xapian fts5 bm25s" (default "tantivy"; the others need
# the harness's setup.sh, which installs Debian packages), WORK=/tmp/concord-peers.
# The harness writes beside itself, so it is copied to $WORK first; results land in
# $WORK/results/<tag>.md and <tag>.count.md and are copied to Benchmarks/results/.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED:-$here/../shared}"
work="${WORK:-/tmp/concord-peers}"
engines="${ENGINES:-tantivy}"
[ $# -eq 0 ] && set -- seeds ungdc

swift build -c release --package-path "$here" --product concord-bench
rm -rf "$work" && mkdir -p "$work"
cp -r "$shared/peers" "$work/peers" && chmod -R u+w "$work/peers"
ln -sfn "$shared/corpora" "$work/corpora"
ln -sfn "$shared/seeds" "$work/seeds"
cd "$work/peers"
if [ "$engines" = "tantivy" ]; then
    python3 -m venv --system-site-packages .venv
    .venv/bin/pip install -q tantivy==0.27.0 numpy
else
    ./setup.sh
fi
ENGINES="$engines" EXT="concord=$here/.build/release/concord-bench peer" ./run_anchors.sh "$@"
mkdir -p "$here/Benchmarks/results"
for tag in "$@"; do
    cp "results/$tag.md" "$here/Benchmarks/results/$tag-peers.md"
    cp "results/$tag.count.md" "$here/Benchmarks/results/$tag-peers.count.md"
done
