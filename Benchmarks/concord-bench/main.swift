import Concord
import Foundation

/// concord-bench: measurements of Concord that check what they measure.
let concordBenchVersion = "0.1.0"

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

/// `--key value` / `--key=value` / flags, for the benchmark subcommands.
struct BenchArguments {
    var values: [String: String] = [:]
    var positionals: [String] = []

    init(_ arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                positionals.append(argument)
                continue
            }
            let body = String(argument.dropFirst(2))
            if let equals = body.firstIndex(of: "=") {
                values[String(body[..<equals])] = String(body[body.index(after: equals)...])
            } else if index < arguments.count && !arguments[index].hasPrefix("--") {
                values[body] = arguments[index]
                index += 1
            } else {
                values[body] = ""
            }
        }
    }

    func value(_ name: String) -> String? { values[name] }
    func flag(_ name: String) -> Bool { values[name] != nil }
    func required(_ name: String) throws -> String {
        guard let value = values[name], !value.isEmpty else { throw BenchError("missing --\(name)") }
        return value
    }
}

let usage = """
    usage: concord-bench SUBCOMMAND [OPTIONS]
      analyze --corpus FILE|-        tokenizer and stemmer throughput (JSONL "text" fields)
      ingest --corpus FILE|DIR [--expect N]   reader throughput and document count
      micro                          posting decode, varint, CRC, seek, term lookup
      build --corpus FILE|DIR --index-dir DIR [--mem-mb N]   index build figures
      query --index DIR --queries FILE [--k 10] [--runs 3] [--with-count]   latency per query class
      synth --docs N [--seed S] [--out FILE]   seeded Zipfian JSONL corpus (streams; checks its token count)
      scale [--sizes 10000,100000,1000000] [--mem-mb N] [--queries N] [--keep]   build and query figures by size
      relevance --collection DIR [--k1 X --b X]   nDCG@10, Recall@100, MAP on a BEIR collection
      inspect --index DIR            postings and positions bytes per dictionary namespace
      peer build|query|version ...   the ../shared/peers external-engine protocol
    """

var arguments = Array(CommandLine.arguments.dropFirst())
guard let subcommand = arguments.first else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(2)
}
arguments.removeFirst()
do {
    let code: Int32
    switch subcommand {
    case "analyze": code = try AnalyzeBenchmark.run(arguments: arguments)
    case "ingest": code = try IngestBenchmark.run(arguments: arguments)
    case "micro": code = try CodecBenchmark.run(arguments: arguments)
    case "build": code = try BuildBenchmark.run(arguments)
    case "query": code = try QueryBenchmark.run(arguments)
    case "peer": code = try PeerProtocol.run(arguments)
    case "inspect": code = try InspectIndex.run(arguments)
    case "relevance": code = try RelevanceBenchmark.run(arguments)
    case "synth": code = try ScaleBenchmark.synth(arguments)
    case "scale": code = try ScaleBenchmark.scale(arguments)
    case "--help", "-h", "help":
        print(usage)
        code = 0
    default:
        FileHandle.standardError.write(Data(("concord-bench: unknown subcommand \(subcommand)\n" + usage + "\n").utf8))
        code = 2
    }
    exit(code)
} catch {
    FileHandle.standardError.write(Data("concord-bench: error: \(error)\n".utf8))
    exit(1)
}
