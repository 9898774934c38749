import ConcordIndex
import ConcordText

/// How to run a query.
public struct SearchOptions: Sendable {
    /// Hits per page.
    public var limit: Int
    /// Hits to skip (paging).
    public var offset: Int
    /// Operator between adjacent clauses.
    public var defaultOperator: DefaultOperator
    /// Count every match exactly (otherwise pruning may leave the total a lower bound).
    public var exactCount: Bool
    /// Attach a score explanation to each hit.
    public var explain: Bool
    /// Scoring parameters.
    public var bm25: BM25
    /// Polled while a query runs (every few thousand documents and between segments); when it
    /// returns true the query stops with `SearchCancelled` (the REPL's Ctrl-C).
    public var isCancelled: (@Sendable () -> Bool)?

    /// Defaults: 10 hits, OR, pruned counting, no explanations, k1 1.2 b 0.75.
    public init(
        limit: Int = 10, offset: Int = 0, defaultOperator: DefaultOperator = .or, exactCount: Bool = false,
        explain: Bool = false, bm25: BM25 = BM25()
    ) {
        self.limit = limit
        self.offset = offset
        self.defaultOperator = defaultOperator
        self.exactCount = exactCount
        self.explain = explain
        self.bm25 = bm25
    }
}

/// Thrown when `SearchOptions.isCancelled` asked a running query to stop.
public struct SearchCancelled: Error, CustomStringConvertible {
    /// Creates the error.
    public init() {}

    /// One line for the user.
    public var description: String { "query interrupted" }
}

/// The best documents of a query, before hit assembly.
public struct TopDocs: Sendable {
    /// (segment, local doc, score), best first.
    public var entries: [(segment: Int, doc: UInt32, score: Double)]
    /// Matching documents counted.
    public var totalHits: Int
    /// Whether `totalHits` is only a lower bound.
    public var totalIsLowerBound: Bool
}

/// Runs queries against one snapshot. Not thread-safe; make one per thread (cheap).
public final class Searcher {
    /// The snapshot searched.
    public let snapshot: IndexSnapshot
    private var highlighter = Highlighter()
    private var caches: [Double: (body: UnsafeMutablePointer<Double>, title: UnsafeMutablePointer<Double>)] = [:]
    private var cachedBM25 = BM25()

    /// A searcher over `snapshot`.
    public init(snapshot: IndexSnapshot) {
        self.snapshot = snapshot
    }

    deinit {
        for (body, title) in caches.values {
            body.deallocate()
            title.deallocate()
        }
    }

    /// Parses and plans `text` (syntax errors throw `QuerySyntaxError`, others `QueryPlanError`).
    public func plan(_ text: String, options: SearchOptions) throws -> (QueryPlan, notices: [String]) {
        let parsed = try QueryParser(defaultOperator: options.defaultOperator).parse(text)
        var planner = QueryPlanner(snapshot: snapshot, bm25: options.bm25)
        let plan = try planner.plan(parsed.root)
        return (plan, planner.notices)
    }

    /// Parses, plans, executes and assembles the hits of one query.
    public func search(_ text: String, options: SearchOptions = SearchOptions()) throws -> SearchResult {
        let started = MonotonicClock.now()
        let (plan, notices) = try self.plan(text, options: options)
        let top = try topDocs(plan, count: options.offset + options.limit, options: options)
        var hits: [SearchHit] = []
        for entry in top.entries.dropFirst(options.offset) {
            hits.append(try assembleHit(entry, plan: plan, options: options))
        }
        return SearchResult(
            query: text, hits: hits, totalHits: top.totalHits, totalIsLowerBound: top.totalIsLowerBound,
            tookMilliseconds: MonotonicClock.milliseconds(since: started), notices: notices)
    }

