import Concord
import Foundation

/// `concord-bench build`: index a corpus from scratch and report throughput, memory and sizes.
enum BuildBenchmark {
    static func run(_ arguments: [String]) throws -> Int32 {
        let options = try BenchArguments(arguments)
        let corpus = try options.required("corpus")
        let directory = options.value("index-dir") ?? NSTemporaryDirectory() + "concord-bench-build-\(getpid())"
        let memory = Int(options.value("mem-mb") ?? "256") ?? 256
        try? FileManager.default.removeItem(atPath: directory)
        let cpuBefore = cpuSeconds()
        let started = Date()
        var documents = 0
        var bytes = 0
        let summary = try Indexer.index(
            paths: [corpus], into: directory,
            options: IndexingOptions(memoryMegabytes: memory, storeText: !options.flag("no-store")),
            progress: { progress in
                documents = progress.documents
                bytes = progress.bytes
            })
        let wall = Date().timeIntervalSince(started)
        let cpu = cpuSeconds() - cpuBefore
        let index = try SearchIndex(path: directory)
        guard index.documentCount == summary.indexed - summary.replaced, summary.indexed == documents else {
            throw BenchError("index holds \(index.documentCount) documents, \(documents) were read")
        }
        var components: [String: Int] = [:]
        for segment in index.snapshot.segments {
            for (name, size) in segment.fileSizes { components[name, default: 0] += size }
        }
        let total = components.values.reduce(0, +)
        let withoutStored = total - (components["stored"] ?? 0)
        let megabytes = Double(bytes) / 1_000_000
        print("build \(corpus)")
        print("  documents    \(documents) (\(summary.skipped) skipped)")
        print("  text         \(fmt(megabytes)) MB")
        print("  wall         \(fmt(wall)) s   cpu \(fmt(cpu)) s")
        print("  throughput   \(fmt(Double(documents) / wall)) docs/s   \(fmt(megabytes / wall)) MB/s")
        print("  peak RSS     \(fmt(peakRSSMegabytes())) MB")
        print(
            "  index        \(total) bytes (\(fmt(Double(total) / Double(max(bytes, 1)))) of text); without stored text \(withoutStored) bytes (\(fmt(Double(withoutStored) / Double(max(bytes, 1)))))"
        )
        for (name, size) in components.sorted(by: { $0.key < $1.key }) {
            print("    " + name.padding(toLength: 10, withPad: " ", startingAt: 0) + " \(size)")
        }
        print("  segments     \(index.snapshot.segments.count)")
        let result: [String: Any] = [
            "corpus": corpus, "documents": documents, "bytes": bytes, "wall_s": wall, "cpu_s": cpu,
            "mb_per_s": megabytes / wall, "docs_per_s": Double(documents) / wall, "peak_rss_mb": peakRSSMegabytes(),
            "index_bytes": total, "index_bytes_without_stored": withoutStored, "components": components,
            "segments": index.snapshot.segments.count,
        ]
        print(
            String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
        return 0
    }
}

/// `concord-bench query`: latency per query class over an existing index.
enum QueryBenchmark {
    static func run(_ arguments: [String]) throws -> Int32 {
        let options = try BenchArguments(arguments)
        let index = try SearchIndex(path: try options.required("index"))
        let queries = try NeutralQuery.load(try options.required("queries"))
        let k = Int(options.value("k") ?? "10") ?? 10
        let runs = Int(options.value("runs") ?? "3") ?? 3
        let warmup = Int(options.value("warmup") ?? "1") ?? 1
        var results: [String: Any] = [:]
        for mode in ["top-k", "count"] {
            var searchOptions = SearchOptions(limit: k)
            searchOptions.exactCount = mode == "count"
            var samples: [String: [Double]] = [:]
            var reference: [Int: [String]] = [:]
            for run in 0..<(warmup + runs) {
                for query in queries where query.plan != nil {
                    let start = DispatchTime.now().uptimeNanoseconds
                    let plan = try query.makePlan(index: index)
                    let top = try index.topDocs(plan, count: k, options: searchOptions)
                    let ids = try top.entries.map { try index.externalId(segment: $0.segment, doc: $0.doc) }
                    let micros = Double(DispatchTime.now().uptimeNanoseconds - start) / 1000
                    if run >= warmup { samples[query.queryClass, default: []].append(micros) }
                    // The same query must give the same top k on every run.
                    if let previous = reference[query.qid], previous != ids {
                        throw BenchError("query \(query.qid) returned different hits between runs")
                    }
                    reference[query.qid] = ids
                }
            }
            print("\(mode) (k=\(k), \(runs) runs): µs per query")
            print("  class      n     p50      p95      p99     mean")
            var table: [String: Any] = [:]
            for (queryClass, values) in samples.sorted(by: { $0.key < $1.key }) {
                let sorted = values.sorted()
                let stats = [
                    "p50": percentile(sorted, 0.5), "p95": percentile(sorted, 0.95), "p99": percentile(sorted, 0.99),
                    "mean": sorted.reduce(0, +) / Double(sorted.count),
                ]
                table[queryClass] = stats
                print(
                    "  " + queryClass.padding(toLength: 8, withPad: " ", startingAt: 0)
                        + String(
                            format: "%5d %8.1f %8.1f %8.1f %8.1f", sorted.count, stats["p50"]!, stats["p95"]!,
                            stats["p99"]!, stats["mean"]!))
            }
            results[mode] = table
        }
        print(
            String(decoding: try JSONSerialization.data(withJSONObject: results, options: [.sortedKeys]), as: UTF8.self)
        )
        return 0
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        if sorted.isEmpty { return 0 }
        let position = p * Double(sorted.count - 1)
        let low = Int(position.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
    }
}

func fmt(_ value: Double) -> String { String(format: value < 10 ? "%.3f" : "%.1f", value) }

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}
