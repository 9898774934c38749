import ConcordIndex
import ConcordQuery

// The reference's evaluation of a compiled query against one analysed document: BM25 as
// DESIGN §4 writes it, and phrase and NEAR frequencies by trying position combinations
// straight from their definitions (ProximityMatcher's documentation), never by its algorithm.

/// Scores one document against a compiled query.
struct ReferenceEvaluator {
    let statistics: ReferenceStatistics
    let bm25: BM25

    /// DESIGN §4: idf · tf·(k1 + 1) / (tf + k1·(1 − b + b·dl/avgdl)), dl quantized by FieldNorm.
    private func score(tf: Int, length: Int, average: Double, idf: Double) -> Double {
        let quantized = Double(FieldNorm.decode(FieldNorm.encode(length)))
        let ratio = average > 0 ? quantized / average : 0
        let normalization = bm25.k1 * (1 - bm25.b + bm25.b * ratio)
        return idf * Double(tf) * (bm25.k1 + 1) / (Double(tf) + normalization)
    }

    /// The score of a body or exact match of frequency `tf`, or nil when `tf` is 0.
    private func bodyScore(tf: Int, _ document: ReferenceAnalysis, idf: Double) -> Double? {
        tf == 0 ? nil : score(tf: tf, length: document.bodyLength, average: statistics.averageBodyLength, idf: idf)
    }

    /// The score of `document`, or nil when it does not match.
    func evaluate(_ query: ReferenceQuery, _ document: ReferenceAnalysis) -> Double? {
        switch query {
        case .term(.body, let key, let idf):
            return bodyScore(tf: document.bodyPositions[key]?.count ?? 0, document, idf: idf)
        case .term(.exact, let key, let idf):
            return bodyScore(tf: document.exactFrequency[key] ?? 0, document, idf: idf)
        case .term(.title, let key, let idf):
            let tf = document.titleFrequency[key] ?? 0
            return tf == 0
                ? nil : score(tf: tf, length: document.titleLength, average: statistics.averageTitleLength, idf: idf)
        case .phrase(let terms, let slop, let idf):
            return bodyScore(tf: phraseFrequency(terms, slop: slop, document), document, idf: idf)
        case .near(let spans, let distance, let ordered, let idf):
            let tf = nearFrequency(spans, distance: distance, ordered: ordered, document)
            return bodyScore(tf: tf, document, idf: idf)
        case .prefix(let forms):
            var total = 0.0
            var matched = false
            for form in forms {
                guard let value = bodyScore(tf: document.exactFrequency[form.surface] ?? 0, document, idf: form.idf)
                else { continue }
                matched = true
                total += value
            }
            return matched ? total : nil
        case .keyword(let field, let value, let isPrefix):
            guard let stored = document.keywords[field] else { return nil }
            let matches = isPrefix ? Array(stored.utf8).starts(with: Array(value.utf8)) : stored == value
            return matches ? 0 : nil
        case .range(let field, let lower, let upper):
            guard let value = document.numbers[field], value >= lower, value <= upper else { return nil }
            return 0
        case .boolean(let must, let should, let mustNot, let filter):
            for clause in filter where evaluate(clause, document) == nil { return nil }
            for clause in mustNot where evaluate(clause, document) != nil { return nil }
            var total = 0.0
            for clause in must {
                guard let value = evaluate(clause, document) else { return nil }
                total += value
            }
            var anyShould = false
            for clause in should {
                if let value = evaluate(clause, document) {
                    anyShould = true
                    total += value
                }
            }
            if must.isEmpty && !should.isEmpty && !anyShould { return nil }
            return total
        case .all:
            return 0
        case .none:
            return nil
        }
    }

    // MARK: Phrases