    /// Length normalisations for the current BM25 parameters (cached per snapshot).
    private func normalizations(_ bm25: BM25) -> (body: UnsafePointer<Double>, title: UnsafePointer<Double>) {
        let key = bm25.k1 * 1000 + bm25.b
        if let cached = caches[key] { return (UnsafePointer(cached.body), UnsafePointer(cached.title)) }
        let body = UnsafeMutablePointer<Double>.allocate(capacity: 256)
        let title = UnsafeMutablePointer<Double>.allocate(capacity: 256)
        for (i, value) in bm25.normCache(averageLength: snapshot.averageBodyLength).enumerated() { body[i] = value }
        for (i, value) in bm25.normCache(averageLength: snapshot.averageTitleLength).enumerated() { title[i] = value }
        caches[key] = (body, title)
        return (UnsafePointer(body), UnsafePointer(title))
    }

    /// The `count` best documents of `plan` over all segments, with the total.
    public func topDocs(_ plan: QueryPlan, count: Int, options: SearchOptions) throws -> TopDocs {
        let (body, title) = normalizations(options.bm25)
        var collector = TopCollector(capacity: max(count, 0))
        var total = 0
        let constraint = ParagraphConstraint(plan)
        if let shape = TermShape(plan) {
            var pruned = false
            for (index, segment) in snapshot.segments.enumerated() {
                if options.isCancelled?() == true { throw SearchCancelled() }
                let evaluator = TermEvaluator(
                    segment: segment, segmentIndex: index, base: snapshot.segmentBases[index],
                    exactCount: options.exactCount)
                let terms = try TermEvaluator.terms(
                    shape.terms, segment: segment, bm25: options.bm25, body: body, title: title)
                let result: (count: Int, pruned: Bool)
                if shape.isConjunction {
                    if terms.count < shape.terms.count { continue }
                    result = evaluator.conjunction(terms, collector: &collector)
                } else {
                    result = evaluator.disjunction(terms, collector: &collector)
                }
                total += result.count
                pruned = pruned || result.pruned
                if let corrupt = terms.first(where: { $0.cursor.isCorrupt }) {
                    _ = corrupt
                    throw IndexCorruption(
                        file: segment.fileNames[1], offset: nil,
                        reason: "postings are inconsistent (run `concord check` and rebuild the index)")
                }
            }
            return TopDocs(entries: collector.sorted(), totalHits: total, totalIsLowerBound: pruned)
        }
        let thresholdBox = UnsafeMutablePointer<Double>.allocate(capacity: 1)
        defer { thresholdBox.deallocate() }
        var proximityPruned = false
        for (index, segment) in snapshot.segments.enumerated() {
            let builder = ScorerBuilder(
                segment: segment, bm25: options.bm25, bodyNormalization: body, titleNormalization: title)
            thresholdBox.pointee = collector.threshold
            let scorer = try builder.build(plan)
            let proximity = options.exactCount || !constraint.isEmpty ? nil : scorer as? ProximityScorer
            // A lone phrase or NEAR skips candidates that cannot enter the top k (before reading
            // positions); the threshold must be current before the first candidate too.
            proximity?.threshold = UnsafePointer(thresholdBox)
            let base = snapshot.segmentBases[index]
            var visited = 0
            while scorer.doc != terminated {
                let doc = scorer.doc
                visited &+= 1
                if visited & 4095 == 0, options.isCancelled?() == true { throw SearchCancelled() }
                if !segment.isDeleted(doc) {
                    let allowed = try constraint.isEmpty || accepts(constraint, plan: plan, segment: segment, doc: doc)
                    if allowed {
                        total += 1
                        collector.offer(score: scorer.score(), global: base + UInt64(doc), segment: index, doc: doc)
                        thresholdBox.pointee = collector.threshold
                    }
                }
                scorer.advance()
            }
            proximityPruned = proximityPruned || (proximity?.pruned ?? false)
            if scorer.isCorrupt {
                throw IndexCorruption(
                    file: segment.fileNames[1], offset: nil,
                    reason: "postings are inconsistent (run `concord check` and rebuild the index)")
            }
        }
        return TopDocs(entries: collector.sorted(), totalHits: total, totalIsLowerBound: proximityPruned)
    }

