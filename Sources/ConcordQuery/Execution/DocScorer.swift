import ConcordIndex

/// A document iterator that can score its current document: the seam between query
/// structure and the postings codec. Contract (as `PostingsCursor`): `doc` starts on the
/// first match (or `terminated`), `advance()` moves to the next match, `seek(to:)` to the
/// first match ≥ target (target ≥ `doc`); `score()` is valid on a matched document.
/// Classes with dynamic dispatch: trees are built per query; the hottest shapes (single
/// terms, disjunctions of terms) also have dedicated loops in `SegmentSearcher`.
class DocScorer {
    /// Current document or `PostingsCursor.terminated`.
    var doc: UInt32 = 0
    /// Estimated number of matches (for ordering conjunctions).
    var cost: Int { 0 }
    /// Moves to the next match.
    @discardableResult func advance() -> UInt32 { fatalError("abstract") }
    /// Moves to the first match ≥ target.
    @discardableResult func seek(to target: UInt32) -> UInt32 {
        while doc < target { advance() }
        return doc
    }
    /// Score of the current document.
    func score() -> Double { 0 }
    /// Whether any postings read so far were corrupt.
    var isCorrupt: Bool { false }
}

let terminated = PostingsCursor.terminated

/// A body, exact or title term: BM25 over its postings.
final class TermScorer: DocScorer {
    let cursor: PostingsCursor
    let idf: Double
    let bm25: BM25
    let normalization: UnsafePointer<Double>
    let norms: UnsafeRawBufferPointer

    init(
        cursor: PostingsCursor, idf: Double, bm25: BM25, normalization: UnsafePointer<Double>,
        norms: UnsafeRawBufferPointer
    ) {
        self.cursor = cursor
        self.idf = idf
        self.bm25 = bm25
        self.normalization = normalization
        self.norms = norms
        super.init()
        doc = cursor.doc
    }

    override var cost: Int { Int(cursor.info.docFreq) }
    override func advance() -> UInt32 {
        doc = cursor.advance()
        return doc
    }
    override func seek(to target: UInt32) -> UInt32 {
        doc = cursor.seek(to: target)
        return doc
    }
    override func score() -> Double {
        let tf = Double(cursor.freq)
        return bm25.score(tf: tf, normalization: normalization[Int(norms[Int(doc)])], idf: idf)
    }
    override var isCorrupt: Bool { cursor.isCorrupt }
}

/// Documents of a postings list, unscored (keyword filters).
final class PostingsFilterScorer: DocScorer {
    let cursor: PostingsCursor
    init(cursor: PostingsCursor) {
        self.cursor = cursor
        super.init()
        doc = cursor.doc
    }
    override var cost: Int { Int(cursor.info.docFreq) }
    override func advance() -> UInt32 {
        doc = cursor.advance()
        return doc
    }
    override func seek(to target: UInt32) -> UInt32 {
        doc = cursor.seek(to: target)
        return doc
    }
    override var isCorrupt: Bool { cursor.isCorrupt }
}

/// Every document of the segment, unscored.
final class AllDocsScorer: DocScorer {
    let count: UInt32
    init(count: UInt32) {
        self.count = count
        super.init()
        doc = count == 0 ? terminated : 0
    }
    override var cost: Int { Int(count) }
    override func advance() -> UInt32 {
        doc = doc + 1 < count ? doc + 1 : terminated
        return doc
    }
    override func seek(to target: UInt32) -> UInt32 {
        doc = target < count ? max(doc, target) : terminated
        return doc
    }
}

/// No document.
final class EmptyScorer: DocScorer {
    override init() {
        super.init()
        doc = terminated
    }
    override func advance() -> UInt32 { terminated }
    override func seek(to target: UInt32) -> UInt32 { terminated }
}

/// Documents whose numeric field lies in a range (a scan of one column, unscored).
final class NumericRangeScorer: DocScorer {
    let segment: SegmentReader
    let field: String
    let lower: Int64
    let upper: Int64
    init(segment: SegmentReader, field: String, lower: Int64, upper: Int64) {
        self.segment = segment
        self.field = field
        self.lower = lower
        self.upper = upper
        super.init()
        doc = 0
        doc = scan(from: 0)
    }
    private func scan(from start: UInt32) -> UInt32 {
        var candidate = start
        while candidate < segment.documentCount {
            if let value = segment.number(field, doc: candidate), value >= lower, value <= upper { return candidate }
            candidate += 1
        }
        return terminated
    }
    override var cost: Int { Int(segment.documentCount) }
    override func advance() -> UInt32 {
        doc = doc == terminated ? terminated : scan(from: doc + 1)
        return doc
    }
    override func seek(to target: UInt32) -> UInt32 {
        if doc >= target { return doc }
        doc = scan(from: target)
        return doc
    }
}

