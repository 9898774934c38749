import Concord
import Foundation

/// `concord-bench peer build|query|version`: the external-engine protocol of the
/// side-by-side harness in ../shared/peers (see its README). Indexes the body
/// (title + text) of each JSONL record; answers the neutral query classes.
enum PeerProtocol {
    static func run(_ arguments: [String]) throws -> Int32 {
        guard let sub = arguments.first else {
            throw BenchError("peer needs build, query or version")
        }
        let options = try BenchArguments(Array(arguments.dropFirst()))
        switch sub {
        case "version":
            print("concord \(concordBenchVersion) (Swift, index format \(FileEnvelope.formatVersion))")
            return 0
        case "build": return try build(options)
        case "query": return try query(options)
        default: throw BenchError("unknown peer subcommand \(sub)")
        }
    }

    static let settings =
        "Concord: UAX-like byte tokenizer with folding, Porter2 (Snowball current) stems, positions; BM25 k1=1.2 b=0.75; "
        + "exact surface forms indexed for =word and prefix; prefix matches surface forms (not stems); nearK = NEAR/(K-1) unordered; "
        + "single-threaded; merged to one segment"

    static func build(_ options: BenchArguments) throws -> Int32 {
        let corpus = try options.required("corpus")
        let directory = try options.required("index-dir")
        let memory = Int(options.value("mem-mb") ?? "256") ?? 256
        let storeBody = options.flag("store-body")
        let started = Date()
        let writer = try IndexWriter(
            directory: directory,
            options: IndexWriter.Options(memoryBudget: memory << 20, automaticMerges: true, storeText: storeBody))
        var reader = DocumentReader(options: ReaderOptions(format: .jsonl))
        var documents = 0
        _ = try reader.read(
            paths: [corpus],
            body: { document in
                try writer.add(Indexer.indexDocument(from: document))
                documents += 1
            }, issue: { issue in FileHandle.standardError.write(Data("skipped \(issue)\n".utf8)) })
        let added = Date()
        let commit = try writer.commit()
        let committed = Date()
        let sizeBefore = directorySize(directory)
        let merged = try writer.mergeAll()
        writer.close()
        let optimized = Date()
        let info: [String: Any] = [
            "docs": documents, "segments": merged.segmentCount, "add_s": added.timeIntervalSince(started),
            "commit_s": committed.timeIntervalSince(added), "optimize_s": optimized.timeIntervalSince(committed),
            "size_before_optimize": sizeBefore, "version": "concord \(concordBenchVersion)",
            "settings": settings + (storeBody ? "; body stored" : ""), "commit_segments": commit.segmentCount,
        ]
        let data = try JSONSerialization.data(withJSONObject: info, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
        return 0
    }

    static func directorySize(_ path: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.reduce(0) { total, name in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + name)
            return total + ((attributes?[.size] as? NSNumber)?.intValue ?? 0)
        }
    }

    static func query(_ options: BenchArguments) throws -> Int32 {
        let directory = try options.required("index-dir")
        let queries = try NeutralQuery.load(try options.required("queries"))
        let k = Int(options.value("k") ?? "10") ?? 10
        let warmup = Int(options.value("warmup") ?? "0") ?? 0
        let reps = Int(options.value("reps") ?? "0") ?? 0
        var seed = UInt64(options.value("seed") ?? "42") ?? 42
        let withCount = options.flag("with-count")
        let out = try options.required("out")
        let index = try SearchIndex(path: directory)
        var searchOptions = SearchOptions(limit: k)
        searchOptions.exactCount = withCount

        let supported = queries.filter { $0.plan != nil }
        func runOnce(_ query: NeutralQuery) throws -> ([String], Int) {
            let plan = try query.makePlan(index: index)
            let top = try index.topDocs(plan, count: k, options: searchOptions)
            let ids = try top.entries.map { try index.externalId(segment: $0.segment, doc: $0.doc) }
            return (ids, top.totalHits)
        }
        var timings = [[Double]](repeating: [], count: queries.count)
        for pass in 0..<(warmup + reps) {
            var order = Array(supported.indices)
            shuffle(&order, seed: &seed)
            for i in order {
                let query = supported[i]
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try runOnce(query)
                let micros = Double(DispatchTime.now().uptimeNanoseconds - start) / 1000
                if pass >= warmup { timings[query.qid].append(micros) }
            }
        }
        var lines: [String] = []
        let meta: [String: Any] = [
            "meta": [
                "version": "concord \(concordBenchVersion)", "docs": index.documentCount, "unsupported": [String](),
                "segments": index.snapshot.segments.count, "settings": settings,
            ]
        ]
        lines.append(
            String(decoding: try JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys]), as: UTF8.self))
        var exactOptions = searchOptions
        exactOptions.exactCount = true
        for query in supported {
            let plan = try query.makePlan(index: index)
            let top = try index.topDocs(plan, count: k, options: exactOptions)
            let ids = try top.entries.map { try index.externalId(segment: $0.segment, doc: $0.doc) }
            let line: [String: Any] = ["qid": query.qid, "hits": top.totalHits, "ids": ids, "us": timings[query.qid]]
            lines.append(
                String(
                    decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
        return 0
    }

    /// Fisher–Yates with SplitMix64, so passes are reproducible from the seed.
    static func shuffle(_ values: inout [Int], seed: inout UInt64) {
        if values.count < 2 { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            seed &+= 0x9E37_79B9_7F4A_7C15
            var z = seed
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            let j = Int(z % UInt64(i + 1))
            values.swapAt(i, j)
        }
    }
}

/// One line of the harness's neutral query file (`CLASS<TAB>OP:WORDS`).
struct NeutralQuery {
    var qid: Int
    var queryClass: String
    var op: String
    var words: [String]
    /// nil when the op is not supported.
    var plan: QueryNode?

    static func load(_ path: String) throws -> [NeutralQuery] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var result: [NeutralQuery] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = raw.split(separator: "\t", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            let queryText = fields.count >= 2 ? fields[1] : fields[0]
            guard let colon = queryText.firstIndex(of: ":") else { throw BenchError("query without OP: \(line)") }
            let op = queryText[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let words = queryText[queryText.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" })
                .map(String.init)
            var queryClass = fields.count >= 2 && !fields[0].isEmpty ? fields[0] : op
            if fields.count < 2 || fields[0].isEmpty {
                if ["and", "or", "phrase"].contains(op) { queryClass = op + String(words.count) }
                if op.hasPrefix("near") { queryClass = "near" }
            }
            let node: QueryNode?
            switch op {
            case "term": node = words.count == 1 ? .term(words[0]) : nil
            case "and": node = .boolean(must: words.map { .term($0) }, should: [], mustNot: [], filter: [])
            case "or": node = .boolean(must: [], should: words.map { .term($0) }, mustNot: [], filter: [])
            case "phrase": node = .phrase(words, slop: 0)
            case "prefix": node = words.count == 1 ? .prefix(words[0].lowercased()) : nil
            default:
                if op.hasPrefix("near"), let k = Int(op.dropFirst(4)), k >= 1, words.count == 2 {
                    node = .near(words.map { .term($0) }, distance: k - 1, ordered: false)
                } else {
                    throw BenchError("unsupported query op '\(op)' in: \(line)")
                }
            }
            result.append(NeutralQuery(qid: result.count, queryClass: queryClass, op: op, words: words, plan: node))
        }
        return result
    }

    func makePlan(index: SearchIndex) throws -> QueryPlan {
        var planner = QueryPlanner(snapshot: index.snapshot, bm25: BM25())
        return try planner.plan(plan!)
    }
}
