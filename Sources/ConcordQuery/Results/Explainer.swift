import ConcordIndex

/// Recomputes a hit's score as a tree (DESIGN §4: tf, idf, field length, k1, b per clause)
/// by positioning fresh scorers on the document.
struct Explainer {
    let segment: SegmentReader
    let bm25: BM25
    let bodyNormalization: UnsafePointer<Double>
    let titleNormalization: UnsafePointer<Double>
    let averageBodyLength: Double
    let averageTitleLength: Double

    func explain(_ plan: QueryPlan, doc: UInt32) throws -> Explanation? {
        let builder = ScorerBuilder(
            segment: segment, bm25: bm25, bodyNormalization: bodyNormalization, titleNormalization: titleNormalization)
        switch plan {
        case .term(let term):
            guard let scorer = try builder.termScorer(term), scorer.seek(to: doc) == doc else { return nil }
            return termExplanation(
                display: term.display, tf: Double(scorer.cursor.freq), idf: term.idf, df: term.documentFrequency,
                title: term.field == .title, doc: doc, score: scorer.score())
        case .phrase(let terms, let slop, let idf):
            let scorer = try builder.build(plan)
            guard scorer.seek(to: doc) == doc, let proximity = scorer as? ProximityScorer else { return nil }
            let name = "\"" + terms.map(\.display).joined(separator: " ") + "\"" + (slop > 0 ? "~\(slop)" : "")
            return termExplanation(
                display: "phrase " + name, tf: Double(proximity.frequency), idf: idf, df: nil, title: false, doc: doc,
                score: scorer.score())
        case .near(let spans, let distance, let ordered, let idf):
            let scorer = try builder.build(plan)
            guard scorer.seek(to: doc) == doc, let proximity = scorer as? ProximityScorer else { return nil }
            let operands = spans.map { $0.terms.map(\.display).joined(separator: " ") }.joined(separator: ", ")
            return termExplanation(
                display: (ordered ? "ONEAR/" : "NEAR/") + "\(distance)(\(operands))", tf: Double(proximity.frequency),
                idf: idf, df: nil, title: false, doc: doc, score: scorer.score())
        case .prefix(let text, let terms, _):
            let parts = try terms.compactMap { try explain(.term($0), doc: doc) }
            if parts.isEmpty { return nil }
            return Explanation(
                value: parts.reduce(0) { $0 + $1.value }, summary: "sum of prefix \(text)* forms", details: parts)
        case .boolean(let must, let should, let mustNot, let filter):
            var parts: [Explanation] = []
            for clause in must + should {
                if let part = try explain(clause, doc: doc) { parts.append(part) }
            }
            var notes: [Explanation] = []
            if !filter.isEmpty {
                notes.append(Explanation(value: 0, summary: "filters passed (\(filter.count)), not scored"))
            }
            if !mustNot.isEmpty {
                notes.append(Explanation(value: 0, summary: "excluded clauses absent (\(mustNot.count))"))
            }
            return Explanation(
                value: parts.reduce(0) { $0 + $1.value }, summary: "sum of matching clauses", details: parts + notes)
        case .filter, .matchAll:
            return Explanation(value: 0, summary: "filter match, not scored")
        case .matchNone:
            return nil
        }
    }

    private func termExplanation(
        display: String, tf: Double, idf: Double, df: UInt64?, title: Bool, doc: UInt32, score: Double
    )
        -> Explanation
    {
        let code = title ? segment.titleNorm(doc) : segment.bodyNorm(doc)
        let length = Double(FieldNorm.decode(code))
        let average = title ? averageTitleLength : averageBodyLength
        let normalization = (title ? titleNormalization : bodyNormalization)[Int(code)]
        var idfParts: [Explanation] = []
        if let df { idfParts.append(Explanation(value: Double(df), summary: "n, documents containing the term")) }
        return Explanation(
            value: score, summary: "weight(\(display)) = idf × tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl))",
            details: [
                Explanation(
                    value: idf,
                    summary: "idf = ln(1 + (N − n + 0.5)/(n + 0.5))" + (df == nil ? " (sum over the terms)" : ""),
                    details: idfParts),
                Explanation(
                    value: tf, summary: df == nil ? "tf, matches in the document" : "tf, occurrences in the document"),
                Explanation(value: length, summary: "dl, \(title ? "title" : "body") length (quantized)"),
                Explanation(value: average, summary: "avgdl, average \(title ? "title" : "body") length"),
                Explanation(value: bm25.k1, summary: "k1"), Explanation(value: bm25.b, summary: "b"),
                Explanation(value: normalization, summary: "k1·(1 − b + b·dl/avgdl)"),
            ])
    }
}
