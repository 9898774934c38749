import Concord
import ConcordTestSupport
import Foundation
import Testing

// Golden tests of phrase, slop, NEAR and ONEAR at their edges, run through `SearchIndex.search`.
// Every expectation is worked out by hand from the definitions (DESIGN §4 and
// ProximityMatcher's documentation):
// - phrase: in order, pᵢ − pᵢ₋₁ ≥ qᵢ − qᵢ₋₁, (p_last − p₀) − (q_last − q₀) ≤ slop, one
//   paragraph; frequency = number of distinct p₀ starting a match;
// - NEAR/N: one occurrence per operand (an exact phrase), pairwise non-overlapping, one
//   paragraph; sorted by start, start(k+1) − end(k) − 1 ≤ N; ONEAR: sorted order = written
//   order; frequency = occurrences of the first operand taking part in a valid choice.
// Positions are written beside each document (one per word; a paragraph boundary adds
// `IndexLimits.paragraphGap`, more than the largest slop or distance).

/// A small index of hand-written documents; `frequencies(_:)` answers id → matched frequency.
private final class GoldenIndex {
    let directory: String
    let index: SearchIndex

    /// `documents` are (id, paragraphs).
    init(_ documents: [(id: String, paragraphs: [String])]) throws {
        directory = NSTemporaryDirectory() + "concord-golden-\(UUID().uuidString)"
        let writer = try IndexWriter(directory: directory)
        for (id, paragraphs) in documents {
            try writer.add(ReferenceDocument(id: id, title: "", paragraphs: paragraphs).indexDocument)
        }
        try writer.commit()
        writer.close()
        index = try SearchIndex(path: directory)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Matching ids with the tf of their explanation (the phrase or NEAR frequency).
    func frequencies(_ query: String) throws -> [String: Int] {
        let result = try index.search(query, options: SearchOptions(limit: 100, exactCount: true, explain: true))
        var answer: [String: Int] = [:]
        for hit in result.hits {
            answer[hit.id] = hit.explanation.flatMap(Self.tf) ?? -1
        }
        return answer
    }

    private static func tf(_ explanation: Explanation) -> Int? {
        if explanation.summary.hasPrefix("tf") { return Int(explanation.value) }
        for detail in explanation.details {
            if let value = tf(detail) { return value }
        }
        return nil
    }
}

/// A query and the expected id → frequency of every matching document.
struct GoldenCase: Sendable, CustomTestStringConvertible {
    let query: String
    let expected: [String: Int]
    var testDescription: String { query }