    private func accepts(_ constraint: ParagraphConstraint, plan: QueryPlan, segment: SegmentReader, doc: UInt32) throws
        -> Bool
    {
        let stored = try segment.document(doc, includeText: true)
        let result = highlighter.analyze(plan, document: stored)
        let candidates: [Int] =
            result.marked.isEmpty ? Array(stored.paragraphs.indices) : Array(result.paragraphCounts.keys)
        return candidates.contains { constraint.allows(stored.paragraphs[$0]) }
    }

    private func assembleHit(
        _ entry: (segment: Int, doc: UInt32, score: Double), plan: QueryPlan, options: SearchOptions
    )
        throws -> SearchHit
    {
        let segment = snapshot.segments[entry.segment]
        let stored = try segment.document(entry.doc, includeText: true)
        let result = highlighter.analyze(plan, document: stored)
        let counts = result.paragraphCounts
        let constraint = ParagraphConstraint(plan)
        let eligible = counts.keys.filter { constraint.isEmpty || constraint.allows(stored.paragraphs[$0]) }.sorted()
        let best = eligible.max { a, b in counts[a]! != counts[b]! ? counts[a]! < counts[b]! : a > b }
        var snippet = ""
        var highlights: [Range<Int>] = []
        var byteHighlights: [Range<Int>] = []
        var sourceHighlights: [Range<Int>] = []
        let fallback = stored.paragraphs.firstIndex { $0.kind != 0 } ?? 0
        let paragraphIndex: Int = best ?? fallback
        if paragraphIndex < stored.paragraphs.count {
            let paragraph = stored.paragraphs[paragraphIndex]
            let spans = result.marked.filter { result.tokens[$0].paragraph == paragraphIndex }
                .map { result.tokens[$0].start..<result.tokens[$0].end }
            let window = Snippet.make(text: paragraph.text, spans: spans)
            snippet = window.text
            highlights = window.scalarHighlights
            byteHighlights = window.byteHighlights
            for span in spans.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                if let start = sourceOffset(paragraph, span.lowerBound),
                    let end = sourceOffset(paragraph, span.upperBound - 1)
                {
                    sourceHighlights.append(start..<(end + 1))
                }
            }
        }
        var explanation: Explanation?
        if options.explain {
            let (body, title) = normalizations(options.bm25)
            explanation = try Explainer(
                segment: segment, bm25: options.bm25, bodyNormalization: body, titleNormalization: title,
                averageBodyLength: snapshot.averageBodyLength, averageTitleLength: snapshot.averageTitleLength
            ).explain(plan, doc: entry.doc)
        }
        var symbol: String?
        if case .keyword(let value) = stored.field("symbol") { symbol = value }
        var year: Int64?
        if case .number(let value) = stored.field("year") { year = value }
        return SearchHit(
            id: stored.id, score: entry.score, title: stored.title, symbol: symbol, year: year,
            paragraph: best.map { stored.paragraphs[$0].label },
            paragraphs: eligible.map { stored.paragraphs[$0].label },
            snippet: snippet, highlights: highlights, byteHighlights: byteHighlights,
            sourceHighlights: sourceHighlights, explanation: explanation, segment: entry.segment, doc: entry.doc)
    }

    private func sourceOffset(_ paragraph: StoredParagraph, _ offset: Int) -> Int? {
        for run in paragraph.sourceMap where offset >= Int(run.textStart) && offset < Int(run.textStart + run.length) {
            return Int(run.sourceStart) + offset - Int(run.textStart)
        }
        return nil
    }
}

/// Paragraph-level filters of a plan (`para:`, `verb:`), checked per hit.
struct ParagraphConstraint {
    var kinds: Set<UInt8>?
    var verbs: [String] = []

    init(_ plan: QueryPlan) {
        collect(plan)
    }

    var isEmpty: Bool { kinds == nil && verbs.isEmpty }

