#!/usr/bin/env bash
# Builds one libFuzzer target with coverage and AddressSanitizer, then fuzzes it.
#
#   Fuzz/run.sh TARGET [SECONDS]     TARGET: query | jsonl | text | analyzer (default 60 s)
#
# The targets live outside Package.swift so that `swift build` and `swift test` never see
# them. The library modules are built by SwiftPM into the scratch folder .build-fuzz with
# `-sanitize=fuzzer,address` (one flag: a second `-sanitize=` would replace the first and
# silently drop the coverage instrumentation), then the target's one source file is
# compiled and linked against their object files with swiftc.
#
# libFuzzer grows a working corpus in .build-fuzz/corpus/TARGET, seeded from the committed
# Fuzz/corpus/TARGET, and writes crashing inputs to .build-fuzz/artifacts/TARGET/. A crash,
# trap or sanitizer report stops the run with a non-zero exit; an input running over 10 s
# counts as a hang. Reproduce one input with: .build-fuzz/fuzz-TARGET ARTIFACT
set -euo pipefail

target="${1:-}"
seconds="${2:-60}"
case "$target" in
    query) source_file=QueryFuzzTarget.swift ;;
    jsonl) source_file=JSONLinesFuzzTarget.swift ;;
    text) source_file=TextIngestFuzzTarget.swift ;;
    analyzer) source_file=AnalyzerFuzzTarget.swift ;;
    *)
        echo "usage: Fuzz/run.sh query|jsonl|text|analyzer [SECONDS]" >&2
        exit 2
        ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scratch=.build-fuzz

echo "== building the libraries with -sanitize=fuzzer,address into $scratch" >&2
swift build -c release --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address --target Concord >&2

products="$scratch/release"
# SwiftPM names the package after its folder; the targets need the same name to see
# `package` declarations (JSONLineParser, JSONRecord, UTF8Check).
package_name="$(grep -o -- '-package-name","[^"]*"' "$scratch/release.yaml" | head -n 1 | cut -d '"' -f 3)"
objects=()
for module in ConcordText ConcordIngest ConcordIndex ConcordQuery Concord; do
    objects+=("$products/$module.build/"*.o)
done
binary="$scratch/fuzz-$target"
echo "== linking $binary" >&2
swiftc -O -parse-as-library -sanitize=fuzzer,address -use-ld=lld -package-name "$package_name" \
    -I "$products/Modules" "Fuzz/Targets/$source_file" "${objects[@]}" -o "$binary"

corpus="$scratch/corpus/$target"
artifacts="$scratch/artifacts/$target"
mkdir -p "$corpus" "$artifacts"
echo "== fuzzing $target for $seconds s" >&2
status=0
# Leaks are out of scope (the query fixture lives for the whole process). Swift's own
# backtracer would race ASan's report on a trap, so ASan alone reports.
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" "$binary" \
    -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -detect_leaks=0 \
    -artifact_prefix="$artifacts/" "$corpus" "Fuzz/corpus/$target" 2>&1 | tee "$scratch/fuzz-$target.log" \
    || status=$?

crashes=$(find "$artifacts" -type f | wc -l)
executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$scratch/fuzz-$target.log" | grep -o '[0-9]*$' || true)
echo "== $target: ${executions:-?} executions, $crashes crash/hang artifacts in $artifacts, exit $status"
exit "$status"
