import Concord
import ConcordTestSupport
import Foundation
import Testing

// Differential tests (STYLE-ANCHORS §7 item 5): seeded random corpora are indexed for real
// (several flushed segments, deletes, updates by id, commits, sometimes a full merge; automatic
// merges off) and random queries of every class run both through the engine (`Searcher` plan
// and top docs for every match, `SearchIndex.search` for a pruned top 10 now and then) and
// through the brute-force `ReferenceEngine`. They must agree on the matching ids, every score
// (1e-4), global doc numbers, the order (score, then global doc) and the pruned top 10.
//
// Environment: `CONCORD_LONG_TESTS=1` runs many more seeds and queries (and larger corpora);
// `CONCORD_SEED=n` replays one seed; `CONCORD_ITERATIONS=n` sets the queries per seed.
// The generator covers every input class, including those that once met engine bugs (pinned
// by `KnownDifferenceTests` below and the ONEAR golden test): words holding a numeric run
// (`A/RES/70/153`), compound prefixes (`self-det*`), ONEAR over three operands, over-long
// title terms, and pruned top-10 of a lone sloppy phrase or NEAR.

/// Run sizes, from the environment.
private enum DifferentialRun {
    static let environment = ProcessInfo.processInfo.environment
    static let isLong = environment["CONCORD_LONG_TESTS"] == "1"
    static let shards = 4
    static let seeds: [UInt64] = {
        if let text = environment["CONCORD_SEED"], let seed = UInt64(text) { return [seed] }
        return Array(1...(isLong ? 400 : 64))
    }()
    static let queriesPerSeed = environment["CONCORD_ITERATIONS"].flatMap { Int($0) } ?? (isLong ? 300 : 64)
    static let includeKnownIssues = true
    static let scoreTolerance = 1e-4
    /// Failures reported per seed before moving on (the first one is what matters).
    static let failuresPerSeed = 3
}

/// A fresh directory under the system temporary directory, removed by `remove()`.
private struct TemporaryDirectory {
    let path: String

