import ConcordIngest
import Foundation

/// `concord-bench ingest --corpus FILE|DIR [--expect N] [--repeat N]`: reads a corpus with
/// `DocumentReader` (read, JSON parse, generic paragraphs; no analysis), checks the document count and
/// reports the decoded bytes per second of the best run.
enum IngestBenchmark {
    static let usage = "usage: concord-bench ingest --corpus FILE|DIR [--expect N] [--repeat N]"

    /// Runs the benchmark with the arguments after the subcommand (a leading "ingest" is ignored).
    /// Prints one table line and one JSON line to stdout; returns 0, 1 if `--expect` does not match,
    /// 2 for a usage error.
    static func run(arguments: [String]) throws -> Int32 {
        var corpus: String?
        var expected: Int?
        var repeats = 1
        var remaining = arguments.first == "ingest" ? arguments.dropFirst() : arguments[...]
        while let flag = remaining.popFirst() {
            guard let value = remaining.popFirst() else { return usageError("\(flag) needs a value") }
            switch flag {
            case "--corpus": corpus = value
            case "--expect":
                guard let number = Int(value.replacingOccurrences(of: ",", with: "")) else {
                    return usageError("--expect needs a number")
                }
                expected = number
            case "--repeat":
                guard let number = Int(value), number > 0 else { return usageError("--repeat needs a positive number") }
                repeats = number
            default: return usageError("unknown option \(flag)")
            }
        }
        guard let corpus else { return usageError("--corpus is required") }
        let input = corpusFile(corpus)

        var best: (seconds: Double, summary: ReadSummary)?
        for _ in 0..<repeats {
            var reader = DocumentReader()
            var paragraphs = 0
            let start = DispatchTime.now().uptimeNanoseconds
            let summary = try reader.read(paths: [input], body: { paragraphs += $0.paragraphs.count }, issue: { _ in })
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            // Keep the paragraph count observable so the optimizer cannot drop the work.
            if paragraphs < 0 { print(paragraphs) }
            if best == nil || seconds < best!.seconds { best = (seconds, summary) }
        }
        guard let (seconds, summary) = best else { return 2 }
        for issue in summary.issues.prefix(10) { FileHandle.standardError.write(Data("  \(issue)\n".utf8)) }

        let megabytes = Double(summary.bytes) / 1e6
        let rate = megabytes / seconds
        // A collection's README counts records; empty or malformed ones are read, reported and
        // skipped, so the check is on records read (documents + skipped), printed separately.
        let records = summary.documents + summary.skipped
        let countOK = expected.map { $0 == records } ?? true
        let expectation = expected.map { countOK ? "  expect \($0) records ok" : "  EXPECTED \($0) records" } ?? ""
        print(
            "ingest  \(input)  records \(records): docs \(summary.documents), skipped \(summary.skipped)  "
                + String(format: "%.1f MB  %.3f s  %.1f MB/s", megabytes, seconds, rate) + expectation)
        print(
            "{\"benchmark\":\"ingest\",\"corpus\":\(jsonString(input)),\"documents\":\(summary.documents),"
                + "\"skipped\":\(summary.skipped),\"bytes\":\(summary.bytes),"
                + String(format: "\"seconds\":%.4f,\"mb_per_s\":%.1f,", seconds, rate)
                + "\"expected\":\(expected.map(String.init) ?? "null"),\"ok\":\(countOK)}")
        return countOK ? 0 : 1
    }

    /// A BEIR folder is read through its corpus file (so queries.jsonl is not counted); any other path as given.
    private static func corpusFile(_ path: String) -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            return path
        }
        for name in ["corpus.jsonl", "corpus.jsonl.gz"] {
            let candidate = (path as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        return path
    }

    private static func usageError(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("concord-bench ingest: \(message)\n\(usage)\n".utf8))
        return 2
    }

    private static func jsonString(_ text: String) -> String {
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\u{0}"..<" ": escaped += String(format: "\\u%04x", scalar.value)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }
}
