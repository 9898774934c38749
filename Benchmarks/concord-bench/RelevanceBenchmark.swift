import Concord
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `concord-bench relevance --collection DIR [--out FILE] [--k1 X] [--b X]`: ranking quality on a
/// judged collection in BEIR layout (`corpus.jsonl[.gz]`, `queries.jsonl`, `qrels/test.tsv`), scored
/// exactly as `../shared/peers/eval_relevance.py` scores the peer engines.
///
/// The corpus is indexed into a temporary index (title + text as one body, as the peers do). Every
/// judged query runs as a ranked OR of its words: the maximal runs of Unicode letters and digits of
/// the query text, lowercased (Python's `str.isalnum` runs, as the harness sends them to external
/// engines). A repeated word stays a separate clause, so it counts as often as it occurs (Anserini's
/// bag of words). The top `--depth` (1000) hits are kept.
///
/// The evaluator follows trec_eval `-c` as pytrec_eval computes it: each query's hits sorted by score
/// descending, ties by docid descending (byte order), duplicate ids dropped; nDCG@10 with the qrels
/// grade as gain (negative grades 0), discount log2(rank + 1) and the ideal DCG of all judged
/// documents; Recall@k and MAP count grade ≥ 1 as relevant; every measure is the mean over the queries
/// of the qrels (a judged query without hits scores 0). For scifact a hit whose id equals the query id
/// is dropped (Anserini `-removeQuery`; `--remove-query yes|no` overrides).
///
/// Output: a TREC run file (`qid Q0 docid rank score concord`) at `--out` (default in the temporary
/// directory), one table line per metric set compared with the Anserini BM25 figures parsed from the
/// collection's README.md, and one JSON line.
///
/// `--score-run FILE` (TREC run, `.gz` allowed) skips indexing and scores FILE instead: with the
/// collection's reference runs it checks this evaluator against the README figures (the row of
/// `--k1`/`--b` when given, else every row; the reference runs hold 100 hits, so only nDCG@10, R@100
/// and P@10 can match).
/// `--query-stopwords` drops Lucene's 33 English stop words from the queries (a diagnostic that
/// mimics the query side of Anserini's analyzer; documents are indexed unchanged).
enum RelevanceBenchmark {
    static let usage = """
        usage: concord-bench relevance --collection DIR [--out FILE] [--k1 1.2] [--b 0.75] [--depth 1000]
                 [--index-dir DIR] [--remove-query yes|no] [--query-stopwords] [--json FILE]
               concord-bench relevance --collection DIR --score-run RUN[.gz] [--k1 X --b X]
        """

