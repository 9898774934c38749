import ConcordIndex
import ConcordText

/// Finds which tokens of a stored document a query matched, by re-analyzing its paragraphs
/// (only for hits that are shown or paragraph-filtered, never in the scoring loop). Uses
/// the same position rules as the index, so the marked tokens are exactly the matched ones.
struct Highlighter {
    struct Token {
        var position: UInt32
        var stem: String
        var surface: String
        var isWhole: Bool
        var paragraph: Int
        var start: Int
        var end: Int
    }

    /// Tokens of the document and which of them matched.
    struct Result {
        var tokens: [Token]
        var marked: Set<Int>

        /// Paragraph indices holding marked tokens, with their counts.
        var paragraphCounts: [Int: Int] {
            var counts: [Int: Int] = [:]
            for index in marked { counts[tokens[index].paragraph, default: 0] += 1 }
            return counts
        }
    }

    private var analyzer = Analyzer(stemming: true)

    mutating func analyze(_ plan: QueryPlan, document: StoredDocument) -> Result {
        var tokens: [Token] = []
        for (index, paragraph) in document.paragraphs.enumerated() {
            for token in analyzer.tokens(paragraph.text, firstPosition: Int(paragraph.firstPosition)) {
                tokens.append(
                    Token(
                        position: UInt32(token.position), stem: token.stem, surface: token.surface,
                        isWhole: token.isWhole,
                        paragraph: index, start: token.start, end: token.end))
            }
        }
        var byStem: [String: [Int]] = [:]
        var bySurface: [String: [Int]] = [:]
        for (index, token) in tokens.enumerated() {
            byStem[token.stem, default: []].append(index)
            bySurface[token.surface, default: []].append(index)
        }
        var marked = Set<Int>()
        mark(plan, tokens: tokens, byStem: byStem, bySurface: bySurface, into: &marked)
        return Result(tokens: tokens, marked: marked)
    }

    private func text(of term: PlannedTerm) -> String {
        String(decoding: term.key.dropFirst(), as: UTF8.self)
    }

    private func mark(
        _ plan: QueryPlan, tokens: [Token], byStem: [String: [Int]], bySurface: [String: [Int]],
        into marked: inout Set<Int>
    ) {
        switch plan {
        case .term(let term):
            switch term.field {
            case .body: marked.formUnion(byStem[text(of: term)] ?? [])
            case .exact: marked.formUnion(bySurface[text(of: term)] ?? [])
            case .title: break
            }
        case .prefix(_, let terms, _):
            for term in terms { marked.formUnion(bySurface[text(of: term)] ?? []) }
        case .phrase(let terms, let slop, _):
            let indices = terms.map { partIndices(byStem[text(of: $0)] ?? [], tokens) }
            let lists = indices.map { $0.map { tokens[$0].position } }
            let offsets = terms.map(\.offset)
            for start in ProximityMatcher.phraseStarts(lists, offsets: offsets, slop: slop) {
                for position in ProximityMatcher.phraseChain(lists, offsets: offsets, start: start) {
                    for (i, list) in lists.enumerated() {
                        if let k = list.firstIndex(of: position) { marked.insert(indices[i][k]) }
                    }
                }
            }
        case .near(let spans, let distance, let ordered, _):
            var operandTokens: [[Int]] = []
            var operands: [[(UInt32, UInt32)]] = []
            for span in spans {
                let indices = span.terms.map { partIndices(byStem[text(of: $0)] ?? [], tokens) }
                let lists = indices.map { $0.map { tokens[$0].position } }
                operands.append(
                    ProximityMatcher.spanOccurrences(lists, offsets: span.terms.map(\.offset), length: span.length))
                operandTokens.append(indices.flatMap { $0 })
            }
            for configuration in ProximityMatcher.nearConfigurations(operands, distance: distance, ordered: ordered) {
                for (j, occurrence) in configuration.enumerated() {
                    for index in operandTokens[j]
                    where tokens[index].position >= occurrence.0 && tokens[index].position <= occurrence.1 {
                        marked.insert(index)
                    }
                }
            }
        case .boolean(let must, let should, _, _):
            for clause in must + should {
                mark(clause, tokens: tokens, byStem: byStem, bySurface: bySurface, into: &marked)
            }
        case .filter, .matchAll, .matchNone:
            break
        }
    }

    private func partIndices(_ indices: [Int], _ tokens: [Token]) -> [Int] {
        indices.filter { !tokens[$0].isWhole }
    }
}

extension ProximityMatcher {
    /// The positions the greedy earliest continuation picks for a phrase match starting at `start`.
    static func phraseChain(_ lists: [[UInt32]], offsets: [Int], start: UInt32) -> [UInt32] {
        var chain = [start]
        var previous = Int(start)
        for i in 1..<lists.count {
            let minimum = previous + (offsets[i] - offsets[i - 1])
            guard let next = lists[i].first(where: { Int($0) >= minimum }) else { break }
            chain.append(next)
            previous = Int(next)
        }
        return chain
    }

    /// For each matched occurrence of operand 0, one valid choice of occurrences (in operand order).
    static func nearConfigurations(_ operands: [[(UInt32, UInt32)]], distance: Int, ordered: Bool) -> [[(
        UInt32, UInt32
    )]] {
        var result: [[(UInt32, UInt32)]] = []
        for first in nearMatches(operands, distance: distance, ordered: ordered) {
            var chosen = [first]
            if findConfiguration(operands, index: 1, chosen: &chosen, distance: distance, ordered: ordered) {
                result.append(chosen)
            }
        }
        return result
    }

    private static func findConfiguration(
        _ operands: [[(UInt32, UInt32)]], index: Int, chosen: inout [(UInt32, UInt32)], distance: Int, ordered: Bool
    ) -> Bool {
        if index == operands.count {
            let sorted = chosen.sorted { $0.0 < $1.0 }
            if ordered && !zip(sorted, chosen).allSatisfy({ $0.0 == $1.0 }) { return false }
            for i in 1..<sorted.count where Int(sorted[i].0) - Int(sorted[i - 1].1) - 1 > distance { return false }
            return true
        }
        let window = (operands.count - 1) * (distance + 64)
        for candidate in operands[index]
        where abs(Int(candidate.0) - Int(chosen[0].0)) <= window
            && !chosen.contains(where: { $0.0 <= candidate.1 && candidate.0 <= $0.1 })
        {
            chosen.append(candidate)
            if findConfiguration(operands, index: index + 1, chosen: &chosen, distance: distance, ordered: ordered) {
                return true
            }
            chosen.removeLast()
        }
        return false
    }
}
