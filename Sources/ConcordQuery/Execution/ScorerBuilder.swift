import ConcordIndex

/// Builds the scorer tree of a plan for one segment. Terms absent from the segment become
/// empty scorers, so structure stays uniform across segments.
struct ScorerBuilder {
    let segment: SegmentReader
    let bm25: BM25
    let bodyNormalization: UnsafePointer<Double>
    let titleNormalization: UnsafePointer<Double>

    func build(_ plan: QueryPlan) throws -> DocScorer {
        switch plan {
        case .term(let term):
            return try termScorer(term) ?? EmptyScorer()
        case .phrase(let terms, let slop, let idf):
            guard let cursors = try cursors(terms) else { return EmptyScorer() }
            return ProximityScorer(
                cursors: cursors, shape: .phrase(offsets: terms.map(\.offset), slop: slop), idf: idf, bm25: bm25,
                normalization: bodyNormalization, norms: segment.bodyNorms)
        case .near(let spans, let distance, let ordered, let idf):
            let flat = spans.flatMap(\.terms)
            guard let cursors = try cursors(flat) else { return EmptyScorer() }
            var groups: [[(cursor: Int, offset: Int)]] = []
            var index = 0
            for span in spans {
                groups.append(
                    span.terms.map { term in
                        defer { index += 1 }
                        return (index, term.offset)
                    })
            }
            return ProximityScorer(
                cursors: cursors,
                shape: .near(groups: groups, lengths: spans.map(\.length), distance: distance, ordered: ordered),
                idf: idf, bm25: bm25, normalization: bodyNormalization, norms: segment.bodyNorms)
        case .prefix(_, let terms, _):
            let scorers = try terms.compactMap { try termScorer($0) }
            if scorers.isEmpty { return EmptyScorer() }
            return scorers.count == 1 ? scorers[0] : DisjunctionScorer(scorers)
        case .boolean(let must, let should, let mustNot, let filter):
            var required = try (must + filter).map { try build($0) }
            var optional: DocScorer?
            if !should.isEmpty {
                let clauses = try should.map { try build($0) }
                let disjunction = clauses.count == 1 ? clauses[0] : DisjunctionScorer(clauses)
                if must.isEmpty { required.append(disjunction) } else { optional = disjunction }
            }
            var main: DocScorer
            if required.isEmpty {
                main = AllDocsScorer(count: segment.documentCount)
            } else if required.count == 1 {
                main = required[0]
            } else {
                main = ConjunctionScorer(required)
            }
            if let optional { main = OptionalScorer(required: main, optional: optional) }
            if !mustNot.isEmpty {
                let excluded = try mustNot.map { try build($0) }
                main = ExclusionScorer(
                    main: main, excluded: excluded.count == 1 ? excluded[0] : DisjunctionScorer(excluded))
            }
            return main
        case .filter(let filter):
            return try filterScorer(filter)
        case .matchAll:
            return AllDocsScorer(count: segment.documentCount)
        case .matchNone:
            return EmptyScorer()
        }
    }

    func termScorer(_ term: PlannedTerm) throws -> TermScorer? {
        guard let info = try term.info(in: segment) else { return nil }
        let isTitle = term.field == .title
        return TermScorer(
            cursor: segment.cursor(info), idf: term.idf, bm25: bm25,
            normalization: isTitle ? titleNormalization : bodyNormalization,
            norms: isTitle ? segment.titleNorms : segment.bodyNorms)
    }

    private func cursors(_ terms: [PlannedTerm]) throws -> [PostingsCursor]? {
        var result: [PostingsCursor] = []
        for term in terms {
            guard let info = try term.info(in: segment) else { return nil }
            result.append(segment.cursor(info))
        }
        return result
    }

    private func filterScorer(_ filter: PlannedFilter) throws -> DocScorer {
        switch filter {
        case .keyword(_, let key):
            guard let info = try segment.termInfo(key) else { return EmptyScorer() }
            return PostingsFilterScorer(cursor: segment.cursor(info))
        case .keywordPrefix(_, let prefix):
            var scorers: [DocScorer] = []
            try prefix.withUnsafeBytes { bytes in
                try segment.terms.forEach(withPrefix: bytes) { _, info in
                    scorers.append(PostingsFilterScorer(cursor: segment.cursor(info)))
                    return true
                }
            }
            if scorers.isEmpty { return EmptyScorer() }
            return scorers.count == 1 ? scorers[0] : DisjunctionScorer(scorers)
        case .numeric(let field, let lower, let upper):
            return NumericRangeScorer(segment: segment, field: field, lower: lower, upper: upper)
        case .paragraphKind, .paragraphVerb:
            // Checked per hit against the paragraph table (SegmentSearcher).
            return AllDocsScorer(count: segment.documentCount)
        }
    }
}