    static func run(_ arguments: [String]) throws -> Int32 {
        let options = try BenchArguments(arguments)
        if options.flag("help") || options.flag("h") {
            print(usage)
            return 0
        }
        let collection = try JudgedCollection(path: try options.required("collection"))
        var removeQuery = collection.name == "scifact"
        if let value = options.value("remove-query") {
            switch value.lowercased() {
            case "yes", "true", "1", "": removeQuery = true
            case "no", "false", "0": removeQuery = false
            default: throw BenchError("--remove-query takes yes or no, not \(value)")
            }
        }
        let references = ReferenceFigures.parse(readme: collection.path + "/README.md")

        if let runPath = options.value("score-run") {
            guard !runPath.isEmpty else { throw BenchError("--score-run needs a file") }
            let run = try readRun(runPath)
            let result = RelevanceEvaluator.evaluate(run: run, qrels: collection.qrels, removeQuery: removeQuery)
            let label = "run " + (runPath as NSString).lastPathComponent
            // Compared with the README row of --k1/--b when given, else with every row.
            var compared = references
            if options.value("k1") != nil || options.value("b") != nil {
                let k1 = try number(options, "k1", default: 1.2)
                let b = try number(options, "b", default: 0.75)
                compared = references.filter { abs($0.k1 - k1) < 1e-9 && abs($0.b - b) < 1e-9 }
            }
            for reference in compared {
                print(tableLine(collection: collection.name, label: label, result: result, reference: reference))
            }
            if compared.isEmpty {
                print(tableLine(collection: collection.name, label: label, result: result, reference: nil))
            }
            var json = resultJSON(collection: collection, result: result, removeQuery: removeQuery)
            json["scored_run"] = runPath
            json["references"] = references.map(\.json)
            try emit(json, to: options.value("json"))
            return 0
        }

        let bm25 = BM25(k1: try number(options, "k1", default: 1.2), b: try number(options, "b", default: 0.75))
        guard let depth = Int(options.value("depth") ?? "1000"), depth > 0 else {
            throw BenchError("--depth needs a positive number")
        }
        let dropStopwords = options.flag("query-stopwords")
        let keepIndex = options.value("index-dir")
        let directory = keepIndex ?? NSTemporaryDirectory() + "concord-relevance-\(collection.name)-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        defer { if keepIndex == nil { try? FileManager.default.removeItem(atPath: directory) } }

        // Index.
        let buildStart = DispatchTime.now().uptimeNanoseconds
        let summary = try Indexer.index(
            paths: [collection.corpus], into: directory, options: IndexingOptions(storeText: false))
        let buildSeconds = Double(DispatchTime.now().uptimeNanoseconds - buildStart) / 1e9
        let index = try SearchIndex(path: directory)
        for issue in summary.issues.prefix(5) {
            FileHandle.standardError.write(Data("relevance: \(collection.name): skipped \(issue)\n".utf8))
        }

        // Search every judged query.
        let searchOptions = SearchOptions(limit: depth, bm25: bm25)
        var run: [String: [(id: String, score: Double)]] = [:]
        var wordCount = 0
        let searchStart = DispatchTime.now().uptimeNanoseconds
        for qid in collection.judgedQueryIds {
            guard let text = collection.queries[qid] else { continue }
            var words = queryWords(text)
            if dropStopwords { words.removeAll { luceneStopWords.contains($0) } }
            wordCount += words.count
            if words.isEmpty {
                run[qid] = []
                continue
            }
            let node = QueryNode.boolean(must: [], should: words.map { .term($0) }, mustNot: [], filter: [])
            var planner = QueryPlanner(snapshot: index.snapshot, bm25: bm25)
            let plan = try planner.plan(node)
            let top = try index.topDocs(plan, count: depth, options: searchOptions)
            run[qid] = try top.entries.map { (try index.externalId(segment: $0.segment, doc: $0.doc), $0.score) }
        }
        let searchSeconds = Double(DispatchTime.now().uptimeNanoseconds - searchStart) / 1e9

        let result = RelevanceEvaluator.evaluate(run: run, qrels: collection.qrels, removeQuery: removeQuery)
        let settings = "k1=\(format(bm25.k1)) b=\(format(bm25.b))" + (dropStopwords ? " -stop" : "")
        let runPath =
            options.value("out") ?? NSTemporaryDirectory()
            + "concord-relevance-\(collection.name)-\(settings.filter { !$0.isWhitespace }).trec"
        try writeRun(run, order: collection.judgedQueryIds, to: runPath)

        let reference = references.first { abs($0.k1 - bm25.k1) < 1e-9 && abs($0.b - bm25.b) < 1e-9 }
        print(
            tableLine(collection: collection.name, label: "concord \(settings)", result: result, reference: reference))
        var json = resultJSON(collection: collection, result: result, removeQuery: removeQuery)
        json["k1"] = bm25.k1
        json["b"] = bm25.b
        json["depth"] = depth
        json["query_stopwords_dropped"] = dropStopwords
        json["documents"] = index.documentCount
        json["skipped_documents"] = summary.skipped
        json["query_words"] = wordCount
        json["build_s"] = buildSeconds
        json["search_s"] = searchSeconds
        json["run"] = runPath
        json["reference"] = reference?.json ?? NSNull()
        try emit(json, to: options.value("json"))
        return 0
    }

    // MARK: Queries