    init(_ query: String, _ expected: [String: Int]) {
        self.query = query
        self.expected = expected
    }
}

// MARK: - Phrases

private let phraseDocuments: [(id: String, paragraphs: [String])] = [
    // the@0 right@1 to@2 development@3 is@4 a@5 right@6
    ("rtd", ["the right to development is a right"]),
    // rights@0 to@1 developing@2 (stems right, to, develop)
    ("stemmed", ["rights to developing"]),
    // right@0 to@1 the@2 development@3
    ("gap1", ["right to the development"]),
    // development@0 to@1 right@2
    ("reversed", ["development to right"]),
    // peace@0 peace@1 peace@2 peace@3
    ("peace4", ["peace peace peace peace"]),
    // human@0 rights@1 human@2 rights@3
    ("overlap", ["human rights human rights"]),
    // human@0 dignity@1 and@2 rights@3
    ("dignity", ["human dignity and rights"]),
    // rights@0 of@1 human@2
    ("backwards", ["rights of human"]),
    // P1: the@0 human@1 ; P2: rights@66 matter@67 (with the gap of 64)
    ("paragraphs", ["the human", "rights matter"]),
    // peace@0 and@1 peace@2 and@3 security@4
    ("security", ["peace and peace and security"]),
    // self@0 determination@1 (whole self-determination@0) of@2 peoples@3
    ("compound", ["self-determination of peoples"]),
    // a@0 right@1 to@2 development@3
    ("article", ["a right to development"]),
]

private let phraseCases: [GoldenCase] = [
    // Stop words inside an exact phrase must match (DESIGN §3).
    GoldenCase("\"the right to development\"", ["rtd": 1]),
    GoldenCase("\"right to development\"", ["rtd": 1, "stemmed": 1, "article": 1]),
    // One extra position (`the`) needs slop 1; order still matters.
    GoldenCase("\"right to development\"~1", ["rtd": 1, "stemmed": 1, "gap1": 1, "article": 1]),
    // Repeated terms: starts 0, 1, 2 for two words; 0, 1 for three.
    GoldenCase("\"peace peace\"", ["peace4": 3]),
    GoldenCase("\"peace peace peace\"", ["peace4": 2]),
    GoldenCase("\"peace peace peace peace peace\"", [:]),
    // Overlapping occurrences: `human rights human` starts only at 0; `rights human` at 1.
    GoldenCase("\"human rights human\"", ["overlap": 1]),
    GoldenCase("\"rights human\"", ["overlap": 1]),
    GoldenCase("\"human rights\"", ["overlap": 2]),
    // human@0 … rights@3: two extra positions. Slop 1 is one short, slop 2 is exactly enough.
    GoldenCase("\"human rights\"~1", ["overlap": 2]),
    GoldenCase("\"human rights\"~2", ["overlap": 2, "dignity": 1]),
    // A sloppy phrase stays in order: `rights of human` never matches `human rights`.
    GoldenCase("\"human rights\"~5", ["overlap": 2, "dignity": 1]),
    // Never across paragraphs, whatever the slop (the gap is larger than the maximum slop).
    GoldenCase("\"human rights\"~\(IndexLimits.maxProximity)", ["overlap": 2, "dignity": 1]),
    GoldenCase("\"the human\"", ["paragraphs": 1]),
    // peace@0, peace@2, security@4: from 0 the extra is 3, from 2 it is 1.
    GoldenCase("\"peace security\"~1", ["security": 1]),
    GoldenCase("\"peace security\"~2", ["security": 1]),
    GoldenCase("\"peace security\"~3", ["security": 2]),
    // A compound in a phrase is matched by its parts.
    GoldenCase("\"self-determination of peoples\"", ["compound": 1]),
    GoldenCase("\"determination of\"", ["compound": 1]),
]

// MARK: - NEAR and ONEAR

private let nearDocuments: [(id: String, paragraphs: [String])] = [
    // cooperation@0 alpha@1 beta@2 gamma@3 dialogue@4: 3 positions between.
    ("forward", ["cooperation alpha beta gamma dialogue"]),
    // dialogue@0 alpha beta gamma cooperation@4
    ("backward", ["dialogue alpha beta gamma cooperation"]),
    // human@0 rights@1
    ("adjacent", ["human rights"]),
    // rights@0 human@1
    ("swapped", ["rights human"]),
    // peace@0
    ("onepeace", ["peace"]),
    // peace@0 alpha@1 peace@2
    ("twopeace", ["peace alpha peace"]),
    // human@0 rights@1 and@2 the@3 council@4
    ("council", ["human rights and the council"]),
    // human@0 rights@1 rights@2
    ("rights2", ["human rights rights"]),
    // P1: cooperation@0 ; P2: dialogue@65
    ("split", ["cooperation", "dialogue"]),
    // water@0 alpha@1 food@2 beta@3 water@4
    ("wfw", ["water alpha food beta water"]),
    // water@0 alpha@1 food@2 beta@3 gamma@4 climate@5
    ("chain", ["water alpha food beta gamma climate"]),
    // water@0 alpha@1 climate@2 beta@3 food@4
    ("middle", ["water alpha climate beta food"]),
    // cooperation@0 then ten fillers then dialogue@11: 10 positions between.
    ("ten", ["cooperation a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 dialogue"]),
    // cooperation@0 then eleven fillers then dialogue@12: 11 positions between.
    ("eleven", ["cooperation a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 dialogue"]),
]

private let nearCases: [GoldenCase] = [
    // Window exactly N matches, N − 1 does not; NEAR ignores order, ONEAR does not.
    GoldenCase("NEAR/3(cooperation dialogue)", ["forward": 1, "backward": 1]),
    GoldenCase("NEAR/2(cooperation dialogue)", [:]),
    GoldenCase("ONEAR/3(cooperation dialogue)", ["forward": 1]),
    GoldenCase("ONEAR/3(dialogue cooperation)", ["backward": 1]),
    // Adjacent words have 0 positions between them.
    GoldenCase("NEAR/0(human rights)", ["adjacent": 1, "swapped": 1, "council": 1, "rights2": 1]),
    GoldenCase("ONEAR/0(human rights)", ["adjacent": 1, "council": 1, "rights2": 1]),
    GoldenCase("ONEAR/0(rights human)", ["swapped": 1]),
    // Operands may not share an occurrence: one `peace` is not two.
    GoldenCase("NEAR/5(peace peace)", ["twopeace": 2]),
    GoldenCase("ONEAR/5(peace peace)", ["twopeace": 1]),
    // The gap is measured from the end of a phrase operand: rights@1 … council@4 is 2.
    GoldenCase("NEAR/2(\"human rights\" council)", ["council": 1]),
    GoldenCase("NEAR/1(\"human rights\" council)", [:]),
    GoldenCase("NEAR/2(council \"human rights\")", ["council": 1]),
    // A word overlapping a phrase operand does not count: rights@1 is inside `human rights`.
    GoldenCase("NEAR/3(\"human rights\" rights)", ["rights2": 1]),
    // Never across paragraphs, whatever the distance.
    GoldenCase(
        "NEAR/\(IndexLimits.maxProximity)(cooperation dialogue)", ["forward": 1, "backward": 1, "ten": 1, "eleven": 1]
    ),
    // Frequency counts occurrences of the first operand: both waters of `wfw` reach its food,
    // in any order; in order, only the first one does.
    GoldenCase("NEAR/1(water food)", ["wfw": 2, "chain": 1]),
    GoldenCase("ONEAR/1(water food)", ["wfw": 1, "chain": 1]),
    GoldenCase("ONEAR/1(food water)", ["wfw": 1]),
    // Gaps are between neighbours: water@0 food@2 climate@5 has gaps 1 and 2.
    GoldenCase("NEAR/1(water food climate)", ["middle": 1]),
    GoldenCase("NEAR/2(water food climate)", ["chain": 1, "middle": 1]),
    // Sorted order decides the neighbours; ONEAR demands the written order.
    GoldenCase("ONEAR/1(water climate food)", ["middle": 1]),
    GoldenCase("ONEAR/2(water food climate)", ["chain": 1]),
    // NEAR without /N is NEAR/10: ten positions between match, eleven do not.
    GoldenCase("NEAR(cooperation dialogue)", ["forward": 1, "backward": 1, "ten": 1]),
    GoldenCase("NEAR/11(cooperation dialogue)", ["forward": 1, "backward": 1, "ten": 1, "eleven": 1]),
]

@Suite("Golden: phrase, slop, NEAR and ONEAR at their edges")
struct ProximityGoldenTests {
    @Test("phrases and slop", arguments: phraseCases)
    func phrases(_ golden: GoldenCase) throws {
        let index = try GoldenIndex(phraseDocuments)
        #expect(try index.frequencies(golden.query) == golden.expected)
    }

    @Test("NEAR and ONEAR", arguments: nearCases)
    func near(_ golden: GoldenCase) throws {
        let index = try GoldenIndex(nearDocuments)
        #expect(try index.frequencies(golden.query) == golden.expected)
    }

    /// ONEAR over three operands: and@0 the@1 the@2 alpha@3 that@4. The only chain is
    /// and@0, the@2, that@4 (gaps 1 and 1); taking the earliest `the` (@1) leaves a gap of 2.
    @Test("ONEAR chains need not take the earliest next occurrence")
    func orderedChainIsNotGreedy() throws {
        let index = try GoldenIndex([("chain", ["and the the alpha that"])])
        let ordered = try index.frequencies("ONEAR/1(and the that)")
        #expect(ordered == ["chain": 1])

        // The unordered search is exhaustive and finds the chain.
        #expect(try index.frequencies("NEAR/1(and the that)") == ["chain": 1])
    }
}