    private mutating func collect(_ plan: QueryPlan) {
        switch plan {
        case .filter(.paragraphKind(let set)):
            kinds = kinds.map { $0.intersection(set) } ?? set
        case .filter(.paragraphVerb(let verb)):
            verbs.append(verb)
        case .boolean(let must, let should, _, let filter):
            for clause in must + should + filter { collect(clause) }
        default:
            break
        }
    }

    func allows(_ paragraph: StoredParagraph) -> Bool {
        if let kinds, !kinds.contains(paragraph.kind) { return false }
        if !verbs.isEmpty {
            let words = (paragraph.verb ?? "").lowercased().split(separator: " ").map(String.init)
            for verb in verbs where !words.contains(verb) { return false }
        }
        return true
    }
}

/// Keeps the best `capacity` documents: higher score first, then lower global doc number.
struct TopCollector {
    private var heap: [(score: Double, global: UInt64, segment: Int, doc: UInt32)] = []
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(capacity)
    }

    /// Whether `a` ranks below `b`.
    @inline(__always)
    private static func worse(
        _ a: (score: Double, global: UInt64, segment: Int, doc: UInt32),
        _ b: (score: Double, global: UInt64, segment: Int, doc: UInt32)
    ) -> Bool {
        a.score != b.score ? a.score < b.score : a.global > b.global
    }

    /// The score a new document must beat to enter (when full), else -infinity.
    var threshold: Double { heap.count == capacity && capacity > 0 ? heap[0].score : -.infinity }

    @inline(__always)
    mutating func offer(score: Double, global: UInt64, segment: Int, doc: UInt32) {
        // Fast reject: documents arrive in ascending global order, so an equal score never enters.
        if heap.count == capacity && (capacity == 0 || score <= heap[0].score) { return }
        insert(score: score, global: global, segment: segment, doc: doc)
    }

    private mutating func insert(score: Double, global: UInt64, segment: Int, doc: UInt32) {
        let item = (score, global, segment, doc)
        if heap.count < capacity {
            heap.append(item)
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                if Self.worse(heap[i], heap[parent]) {
                    heap.swapAt(i, parent)
                    i = parent
                } else {
                    break
                }
            }
        } else if Self.worse(heap[0], item) {
            heap[0] = item
            var i = 0
            while true {
                let left = 2 * i + 1
                let right = left + 1
                var worst = i
                if left < heap.count && Self.worse(heap[left], heap[worst]) { worst = left }
                if right < heap.count && Self.worse(heap[right], heap[worst]) { worst = right }
                if worst == i { break }
                heap.swapAt(i, worst)
                i = worst
            }
        }
    }

    func sorted() -> [(segment: Int, doc: UInt32, score: Double)] {
        heap.sorted { Self.worse($1, $0) }.map { ($0.segment, $0.doc, $0.score) }
    }
}

/// Plans that `TermEvaluator` runs: one term, a pure disjunction or conjunction of terms, a prefix.
struct TermShape {
    var terms: [PlannedTerm]
    var isConjunction: Bool

    init?(_ plan: QueryPlan) {
        switch plan {
        case .term(let term):
            terms = [term]
            isConjunction = false
        case .prefix(_, let expansion, _):
            terms = expansion
            isConjunction = false
        case .boolean(let must, let should, let mustNot, let filter) where mustNot.isEmpty && filter.isEmpty:
            func plainTerms(_ clauses: [QueryPlan]) -> [PlannedTerm]? {
                var result: [PlannedTerm] = []
                for clause in clauses {
                    guard case .term(let term) = clause else { return nil }
                    result.append(term)
                }
                return result
            }
            if must.isEmpty, let list = plainTerms(should), !list.isEmpty {
                terms = list
                isConjunction = false
            } else if should.isEmpty, let list = plainTerms(must), !list.isEmpty {
                terms = list
                isConjunction = true
            } else {
                return nil
            }
        default:
            return nil
        }
    }
}