    /// Maximal runs of Unicode letters and digits (Python `str.isalnum` per scalar), each lowercased:
    /// `alnum_runs` of eval_relevance.py, so no syntax character ever reaches the engine.
    static func queryWords(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isAlphanumeric(scalar) {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(String(current).lowercased())
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current).lowercased()) }
        return words
    }

    /// Python's `isalnum` for one code point: a letter category (Lu, Ll, Lt, Lm, Lo) or any numeric type.
    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return scalar.properties.numericType != nil
        }
    }

    /// Lucene's `EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`, the 33 words Anserini removes.
    static let luceneStopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
        "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
        "will", "with",
    ]

    // MARK: Run files

    /// A TREC run (`qid Q0 docid rank score tag`, `.gz` allowed) as hits per query; the rank column is ignored.
    static func readRun(_ path: String) throws -> [String: [(id: String, score: Double)]] {
        var run: [String: [(id: String, score: Double)]] = [:]
        for line in try readLines(path) {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 6, let score = Double(parts[4]) else { continue }
            run[String(parts[0]), default: []].append((String(parts[2]), score))
        }
        return run
    }

    /// Writes hits in the evaluator's order (score descending, ties by docid descending), so the
    /// rank column agrees with what trec_eval reads back.
    static func writeRun(_ run: [String: [(id: String, score: Double)]], order: [String], to path: String) throws {
        var text = ""
        for qid in order {
            guard let hits = run[qid] else { continue }
            for (rank, hit) in RelevanceEvaluator.ranked(hits).enumerated() {
                text += "\(qid) Q0 \(hit.id) \(rank + 1) \(String(format: "%.8f", hit.score)) concord\n"
            }
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    // MARK: Output

    static func tableLine(collection: String, label: String, result: RelevanceResult, reference: ReferenceFigures?)
        -> String
    {
        func cell(_ name: String, _ key: String, _ value: Double) -> String {
            var text = "\(name) " + String(format: "%.4f", value)
            if let target = reference?.values[key] {
                text += String(format: " (ref %.4f, %+.4f)", target, value - target)
            }
            return text
        }
        var line =
            "relevance  \(collection)  \(label)  queries \(result.queries) (\(result.queriesWithHits) with hits)  "
        line += [
            cell("nDCG@10", "ndcg_cut_10", result.ndcg10), cell("R@100", "recall_100", result.recall100),
            cell("R@1000", "recall_1000", result.recall1000), cell("MAP", "map", result.map),
            cell("P@10", "P_10", result.precision10),
        ].joined(separator: "  ")
        if let reference { line += "  [ref: \(reference.label)]" }
        return line
    }

    static func resultJSON(collection: JudgedCollection, result: RelevanceResult, removeQuery: Bool) -> [String: Any] {
        [
            "benchmark": "relevance", "collection": collection.name, "path": collection.path,
            "queries": result.queries, "queries_with_hits": result.queriesWithHits, "remove_query": removeQuery,
            "ndcg_cut_10": result.ndcg10, "recall_100": result.recall100, "recall_1000": result.recall1000,
            "map": result.map, "P_10": result.precision10,
        ]
    }

    static func emit(_ json: [String: Any], to path: String?) throws {
        let line = String(
            decoding: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), as: UTF8.self)
        print(line)
        guard let path, !path.isEmpty else { return }
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw BenchError("cannot write \(path)") }
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data((line + "\n").utf8))
    }

    static func number(_ options: BenchArguments, _ name: String, default value: Double) throws -> Double {
        guard let text = options.value(name) else { return value }
        guard let number = Double(text), number >= 0 else { throw BenchError("--\(name) needs a number ≥ 0") }
        return number
    }

    static func format(_ value: Double) -> String {
        var text = String(format: "%.4f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

/// The metrics of one run (means over the judged queries).
struct RelevanceResult {
    var queries = 0
    var queriesWithHits = 0
    var ndcg10 = 0.0
    var recall100 = 0.0
    var recall1000 = 0.0
    var map = 0.0
    var precision10 = 0.0
}

/// trec_eval `-c` measures, as `evaluate` in eval_relevance.py computes them.
enum RelevanceEvaluator {
    /// Hits sorted by score descending, ties by docid descending in byte order (trec_eval's
    /// order), keeping the first of duplicate ids.
    static func ranked(_ hits: [(id: String, score: Double)]) -> [(id: String, score: Double)] {
        let sorted = hits.sorted { a, b in
            a.score != b.score ? a.score > b.score : b.id.utf8.lexicographicallyPrecedes(a.id.utf8)
        }
        var seen = Set<String>()
        return sorted.filter { seen.insert($0.id).inserted }
    }

    static func evaluate(
        run: [String: [(id: String, score: Double)]], qrels: [String: [String: Int]], removeQuery: Bool
    )
        -> RelevanceResult
    {
        var result = RelevanceResult()
        for (qid, judged) in qrels {
            var hits = run[qid] ?? []
            if !hits.isEmpty { result.queriesWithHits += 1 }
            if removeQuery { hits.removeAll { $0.id == qid } }
            let ranking = ranked(hits).map(\.id)
            let gains = ranking.map { max(judged[$0] ?? 0, 0) }
            let relevantCount = judged.values.filter { $0 >= 1 }.count
            let ideal = judged.values.filter { $0 > 0 }.sorted(by: >)
            var dcg = 0.0
            for (i, gain) in gains.prefix(10).enumerated() { dcg += Double(gain) / log2(Double(i + 2)) }
            var idcg = 0.0
            for (i, gain) in ideal.prefix(10).enumerated() { idcg += Double(gain) / log2(Double(i + 2)) }
            let relevant = ranking.map { (judged[$0] ?? 0) >= 1 }
            var averagePrecision = 0.0
            var found = 0
            for (i, isRelevant) in relevant.enumerated() where isRelevant {
                found += 1
                averagePrecision += Double(found) / Double(i + 1)
            }
            let total = Double(relevantCount)
            result.queries += 1
            result.ndcg10 += idcg > 0 ? dcg / idcg : 0
            if relevantCount > 0 {
                result.recall100 += Double(relevant.prefix(100).filter { $0 }.count) / total
                result.recall1000 += Double(relevant.prefix(1000).filter { $0 }.count) / total
                result.map += averagePrecision / total
            }
            result.precision10 += Double(relevant.prefix(10).filter { $0 }.count) / 10
        }
        if result.queries > 0 {
            let n = Double(result.queries)
            result.ndcg10 /= n
            result.recall100 /= n
            result.recall1000 /= n
            result.map /= n
            result.precision10 /= n
        }
        return result
    }
}

/// A BEIR-layout collection: corpus file, queries and test qrels.
struct JudgedCollection {
    var path: String
    var name: String
    var corpus: String
    /// Query text by id.
    var queries: [String: String] = [:]
    /// Query ids in queries.jsonl order.
    var queryOrder: [String] = []
    /// Grade by document id, by query id.
    var qrels: [String: [String: Int]] = [:]

    init(path rawPath: String) throws {
        var path = rawPath
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        self.path = path
        name = (path as NSString).lastPathComponent
        guard
            let corpus = ["corpus.jsonl", "corpus.jsonl.gz"].map({ path + "/" + $0 }).first(where: {
                FileManager.default.fileExists(atPath: $0)
            })
        else { throw BenchError("\(path): no corpus.jsonl or corpus.jsonl.gz") }
        self.corpus = corpus
        for line in try RelevanceBenchmark.readLines(path + "/queries.jsonl") {
            if line.allSatisfy(\.isWhitespace) { continue }
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let id = object["id"]
            else { throw BenchError("\(path)/queries.jsonl: bad line \(line.prefix(80))") }
            let qid = (id as? String) ?? "\(id)"
            if queries[qid] == nil { queryOrder.append(qid) }
            queries[qid] = object["text"] as? String ?? ""
        }
        // query-id<TAB>corpus-id<TAB>score with an optional header, or TREC qrels (qid 0 docid rel).
        for (number, line) in try RelevanceBenchmark.readLines(path + "/qrels/test.tsv").enumerated() {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if parts.isEmpty { continue }
            let last = parts[parts.count - 1]
            if number == 0 && Int(last) == nil { continue }
            guard parts.count >= 3, let grade = Int(parts.count == 4 ? parts[3] : parts[2]) else {
                throw BenchError("\(path)/qrels/test.tsv: bad line \(number + 1): \(line)")
            }
            let document = parts.count == 4 ? parts[2] : parts[1]
            qrels[parts[0], default: [:]][document] = grade
        }
    }

    /// Judged queries in queries.jsonl order, then judged ids absent from queries.jsonl (they score 0).
    var judgedQueryIds: [String] {
        let known = queryOrder.filter { qrels[$0] != nil }
        let missing = qrels.keys.filter { queries[$0] == nil }.sorted()
        return known + missing
    }
}

/// The Anserini BM25 rows of a collection README's tables (`| BM25 ... k1=0.9 b=0.4 ... | 0.6789 | ...`),
/// read as eval_relevance.py's `readme_reference` does; multifield rows are skipped.
struct ReferenceFigures {
    var label: String
    var k1: Double
    var b: Double
    /// Metric name (`ndcg_cut_10`, `recall_100`, `recall_1000`, `map`, `P_10`) to value.
    var values: [String: Double]

    var json: [String: Any] { ["label": label, "k1": k1, "b": b, "values": values] }

    static func parse(readme path: String) -> [ReferenceFigures] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        let names = [
            "ndcg@10": "ndcg_cut_10", "r@100": "recall_100", "r@1000": "recall_1000", "map": "map", "p@10": "P_10",
        ]
        var columns: [String?]?
        var result: [ReferenceFigures] = []
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("|") else {
                if line.isEmpty { columns = nil }
                continue
            }
            var body = Substring(line)
            body = body.dropFirst()
            if body.hasSuffix("|") { body = body.dropLast() }
            let cells = body.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            let lowered = cells.map { $0.lowercased() }
            if lowered.contains("ndcg@10") {
                columns = lowered.map { names[$0] }
                continue
            }
            guard let columns, let first = lowered.first, !first.allSatisfy({ "-: ".contains($0) }) else { continue }
            guard first.contains("bm25"), !first.contains("multifield"),
                let k1 = parameter("k1=", in: first), let b = parameter("b=", in: first),
                !result.contains(where: { $0.k1 == k1 && $0.b == b })
            else { continue }
            var values: [String: Double] = [:]
            for (column, cell) in zip(columns, cells) {
                if let column, let value = Double(cell.replacingOccurrences(of: "*", with: "")) {
                    values[column] = value
                }
            }
            if !values.isEmpty { result.append(ReferenceFigures(label: cells[0], k1: k1, b: b, values: values)) }
        }
        return result
    }

    /// The number after `key` (`k1=0.9` → 0.9) where `key` starts a word.
    private static func parameter(_ key: String, in text: String) -> Double? {
        var searchStart = text.startIndex
        while let range = text.range(of: key, range: searchStart..<text.endIndex) {
            let atWordStart =
                range.lowerBound == text.startIndex || !text[text.index(before: range.lowerBound)].isLetter
            if atWordStart {
                let digits = text[range.upperBound...].prefix { $0.isNumber || $0 == "." }
                if let value = Double(digits) { return value }
            }
            searchStart = range.upperBound
        }
        return nil
    }
}

extension RelevanceBenchmark {
    /// The lines of a UTF-8 text file, gunzipped when it starts with the gzip magic bytes.
    static func readLines(_ path: String) throws -> [String] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw BenchError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let file = FileDescriptorSource(descriptor: descriptor)
        var source: any ByteSource = file
        if try file.peek(2) == [0x1F, 0x8B] {
            guard let zlib = Zlib.system else { throw BenchError("\(path): gzip is not supported on this system") }
            source = try GzipSource(zlib: zlib, upstream: file)
        }
        var bytes: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = try source.read(into: chunk)
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        // Split on bytes: as a Character, "\r\n" is one grapheme and would not match "\n".
        return bytes.split(separator: 0x0A).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
    }
}