/// All clauses match (leapfrog by seek, cheapest first); score = sum.
final class ConjunctionScorer: DocScorer {
    let clauses: [DocScorer]
    init(_ clauses: [DocScorer]) {
        self.clauses = clauses.sorted { $0.cost < $1.cost }
        super.init()
        doc = align(self.clauses[0].doc)
    }
    override var cost: Int { clauses[0].cost }
    private func align(_ start: UInt32) -> UInt32 {
        var target = start
        outer: while target != terminated {
            for clause in clauses {
                let found = clause.seek(to: target)
                if found != target {
                    target = found
                    continue outer
                }
            }
            return target
        }
        return terminated
    }
    override func advance() -> UInt32 {
        doc = align(clauses[0].advance())
        return doc
    }
    override func seek(to target: UInt32) -> UInt32 {
        if doc >= target { return doc }
        doc = align(clauses[0].seek(to: target))
        return doc
    }
    override func score() -> Double {
        var total = 0.0
        for clause in clauses { total += clause.score() }
        return total
    }
    override var isCorrupt: Bool { clauses.contains { $0.isCorrupt } }
}

/// At least one clause matches; score = sum of the matching ones.
final class DisjunctionScorer: DocScorer {
    let clauses: [DocScorer]
    init(_ clauses: [DocScorer]) {
        self.clauses = clauses
        super.init()
        doc = clauses.reduce(terminated) { min($0, $1.doc) }
    }
    override var cost: Int { clauses.reduce(0) { $0 + $1.cost } }
    override func advance() -> UInt32 {
        let current = doc
        var next = terminated
        for clause in clauses {
            if clause.doc == current { clause.advance() }
            next = min(next, clause.doc)
        }
        doc = next
        return doc
    }
    override func seek(to target: UInt32) -> UInt32 {
        if doc >= target { return doc }
        var next = terminated
        for clause in clauses {
            if clause.doc < target { clause.seek(to: target) }
            next = min(next, clause.doc)
        }
        doc = next
        return doc
    }
    override func score() -> Double {
        var total = 0.0
        for clause in clauses where clause.doc == doc { total += clause.score() }
        return total
    }
    override var isCorrupt: Bool { clauses.contains { $0.isCorrupt } }
}

/// Matches of `main` that `excluded` does not match.
final class ExclusionScorer: DocScorer {
    let main: DocScorer
    let excluded: DocScorer
    init(main: DocScorer, excluded: DocScorer) {
        self.main = main
        self.excluded = excluded
        super.init()
        doc = skipExcluded(main.doc)
    }
    override var cost: Int { main.cost }
    private func skipExcluded(_ start: UInt32) -> UInt32 {
        var candidate = start
        while candidate != terminated {
            if excluded.seek(to: candidate) != candidate { return candidate }
            candidate = main.advance()
        }
        return terminated
    }
    override func advance() -> UInt32 {
        doc = skipExcluded(main.advance())
        return doc
    }
    override func seek(to target: UInt32) -> UInt32 {
        if doc >= target { return doc }
        doc = skipExcluded(main.seek(to: target))
        return doc
    }
    override func score() -> Double { main.score() }
    override var isCorrupt: Bool { main.isCorrupt || excluded.isCorrupt }
}

/// Matches of `required`, plus the score of `optional` where it matches too.
final class OptionalScorer: DocScorer {
    let required: DocScorer
    let optional: DocScorer
    init(required: DocScorer, optional: DocScorer) {
        self.required = required
        self.optional = optional
        super.init()
        doc = required.doc
    }
    override var cost: Int { required.cost }
    override func advance() -> UInt32 {
        doc = required.advance()
        return doc
    }
    override func seek(to target: UInt32) -> UInt32 {
        doc = required.seek(to: target)
        return doc
    }
    override func score() -> Double {
        var total = required.score()
        if optional.doc < doc { optional.seek(to: doc) }
        if optional.doc == doc { total += optional.score() }
        return total
    }
    override var isCorrupt: Bool { required.isCorrupt || optional.isCorrupt }
}
