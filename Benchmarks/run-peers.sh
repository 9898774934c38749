#!/usr/bin/env bash
# Side-by-side benchmark of Concord with the engines of ../shared/peers, on the same corpus
# and queries, in one run. Usage:
#   Benchmarks/run-peers.sh [seeds|ungdc|scifact]...        (default: seeds ungdc)
# Environment: ENGINES="tantivy lucene xapian fts5 bm25s" (default: all five; "tantivy" alone
# needs only pip, the others the harness's setup.sh, which installs Debian packages),
# WORK=/tmp/concord-peers.
# The harness writes beside itself, so it is copied to $WORK first; results land in
# $WORK/results/<tag>.md and <tag>.count.md and are copied to Benchmarks/results/.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED:-$here/../shared}"
work="${WORK:-/tmp/concord-peers}"
engines="${ENGINES:-tantivy lucene xapian fts5 bm25s}"
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
ext="concord=$here/.build/release/concord-bench peer"
list="$(echo "$engines concord" | tr ' ' ',')"

# Same protocol as the harness's run_anchors.sh (build runs, then top-k and count passes);
# for a corpus it does not know, the query file is generated into $work.
anchor() {  # anchor TAG CORPUS N BUILD_RUNS RUNS REPS
    local tag=$1 corpus=$2 n=$3
    local q="$work/$tag.bench-queries.s42.n$n.txt"
    .venv/bin/python gen_queries.py --corpus "$corpus" --n "$n" --seed 42 --out "$q" > /dev/null
    .venv/bin/python bench.py --engine "$list" --ext "$ext" --corpus "$corpus" --queries "$q" \
        --index-dir ".work/idx/$tag" --build-runs "$4" --runs "$5" --reps "$6" --warmup 2 --tag "$tag" > /dev/null
    .venv/bin/python bench.py --engine "$list" --ext "$ext" --corpus "$corpus" --queries "$q" \
        --index-dir ".work/idx/$tag" --skip-build --with-count --runs "$5" --reps "$6" --warmup 2 \
        --tag "$tag" > /dev/null
    local topk=() count=() e
    for e in $engines concord; do
        [ -f "results/$tag.$e.json" ] && topk+=("results/$tag.$e.json")
        [ -f "results/$tag.$e.count.json" ] && count+=("results/$tag.$e.count.json")
    done
    .venv/bin/python report.py "${topk[@]}" --full --out "results/$tag.md" > /dev/null
    .venv/bin/python report.py "${count[@]}" --full --out "results/$tag.count.md" > /dev/null
}

for tag in "$@"; do
    case $tag in
    seeds | ungdc) ENGINES="$engines" EXT="$ext" ./run_anchors.sh "$tag" ;;
    scifact) anchor scifact ../corpora/scifact/corpus.jsonl.gz 100 3 3 10 ;;
    *) echo "unknown corpus $tag (seeds, ungdc, scifact)" >&2; exit 2 ;;
    esac
done
mkdir -p "$here/Benchmarks/results"
for tag in "$@"; do
    cp "results/$tag.md" "$here/Benchmarks/results/$tag-peers.md"
    cp "results/$tag.count.md" "$here/Benchmarks/results/$tag-peers.count.md"
done