    /// Number of distinct p₀ starting a match: positions p₀ < p₁ < … in one paragraph with
    /// pᵢ − pᵢ₋₁ ≥ qᵢ − qᵢ₋₁ and (p_last − p₀) − (q_last − q₀) ≤ slop. Found by trying every
    /// combination (pruned only by that last inequality).
    func phraseFrequency(_ terms: [SpanTerm], slop: Int, _ document: ReferenceAnalysis) -> Int {
        let lists = terms.map { document.bodyPositions[$0.stem] ?? [] }
        if lists.contains(where: \.isEmpty) { return 0 }
        let offsets = terms.map(\.offset)
        let span = offsets.last! - offsets[0]
        // Whether p₀ = `start` extends through term `index` onwards, term `index − 1` at `previous`.
        func extends(_ index: Int, previous: Int, start: Int) -> Bool {
            if index == lists.count { return (previous - start) - span <= slop }
            let remaining = offsets.last! - offsets[index]
            for position in lists[index] where position - previous >= offsets[index] - offsets[index - 1] {
                if position + remaining - start - span > slop { break }
                if document.paragraph(of: position) != document.paragraph(of: start) { continue }
                if extends(index + 1, previous: position, start: start) { return true }
            }
            return false
        }
        return lists[0].filter { extends(1, previous: $0, start: $0) }.count
    }

    // MARK: NEAR

    /// An occurrence of a NEAR operand: first and last position, and its paragraph.
    private struct Occurrence {
        var start: Int
        var end: Int
        var paragraph: Int
    }

    /// Exact-phrase occurrences of one operand (every term at start + offset, one paragraph).
    private func occurrences(_ terms: [SpanTerm], _ document: ReferenceAnalysis) -> [Occurrence] {
        let sets = terms.map { Set(document.bodyPositions[$0.stem] ?? []) }
        let length = terms.map(\.offset).max()!
        var result: [Occurrence] = []
        for start in (document.bodyPositions[terms[0].stem] ?? []) {
            let paragraph = document.paragraph(of: start)
            let all = terms.indices.allSatisfy { index in
                let position = start + terms[index].offset - terms[0].offset
                return sets[index].contains(position) && document.paragraph(of: position) == paragraph
            }
            if all { result.append(Occurrence(start: start, end: start + length, paragraph: paragraph)) }
        }
        return result
    }

    /// Occurrences of the first operand that take part in a valid choice: one occurrence per
    /// operand, all in one paragraph, pairwise non-overlapping; sorted by start, at most
    /// `distance` positions between one's end and the next one's start; ordered: the sorted
    /// order is the written order.
    func nearFrequency(_ spans: [[SpanTerm]], distance: Int, ordered: Bool, _ document: ReferenceAnalysis) -> Int {
        let operands = spans.map { occurrences($0, document) }
        if operands.contains(where: \.isEmpty) { return 0 }
        // No valid chain reaches further than this from its first operand (each step spans at
        // most the gap, one operand length and one position); a pure speed-up.
        let longest = operands.flatMap { $0.map { $0.end - $0.start + 1 } }.max()!
        let window = (operands.count - 1) * (distance + longest + 1)
        // Whether the occurrences chosen so far (the anchor first) complete to a valid choice.
        func completes(_ chosen: inout [Occurrence]) -> Bool {
            if chosen.count == operands.count { return isValid(chosen, distance: distance, ordered: ordered) }
            let anchor = chosen[0]
            for candidate in operands[chosen.count] {
                if candidate.paragraph != anchor.paragraph || abs(candidate.start - anchor.start) > window { continue }
                if chosen.contains(where: { $0.start <= candidate.end && candidate.start <= $0.end }) { continue }
                chosen.append(candidate)
                let found = completes(&chosen)
                chosen.removeLast()
                if found { return true }
            }
            return false
        }
        return operands[0].filter { anchor in
            var chosen = [anchor]
            return completes(&chosen)
        }.count
    }

    private func isValid(_ chosen: [Occurrence], distance: Int, ordered: Bool) -> Bool {
        if ordered {
            for index in 1..<chosen.count where chosen[index].start <= chosen[index - 1].start { return false }
        }
        let sorted = chosen.sorted { $0.start < $1.start }
        for index in 1..<sorted.count where sorted[index].start - sorted[index - 1].end - 1 > distance {
            return false
        }
        return true
    }
}