    init(_ name: String) throws {
        path = NSTemporaryDirectory() + "concord-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Builds the index of `corpus` and the reference beside it; returns the opened index.
private func build(_ corpus: RandomCorpus, in directory: String, reference: ReferenceEngine) throws -> (
    SearchIndex, [String]
) {
    var problems: [String] = []
    let writer = try IndexWriter(
        directory: directory,
        options: IndexWriter.Options(memoryBudget: corpus.memoryBudget, automaticMerges: false))
    defer { writer.close() }
    for operation in corpus.operations {
        switch operation {
        case .add(let document):
            try writer.add(document.indexDocument)
            reference.add(document)
            // The writer flushes a segment when over its budget: the buffer is then empty.
            if writer.bufferedDocuments == 0 { reference.flush() }
        case .delete(let id):
            let engine = try writer.delete(id: id)
            let expected = reference.delete(id: id)
            if engine != expected { problems.append("delete(id: \(id)) returned \(engine), expected \(expected)") }
        case .commit:
            try writer.commit()
            reference.commit()
        case .mergeAll:
            try writer.mergeAll()
            reference.mergeAll()
        }
    }
    writer.close()
    let index = try SearchIndex(path: directory)
    if index.documentCount != reference.liveCount {
        problems.append("live documents: engine \(index.documentCount), reference \(reference.liveCount)")
    }
    if index.snapshot.statisticsDocumentCount != UInt64(reference.documents.count) {
        problems.append(
            "statistics N: engine \(index.snapshot.statisticsDocumentCount), reference \(reference.documents.count)")
    }
    return (index, problems)
}

/// What one case showed besides agreement, for the run's summary.
private struct CaseCoverage {
    var matched = false
    var prefixCapped = false
}

/// The first difference between the engine's answer and the reference's, or nil.
private func firstDifference(
    _ query: RandomQuery, index: SearchIndex, searcher: Searcher, reference: ReferenceEngine, assembleHits: Bool,
    coverage: inout CaseCoverage
) throws -> String? {
    let expected: [ReferenceHit]
    do {
        expected = try reference.search(query.text, defaultOperator: query.defaultOperator)
    } catch let error as ReferenceQueryError {
        do {
            let result = try index.search(query.text, options: SearchOptions(defaultOperator: query.defaultOperator))
            return "the reference refuses the query (\(error)) but the engine returned \(result.totalHits) hits"
        } catch {
            return nil
        }
    }
    coverage.matched = !expected.isEmpty
    let tolerance = DifferentialRun.scoreTolerance
    // Every match, through the searcher's core (plan and top docs: `search` without assembling
    // snippets for hundreds of hits); the limit is large enough for all of them.
    let options = SearchOptions(limit: expected.count + 10, defaultOperator: query.defaultOperator, exactCount: true)
    let (plan, notices) = try searcher.plan(query.text, options: options)
    coverage.prefixCapped = !notices.isEmpty
    let result = try searcher.topDocs(plan, count: options.limit, options: options)
    let bases = index.snapshot.segmentBases
    let hits = try result.entries.map {
        (
            id: try index.externalId(segment: $0.segment, doc: $0.doc), score: $0.score,
            global: Int(bases[$0.segment]) + Int($0.doc)
        )
    }

    // Same documents.
    let byId = Dictionary(expected.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    let engineIds = Set(hits.map(\.id))
    if let missing = expected.first(where: { !engineIds.contains($0.id) }) {
        return "missing \(missing.id) (reference score \(missing.score)); engine \(hits.count) hits, reference "
            + "\(expected.count)"
    }
    if let extra = hits.first(where: { byId[$0.id] == nil }) {
        return "extra \(extra.id) (engine score \(extra.score)); engine \(hits.count) hits, reference \(expected.count)"
    }
    if hits.count != expected.count || result.totalHits != expected.count || result.totalIsLowerBound {
        return "counts: \(hits.count) hits, totalHits \(result.totalHits) (lower bound: \(result.totalIsLowerBound)), "
            + "reference \(expected.count)"
    }
    // Same scores and global doc numbers.
    for hit in hits {
        let reference = byId[hit.id]!
        if abs(hit.score - reference.score) > tolerance {
            return "score of \(hit.id): engine \(hit.score), reference \(reference.score)"
        }
        if hit.global != reference.order {
            return "global doc of \(hit.id): engine \(hit.global), reference \(reference.order)"
        }
    }
    // Engine order: score descending, exact ties by ascending global doc.
    for (previous, next) in zip(hits, hits.dropFirst())
    where previous.score < next.score || (previous.score == next.score && previous.global > next.global) {
        return "order: \(previous.id) (\(previous.score), doc \(previous.global)) before \(next.id) "
            + "(\(next.score), doc \(next.global))"
    }
    // A pruned top 10 (the default counting) agrees with the full ranking and with the
    // reference's best scores; now and then through the whole `search` path, hits assembled.
    // A lone sloppy phrase or NEAR is pruned with a wrong bound (a known issue): count exactly.
    let exact = isLoneProximity(plan) && !DifferentialRun.includeKnownIssues
    let pruned = SearchOptions(limit: 10, defaultOperator: query.defaultOperator, exactCount: exact)
    let top: [(id: String, score: Double)]
    let total: (count: Int, isLowerBound: Bool)
    if assembleHits {
        let result = try index.search(query.text, options: pruned)
        top = result.hits.map { ($0.id, $0.score) }
        total = (result.totalHits, result.totalIsLowerBound)
    } else {
        let result = try searcher.topDocs(plan, count: 10, options: pruned)
        top = try result.entries.map { (try index.externalId(segment: $0.segment, doc: $0.doc), $0.score) }
        total = (result.totalHits, result.totalIsLowerBound)
    }
    if top.count != min(10, expected.count) {
        return "top 10: \(top.count) hits, reference \(min(10, expected.count))"
    }
    for (rank, hit) in top.enumerated() {
        if abs(hit.score - expected[rank].score) > tolerance {
            return "top 10 rank \(rank + 1): engine \(hit.id) \(hit.score), reference \(expected[rank].id) "
                + "\(expected[rank].score)"
        }
        if hit.id != hits[rank].id {
            return "top 10 rank \(rank + 1): \(hit.id), but the exact search ranks \(hits[rank].id) there"
        }
    }
    if total.isLowerBound ? total.count > expected.count : total.count != expected.count {
        return "top 10 totalHits \(total.count) (lower bound: \(total.isLowerBound)), reference \(expected.count)"
    }
    return nil
}

/// Whether the plan runs as one phrase-with-slop or NEAR scorer (what top-k pruning skips
/// candidates of by their smallest term frequency).
private func isLoneProximity(_ plan: QueryPlan) -> Bool {
    switch plan {
    case .near: return true
    case .phrase(_, let slop, _): return slop > 0
    case .boolean(let must, let should, let mustNot, let filter) where mustNot.isEmpty && filter.isEmpty:
        if must.count == 1 && should.isEmpty { return isLoneProximity(must[0]) }
        if must.isEmpty && should.count == 1 { return isLoneProximity(should[0]) }
        return false
    default: return false
    }
}

/// What one seed did.
private struct SeedOutcome {
    var failures: [String] = []
    var cases = 0
    var matched = 0
    var prefixCapped = 0
}

/// Builds the corpus of `seed` both ways and runs its queries.
private func runSeed(_ seed: UInt64) throws -> SeedOutcome {
    let corpus = RandomCorpus(
        seed: seed, scale: DifferentialRun.isLong && seed % 10 == 0 ? 4 : 1,
        longTitleTerms: DifferentialRun.includeKnownIssues)
    let directory = try TemporaryDirectory("differential-\(seed)")
    defer { directory.remove() }
    let reference = ReferenceEngine()
    let (index, problems) = try build(corpus, in: directory.path, reference: reference)
    let searcher = Searcher(snapshot: index.snapshot)
    var outcome = SeedOutcome()
    outcome.failures = problems.map { "seed \(seed): \($0) (replay: CONCORD_SEED=\(seed))" }
    var generator = RandomQueryGenerator(
        corpus: corpus, seed: seed &* 0x9E37_79B9 &+ 17, includeKnownIssues: DifferentialRun.includeKnownIssues)
    for _ in 0..<DifferentialRun.queriesPerSeed where outcome.failures.count < DifferentialRun.failuresPerSeed {
        let query = generator.next()
        outcome.cases += 1
        var coverage = CaseCoverage()
        let difference: String?
        do {
            difference = try firstDifference(
                query, index: index, searcher: searcher, reference: reference, assembleHits: outcome.cases % 5 == 0,
                coverage: &coverage)
        } catch {
            difference = "error: \(error)"
        }
        if coverage.matched { outcome.matched += 1 }
        if coverage.prefixCapped { outcome.prefixCapped += 1 }
        if let difference {
            let parsed = try? QueryParser(defaultOperator: query.defaultOperator).parse(query.text)
            let reading = parsed.map { reference.describe($0.root) } ?? "(does not parse)"
            outcome.failures.append(
                "seed \(seed), query `\(query)`: \(difference)\n    reference reading: \(reading)\n"
                    + "    replay: CONCORD_SEED=\(seed)")
        }
    }
    return outcome
}

@Suite("Differential: engine against the brute-force reference")
struct DifferentialTests {
    @Test("random corpora and queries agree with the reference", arguments: 0..<DifferentialRun.shards)
    func randomCorpora(shard: Int) throws {
        let started = Date()
        var total = SeedOutcome()
        let seeds = DifferentialRun.seeds.enumerated().filter { $0.offset % DifferentialRun.shards == shard }
        for (_, seed) in seeds {
            let outcome = try runSeed(seed)
            total.cases += outcome.cases
            total.matched += outcome.matched
            total.prefixCapped += outcome.prefixCapped
            for failure in outcome.failures { Issue.record(Comment(rawValue: failure)) }
        }
        let milliseconds = Int(Date().timeIntervalSince(started) * 1000)
        print(
            "differential shard \(shard): \(seeds.count) seeds, \(total.cases) cases (\(total.matched) with matches, "
                + "\(total.prefixCapped) with a capped prefix), \(milliseconds) ms")
    }

    @Test("the query generator writes only queries the parser accepts")
    func generatedQueriesParse() throws {
        let corpus = RandomCorpus(seed: 7)
        var generator = RandomQueryGenerator(corpus: corpus, seed: 7, includeKnownIssues: true)
        for _ in 0..<2_000 {
            let query = generator.next()
            #expect(throws: Never.self, "\(query)") {
                _ = try QueryParser(defaultOperator: query.defaultOperator).parse(query.text)
            }
        }
    }
}

/// Builds an index of `documents` (committing where `commitAfter` says) and the reference.
private func smallIndex(
    _ documents: [ReferenceDocument], commitAfter: Set<Int> = [], mergeAll: Bool = false, in directory: String
) throws -> (SearchIndex, ReferenceEngine) {
    let reference = ReferenceEngine()
    let writer = try IndexWriter(directory: directory, options: IndexWriter.Options(automaticMerges: false))
    for (number, document) in documents.enumerated() {
        try writer.add(document.indexDocument)
        reference.add(document)
        if commitAfter.contains(number) {
            try writer.commit()
            reference.commit()
        }
    }
    try writer.commit()
    reference.commit()
    if mergeAll {
        try writer.mergeAll()
        reference.mergeAll()
    }
    writer.close()
    return (try SearchIndex(path: directory), reference)
}

/// Ids and scores of every match, engine side.
private func engineHits(_ index: SearchIndex, _ query: String) throws -> [String: Double] {
    let hits = try index.search(query, options: SearchOptions(limit: 1_000, exactCount: true)).hits
    return Dictionary(hits.map { ($0.id, $0.score) }, uniquingKeysWith: { first, _ in first })
}

/// Ids and scores of every match, reference side.
private func referenceHits(_ reference: ReferenceEngine, _ query: String) throws -> [String: Double] {
    Dictionary(try reference.search(query).map { ($0.id, $0.score) }, uniquingKeysWith: { first, _ in first })
}

/// Engine bugs the differential run found, pinned with minimal reproductions. The random run
/// leaves these inputs out unless `CONCORD_KNOWN_ISSUES=1`; when a fix lands, the known issue
/// stops being recorded, the test fails, and the wrapper (and the generator's exclusion) go.
@Suite("Known differences between the engine and the reference")
struct KnownDifferenceTests {
    /// A word holding a numeric run (`A/RES/70/153` holds `70/153`) must be searched as the
    /// whole identifier (DESIGN §3: "identifiers stay searchable whole"); the planner takes the
    /// first whole token the analyzer emits, which is the numeric run.
    @Test("identifiers with a numeric run inside are searched whole")
    func identifierWithNumericRun() throws {
        let directory = try TemporaryDirectory("known-identifier")
        defer { directory.remove() }
        let (index, reference) = try smallIndex(
            [
                ReferenceDocument(id: "add2", title: "", paragraphs: ["report A/70/489/Add.2 of the committee"]),
                ReferenceDocument(id: "add1", title: "", paragraphs: ["report A/70/489/Add.1 of the committee"]),
                ReferenceDocument(id: "res", title: "", paragraphs: ["resolution A/RES/70/153"]),
                ReferenceDocument(id: "bare", title: "", paragraphs: ["resolution 70/153"]),
            ], in: directory.path)
        for (query, expected) in [
            ("A/70/489/Add.2", ["add2"]), ("=A/70/489/Add.2", ["add2"]), ("A/RES/70/153", ["res"]),
        ] {
            #expect(Set(try referenceHits(reference, query).keys) == Set(expected), "\(query)")
            let engine = try engineHits(index, query)
            #expect(Set(engine.keys) == Set(expected), "\(query)")

        }
        // The numeric run alone still finds both resolutions.
        #expect(Set(try engineHits(index, "70/153").keys) == ["res", "bare"])
    }

    /// A prefix typed as a compound (`self-det*`, `70/15*`) must match surface forms starting
    /// with the whole folded text; the planner keeps only the compound's first part.
    @Test("compound prefixes match whole surface forms")
    func compoundPrefix() throws {
        let directory = try TemporaryDirectory("known-prefix")
        defer { directory.remove() }
        let (index, reference) = try smallIndex(
            [
                ReferenceDocument(id: "determination", title: "", paragraphs: ["self-determination of peoples"]),
                ReferenceDocument(id: "help", title: "", paragraphs: ["self-help groups"]),
                ReferenceDocument(id: "153", title: "", paragraphs: ["resolution 70/153"]),
                ReferenceDocument(id: "2", title: "", paragraphs: ["resolution 70/2"]),
            ], in: directory.path)
        for (query, expected) in [("self-det*", ["determination"]), ("70/15*", ["153"])] {
            #expect(Set(try referenceHits(reference, query).keys) == Set(expected), "\(query)")
            let engine = try engineHits(index, query)
            #expect(Set(engine.keys) == Set(expected), "\(query)")

        }
    }

    /// A title term too long to index still takes a position, so it counts in the title length
    /// (Tokenizer: "a skipped part still consumes its position"). Flushing counts it; merging
    /// recounts titles from emitted tokens only, so the average title length and every
    /// `title:` score change when segments merge.
    @Test("merging keeps title lengths")
    func titleLengthAfterMerge() throws {
        let long = String(repeating: "x", count: 300)
        let documents = [
            ReferenceDocument(id: "long", title: long + " peace", paragraphs: ["peace"]),
            ReferenceDocument(id: "short", title: "peace", paragraphs: ["peace"]),
        ]
        let before = try TemporaryDirectory("known-title-before")
        defer { before.remove() }
        let (unmerged, _) = try smallIndex(documents, commitAfter: [0], in: before.path)
        #expect(unmerged.snapshot.averageTitleLength == 1.5)
        let after = try TemporaryDirectory("known-title-after")
        defer { after.remove() }
        let (merged, reference) = try smallIndex(documents, commitAfter: [0], mergeAll: true, in: after.path)
        #expect(merged.snapshot.segments.count == 1)
        let expected = try referenceHits(reference, "title:peace")
        let engine = try engineHits(merged, "title:peace")
        #expect(merged.snapshot.averageTitleLength == 1.5)
        for (id, score) in expected {
            #expect(abs((engine[id] ?? -1) - score) <= 1e-4, "\(id)")
        }

    }

    /// `title:` is the scored field, but the parser compares field names case-sensitively and
    /// the planner lowercases them: `Title:peace` is placed among the filters (so it restricts,
    /// even under OR) and then planned as scored title terms, so a filter adds to the score
    /// (DESIGN §4: "filters do not score").
    @Test("a field filter never scores, whatever the case of its name")
    func capitalisedTitleField() throws {
        let directory = try TemporaryDirectory("known-title-case")
        defer { directory.remove() }
        let (index, reference) = try smallIndex(
            [
                ReferenceDocument(id: "a", title: "peace now", paragraphs: ["war"]),
                ReferenceDocument(id: "b", title: "war", paragraphs: ["peace"]),
            ], in: directory.path)
        let expected = try referenceHits(reference, "war Title:peace")
        #expect(Set(expected.keys) == ["a"])
        let engine = try engineHits(index, "war Title:peace")
        #expect(Set(engine.keys) == ["a"])
        #expect(abs((engine["a"] ?? 0) - expected["a"]!) <= 1e-4)

    }

    /// Top-k pruning of a lone phrase or NEAR skips a candidate whose score with a frequency of
    /// its smallest term frequency cannot enter; but a NEAR frequency counts occurrences of the
    /// first operand (`to to peaceful to to`: 4 for NEAR/1(to peaceful), while `peaceful` occurs
    /// once), and a sloppy phrase counts starts (`peace peace security`: 2 for
    /// "peace security"~1). The best document is then lost from the top 1.
    @Test("top-k pruning keeps the best phrase and NEAR matches")
    func proximityPruningBound() throws {
        let directory = try TemporaryDirectory("known-pruning")
        defer { directory.remove() }
        let (index, reference) = try smallIndex(
            [
                ReferenceDocument(id: "near1", title: "", paragraphs: ["to peaceful"]),
                ReferenceDocument(id: "near4", title: "", paragraphs: ["to to peaceful to to"]),
                ReferenceDocument(id: "phrase1", title: "", paragraphs: ["peace security"]),
                ReferenceDocument(id: "phrase2", title: "", paragraphs: ["peace peace security"]),
            ], in: directory.path)
        for (query, best) in [("NEAR/1(to peaceful)", "near4"), ("\"peace security\"~1", "phrase2")] {
            #expect(try reference.search(query).first?.id == best, "\(query)")
            #expect(try index.search(query, options: SearchOptions(limit: 1, exactCount: true)).hits.first?.id == best)
            let top = try index.search(query, options: SearchOptions(limit: 1)).hits.first?.id
            #expect(top == best, "\(query)")

        }
    }
}
