import Concord
import ConcordTestSupport
import Foundation
import Testing

// The pruned top-k paths (block-max MaxScore windows for disjunctions, block-max leapfrog for
// conjunctions, block skipping for one term) against their slow twin, the same query counted
// exactly, which scores every match. The differential corpora are too small for these paths
// (no 128-document blocks, one window), so this corpus is large enough for thousands of full
// blocks and three 4,096-document windows per segment. `CONCORD_SEED=n` replays one seed.

private enum PruningRun {
    static let environment = ProcessInfo.processInfo.environment
    static let seeds: [UInt64] = {
        if let text = environment["CONCORD_SEED"], let seed = UInt64(text) { return [seed] }
        return environment["CONCORD_LONG_TESTS"] == "1" ? Array(1...12) : [1, 2]
    }()
    static let queriesPerSeed = environment["CONCORD_ITERATIONS"].flatMap { Int($0) } ?? 150
}

/// Words that Porter2 leaves alone, so every one is its own stem and surface form.
private let vocabulary: [String] = {
    let onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z"]
    let vowels = ["a", "o", "u"]
    var words: [String] = []
    for onset in onsets {
        for vowel in vowels { words.append(onset + vowel + "k" + vowel + "t") }
    }
    return words
}()

/// An index of about 9,000 documents in two segments, some replaced by id, over a Zipfian
/// vocabulary: frequent words fill whole blocks, rare ones leave varint tails, and lengths
/// vary so block bounds differ from term bounds.
private func buildCorpus(seed: UInt64, in directory: String) throws -> SearchIndex {
    var random = SplitMix64(seed: seed)
    let zipf = ZipfSampler(count: vocabulary.count, exponent: 1.1)
    let writer = try IndexWriter(directory: directory, options: IndexWriter.Options(automaticMerges: false))
    let count = 9_000
    for number in 0..<count {
        // Some later documents replace earlier ids, leaving deleted documents behind.
        let id = number > 6_000 && random.chance(0.05) ? "doc\(random.below(6_000))" : "doc\(number)"
        let length = random.chance(0.1) ? random.int(in: 80...200) : random.int(in: 3...40)
        let words = (0..<length).map { _ in zipf.word(from: vocabulary, using: &random) }
        let document = ReferenceDocument(id: id, title: "", paragraphs: [words.joined(separator: " ")])
        try writer.add(document.indexDocument)
        if number == 5_000 { try writer.commit() }
    }
    try writer.commit()
    writer.close()
    return try SearchIndex(path: directory)
}

/// A random query: one word, an OR of 2–12 words, an AND of 2–3, or a prefix.
private func randomQuery(_ random: inout SplitMix64) -> String {
    func word() -> String { vocabulary[random.below(vocabulary.count)] }
    switch random.below(10) {
    case 0: return word()
    case 1, 2, 3, 4: return (0..<random.int(in: 2...4)).map { _ in word() }.joined(separator: " ")
    case 5: return (0..<random.int(in: 9...12)).map { _ in word() }.joined(separator: " ")
    case 6, 7: return (0..<random.int(in: 2...3)).map { _ in "+" + word() }.joined(separator: " ")
    default: return String(word().prefix(random.int(in: 1...2))) + "*"
    }
}

/// A word of the vocabulary's shape that no document holds.
private let absentWord = "qiqiq"

/// Why `top` (10 hits) is not a top 10 of `exact` (a longer exact list), or nil: its scores
/// equal the exact ones rank by rank, and each of its documents is an exact hit of that score.
private func disagreement(_ top: TopDocs, _ exact: TopDocs) -> String? {
    if top.entries.count != min(10, exact.entries.count) {
        return "\(top.entries.count) hits, \(exact.entries.count) exact"
    }
    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, abs(a)) }
    for (rank, hit) in top.entries.enumerated() {
        if !close(hit.score, exact.entries[rank].score) {
            return "rank \(rank + 1) \(hit), exact \(exact.entries[rank])"
        }
        let twin = exact.entries.first { $0.segment == hit.segment && $0.doc == hit.doc }
        if !(twin.map { close($0.score, hit.score) } ?? false) { return "\(hit) is not an exact hit of that score" }
    }
    if Set(top.entries.map { "\($0.segment)/\($0.doc)" }).count != top.entries.count {
        return "a document is listed twice"
    }
    return nil
}

@Suite("Pruned top k against exact evaluation")
struct PruningTwinTests {
    @Test("pruned top 10 equals the exact top 10 on a corpus of full blocks and windows")
    func prunedEqualsExact() throws {
        var prunedQueries = 0
        var cases = 0
        for seed in PruningRun.seeds {
            let directory = NSTemporaryDirectory() + "concord-pruning-\(seed)-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let index = try buildCorpus(seed: seed, in: directory)
            var random = SplitMix64(seed: seed &* 31 &+ 7)
            for _ in 0..<PruningRun.queriesPerSeed {
                let query = randomQuery(&random)
                let plan = try index.plan(query)
                // The exact runs keep longer lists: evaluators add a document's term scores in
                // different orders, so scores that are equal in exact arithmetic may differ in
                // the last bit and such near-ties may swap places or cross the cut at 10.
                let exact = try index.topDocs(plan, count: 30, options: SearchOptions(limit: 30, exactCount: true))
                let pruned = try index.topDocs(plan, count: 10, options: SearchOptions(limit: 10))
                // The general scorer tree (an exclusion of an absent word takes the query off
                // the dedicated term loops) is the slow twin of those loops themselves.
                let treePlan = try index.plan(query + " -" + absentWord)
                let tree = try index.topDocs(treePlan, count: 10, options: SearchOptions(limit: 10, exactCount: true))
                cases += 1
                let context = "seed \(seed), query `\(query)` (replay: CONCORD_SEED=\(seed))"
                #expect(!exact.totalIsLowerBound, "\(context): an exact count is marked as a lower bound")
                #expect(tree.totalHits == exact.totalHits, "\(context): the scorer tree counts \(tree.totalHits)")
                for (name, run) in [("pruned", pruned), ("scorer tree", tree)] {
                    if let problem = disagreement(run, exact) { Issue.record("\(context): \(name): \(problem)") }
                }
                if pruned.totalIsLowerBound {
                    prunedQueries += 1
                    #expect(pruned.totalHits <= exact.totalHits, "\(context): lower bound above the exact count")
                } else {
                    #expect(pruned.totalHits == exact.totalHits, "\(context): total differs from the exact count")
                }
            }
        }
        // The twins must actually differ in work: most queries here are pruned.
        #expect(prunedQueries * 2 > cases, "only \(prunedQueries) of \(cases) queries were pruned")
    }
}
