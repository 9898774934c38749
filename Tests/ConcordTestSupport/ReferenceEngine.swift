import ConcordIndex
import ConcordQuery
import ConcordText

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A document as the index sees it: what `IndexWriter.add` receives, plus its fate in the index.
package struct ReferenceDocument: Sendable {
    /// External id; adding the same id again replaces the live copy.
    package var id: String
    /// Title (the `title:` field; it is not part of the body unless also given as a paragraph).
    package var title: String
    /// Body paragraphs in order.
    package var paragraphs: [String]
    /// Keyword fields by (lowercase) name; values are matched case-insensitively.
    package var keywords: [String: String]
    /// Numeric fields by (lowercase) name.
    package var numbers: [String: Int64]
    /// Deleted or replaced: never returned, but still counted in the statistics while its
    /// segment lives.
    package var isDeleted = false

    /// A live document.
    package init(
        id: String, title: String, paragraphs: [String], keywords: [String: String] = [:],
        numbers: [String: Int64] = [:]
    ) {
        self.id = id
        self.title = title
        self.paragraphs = paragraphs
        self.keywords = keywords
        self.numbers = numbers
    }

    /// The document to hand to `IndexWriter.add`: one body paragraph (`P1`, `P2`…) per
    /// paragraph, fields in name order (keywords and numbers interleaved by name).
    package var indexDocument: IndexDocument {
        let paragraphs = self.paragraphs.enumerated().map { index, text in
            IndexParagraph(label: "P\(index + 1)", kind: 7, verb: nil, text: text, sourceMap: [])
        }
        var fields: [(name: String, value: IndexFieldValue)] = []
        for name in Set(keywords.keys).union(numbers.keys).sorted() {
            if let value = keywords[name] { fields.append((name, .keyword(value))) }
            if let value = numbers[name] { fields.append((name, .number(value))) }
        }
        return IndexDocument(
            id: id, title: title, source: self.paragraphs.joined(separator: "\n\n"), paragraphs: paragraphs,
            fields: fields)
    }
}

/// One result of the reference engine.
package struct ReferenceHit: Sendable, Equatable {
    /// External id.
    package var id: String
    /// Index of the document in `ReferenceEngine.documents`: the engine's global doc order.
    package var order: Int
    /// BM25 score (0 for documents matched only by filters).
    package var score: Double
}

/// A query the reference refuses, as the engine must (`=a,b`, `=x` inside NEAR, slop over 200).
package struct ReferenceQueryError: Error, CustomStringConvertible {
    /// What is wrong.
    package var description: String
}

/// A brute-force search engine for differential tests: it keeps the documents, analyses them
/// with `Analyzer` into token streams under the index's position rules (DESIGN §3: one position
/// per part, a paragraph gap of `IndexLimits.paragraphGap`, whole compounds at the position of
/// their first part), and answers a `QueryNode` by scanning every document. It shares no code
/// with ConcordQuery's execution (planner, scorers, proximity matcher); scores follow DESIGN §4
/// and the definitions in `QueryNode` and `QueryPlan`'s documentation.
///
/// It mirrors the writer's segments, because they decide what counts: N, df and the average
/// lengths count every document of the committed segments, deleted or replaced ones included,
/// and the global doc order runs through them. A document leaves `documents` (and the
/// statistics) only when its whole segment is dropped: at `commit()` when every document of a
/// segment is deleted, at `mergeAll()` when deleted documents are merged away.
package final class ReferenceEngine {
    /// Every document of the segments and of the buffer, in global doc order, deleted ones
    /// included.
    package private(set) var documents: [ReferenceDocument] = []
    /// Scoring parameters (only k1 and b are read; the formula is written out here).
    package var bm25: BM25
    private var analyzed: [ReferenceAnalysis] = []
    /// First document of each flushed segment; documents from `bufferStart` on are buffered.
    private var segmentStarts: [Int] = []
    private var bufferStart = 0
    private var cachedStatistics: ReferenceStatistics?
    private var analyzer = Analyzer(stemming: true)

    /// Most surface forms a prefix expands to (DESIGN §4: the most frequent ones are kept).
    package static let prefixCap = 256

    /// An empty engine.
    package init(bm25: BM25 = BM25()) {
        self.bm25 = bm25
    }

    /// Adds a document to the buffer, marking a live document with the same id deleted
    /// (update = delete + add).
    package func add(_ document: ReferenceDocument) {
        _ = delete(id: document.id)
        var document = document
        document.isDeleted = false
        documents.append(document)
        analyzed.append(ReferenceAnalysis(document, analyzer: &analyzer))
        cachedStatistics = nil
    }

    /// Marks the live document with `id` deleted; returns whether there was one.
    @discardableResult
    package func delete(id: String) -> Bool {
        guard let index = documents.lastIndex(where: { $0.id == id && !$0.isDeleted }) else { return false }
        documents[index].isDeleted = true
        return true
    }

    /// The buffered documents become a segment (the writer went over its memory budget).
    package func flush() {
        if bufferStart < documents.count { segmentStarts.append(bufferStart) }
        bufferStart = documents.count
    }

    /// `IndexWriter.commit()`: flush, then drop every segment whose documents are all deleted.
    package func commit() {
        flush()
        let ranges = segmentRanges
        keep(ranges.filter { range in !range.allSatisfy { documents[$0].isDeleted } })
    }

    /// `IndexWriter.mergeAll()`: flush, then one segment of the live documents (none if there
    /// are none), unless there is already a single segment without deletions.
    package func mergeAll() {
        flush()
        guard segmentStarts.count > 1 || documents.contains(where: \.isDeleted) else { return }
        let live = documents.indices.filter { !documents[$0].isDeleted }
        keep(live.isEmpty ? [] : [live])
    }

    /// Keeps the documents of `segments` (index collections, in order), one segment each.
    private func keep<C: Collection<Int>>(_ segments: [C]) {
        var starts: [Int] = []
        var indices: [Int] = []
        for segment in segments {
            starts.append(indices.count)
            indices += segment
        }
        documents = indices.map { documents[$0] }
        analyzed = indices.map { analyzed[$0] }
        segmentStarts = starts
        bufferStart = documents.count
        cachedStatistics = nil
    }

    private var segmentRanges: [Range<Int>] {
        segmentStarts.indices.map { index in
            segmentStarts[index]..<(index + 1 < segmentStarts.count ? segmentStarts[index + 1] : bufferStart)
        }
    }

    /// Live documents.
    package var liveCount: Int { documents.lazy.filter { !$0.isDeleted }.count }

    /// Parses `text` with `QueryParser` and runs it.
    package func search(_ text: String, defaultOperator: DefaultOperator = .or) throws -> [ReferenceHit] {
        try search(QueryParser(defaultOperator: defaultOperator).parse(text).root)
    }

    /// Every live document matching `node`, best first, ties by ascending document order.
    package func search(_ node: QueryNode) throws -> [ReferenceHit] {
        let statistics = self.statistics
        var compiler = ReferenceCompiler(statistics: statistics, analyzer: analyzer)
        let query = try compiler.compile(node)
        let evaluator = ReferenceEvaluator(statistics: statistics, bm25: bm25)
        var hits: [ReferenceHit] = []
        for (order, document) in documents.enumerated() where !document.isDeleted {
            if let score = evaluator.evaluate(query, analyzed[order]) {
                hits.append(ReferenceHit(id: document.id, order: order, score: score))
            }
        }
        hits.sort { $0.score != $1.score ? $0.score > $1.score : $0.order < $1.order }
        return hits
    }

    /// The compiled form of a query (terms, idfs), for failure messages.
    package func describe(_ node: QueryNode) -> String {
        var compiler = ReferenceCompiler(statistics: statistics, analyzer: analyzer)
        do {
            return String(describing: try compiler.compile(node))
        } catch {
            return "error: \(error)"
        }
    }

    private var statistics: ReferenceStatistics {
        if let cachedStatistics { return cachedStatistics }
        let statistics = ReferenceStatistics(analyzed)
        cachedStatistics = statistics
        return statistics
    }
}

// MARK: - Analysis

/// One token of the analyzer: folded surface, stem, position, and whether it is a whole compound.
private struct ReferenceToken {
    var surface: String
    var stem: String
    var position: Int
    var isWhole: Bool
}

/// Collects the analyzer's tokens as values.
private struct TokenCollector: AnalyzedTokenSink {
    var tokens: [ReferenceToken] = []

    mutating func token(
        stem: UnsafeRawBufferPointer, surface: UnsafeRawBufferPointer, position: Int, start: Int, end: Int,
        isWhole: Bool
    ) {
        let surface = String(decoding: surface, as: UTF8.self)
        tokens.append(
            ReferenceToken(
                surface: surface, stem: String(decoding: stem, as: UTF8.self), position: position, isWhole: isWhole))
    }
}

/// Runs the analyzer over `text` from `firstPosition`; returns the tokens and the next position
/// (skipped over-long parts still take a position, so the field length counts them).
private func analyze(_ text: String, from firstPosition: Int, analyzer: inout Analyzer) -> (
    tokens: [ReferenceToken], next: Int
) {
    var collector = TokenCollector()
    var copy = text
    let next = copy.withUTF8 { bytes in
        analyzer.analyze(UnsafeRawBufferPointer(bytes), firstPosition: firstPosition, into: &collector)
    }
    return (collector.tokens, next)
}

/// One document as token streams: body stems with positions (parts and wholes), exact surface
/// forms with frequencies, title stems, lengths, paragraph position ranges.
struct ReferenceAnalysis {
    var bodyPositions: [String: [Int]] = [:]
    var exactFrequency: [String: Int] = [:]
    var titleFrequency: [String: Int] = [:]
    var paragraphRanges: [Range<Int>] = []
    var bodyLength = 0
    var titleLength = 0
    var keywords: [String: String] = [:]
    var numbers: [String: Int64] = [:]

    init(_ document: ReferenceDocument, analyzer: inout Analyzer) {
        var position = 0
        for (index, text) in document.paragraphs.enumerated() {
            if index > 0 { position += IndexLimits.paragraphGap }
            let (tokens, next) = analyze(text, from: position, analyzer: &analyzer)
            for token in tokens {
                bodyPositions[token.stem, default: []].append(token.position)
                exactFrequency[token.surface, default: 0] += 1
            }
            paragraphRanges.append(position..<next)
            bodyLength += next - position
            position = next
        }
        for (stem, positions) in bodyPositions {
            bodyPositions[stem] = Array(Set(positions)).sorted()
        }
        if !document.title.isEmpty {
            let (tokens, next) = analyze(document.title, from: 0, analyzer: &analyzer)
            for token in tokens { titleFrequency[token.stem, default: 0] += 1 }
            titleLength = next
        }
        for (name, value) in document.keywords { keywords[name] = value.lowercased() }
        numbers = document.numbers
    }

    /// The paragraph holding a body position (every token position lies in one).
    func paragraph(of position: Int) -> Int {
        paragraphRanges.firstIndex { $0.contains(position) } ?? -1
    }
}

/// N, average lengths and document frequencies over the documents still counted.
struct ReferenceStatistics {
    var documentCount = 0
    var averageBodyLength = 0.0
    var averageTitleLength = 0.0
    var bodyFrequency: [String: Int] = [:]
    var exactFrequency: [String: Int] = [:]
    var titleFrequency: [String: Int] = [:]

    init(_ documents: [ReferenceAnalysis]) {
        var body = 0
        var title = 0
        for document in documents {
            documentCount += 1
            body += document.bodyLength
            title += document.titleLength
            for stem in document.bodyPositions.keys { bodyFrequency[stem, default: 0] += 1 }
            for surface in document.exactFrequency.keys { exactFrequency[surface, default: 0] += 1 }
            for stem in document.titleFrequency.keys { titleFrequency[stem, default: 0] += 1 }
        }
        if documentCount > 0 {
            averageBodyLength = Double(body) / Double(documentCount)
            averageTitleLength = Double(title) / Double(documentCount)
        }
    }

    /// DESIGN §4: ln(1 + (N − n + 0.5) / (n + 0.5)).
    func idf(_ frequency: Int) -> Double {
        let n = Double(frequency)
        return log(1 + (Double(documentCount) - n + 0.5) / (n + 0.5))
    }
}

// MARK: - Queries

/// Which term dictionary a scored term lives in.
enum ReferenceField: String {
    case body, exact, title
}

/// A term inside a phrase or NEAR operand: body stem and offset from the first part.
struct SpanTerm: CustomStringConvertible {
    var stem: String
    var offset: Int
    var description: String { "\(stem)@\(offset)" }
}

/// A query with its words analysed and idfs computed.
indirect enum ReferenceQuery: CustomStringConvertible {
    case term(ReferenceField, String, idf: Double)
    case phrase([SpanTerm], slop: Int, idf: Double)
    case near([[SpanTerm]], distance: Int, ordered: Bool, idf: Double)
    case prefix([(surface: String, idf: Double)])
    case keyword(field: String, value: String, isPrefix: Bool)
    case range(field: String, lower: Int64, upper: Int64)
    case boolean(must: [ReferenceQuery], should: [ReferenceQuery], mustNot: [ReferenceQuery], filter: [ReferenceQuery])
    case all
    case none

    var description: String {
        switch self {
        case .term(let field, let key, let idf): return "\(field.rawValue):\(key)[idf \(idf)]"
        case .phrase(let terms, let slop, let idf):
            return "\"\(terms.map(\.description).joined(separator: " "))\"~\(slop)[idf \(idf)]"
        case .near(let spans, let distance, let ordered, let idf):
            let operands = spans.map { $0.map(\.description).joined(separator: " ") }.joined(separator: ", ")
            return (ordered ? "ONEAR/" : "NEAR/") + "\(distance)(\(operands))[idf \(idf)]"
        case .prefix(let forms): return "prefix{" + forms.map { "=\($0.surface)" }.joined(separator: " ") + "}"
        case .keyword(let field, let value, let isPrefix): return "\(field):\(value)" + (isPrefix ? "*" : "")
        case .range(let field, let lower, let upper): return "\(field):\(lower)..\(upper)"
        case .boolean(let must, let should, let mustNot, let filter):
            let parts =
                must.map { "+\($0)" } + should.map(\.description) + mustNot.map { "-\($0)" } + filter.map { "#\($0)" }
            return "(" + parts.joined(separator: " ") + ")"
        case .all: return "*:*"
        case .none: return "∅"
        }
    }
}

/// Analyses the words of a query tree (DESIGN §3–4, `QueryNode` and `QueryPlan` docs).
private struct ReferenceCompiler {
    let statistics: ReferenceStatistics
    var analyzer: Analyzer

    /// "A word becomes one term, the whole form of a compound (`70/153`), or a phrase of its
    /// parts": its parts, and the whole token covering every part when it is one compound
    /// (`a/res/70/153`, not the numeric run `70/153` inside it). The whole is emitted at the
    /// first part's position and is the parts joined by one joiner byte each.
    private mutating func read(_ word: String) -> (parts: [ReferenceToken], whole: ReferenceToken?) {
        let (tokens, _) = analyze(word, from: 0, analyzer: &analyzer)
        let parts = tokens.filter { !$0.isWhole }
        if parts.count == 1 { return (parts, parts[0]) }
        let joinedLength = parts.reduce(parts.count - 1) { $0 + $1.surface.utf8.count }
        let whole = tokens.first {
            $0.isWhole && $0.position == parts[0].position && $0.surface.utf8.count == joinedLength
        }
        return (parts, whole)
    }

    /// Parts as span terms, with offsets from the first.
    private func span(_ parts: [ReferenceToken]) -> [SpanTerm] {
        parts.map { SpanTerm(stem: $0.stem, offset: $0.position - parts[0].position) }
    }

    /// Body terms of a phrase or NEAR operand, with offsets; compounds contribute their parts.
    private mutating func spanTerms(_ text: String) -> [SpanTerm] {
        span(analyze(text, from: 0, analyzer: &analyzer).tokens.filter { !$0.isWhole })
    }

    private func term(_ field: ReferenceField, _ key: String) -> ReferenceQuery {
        let frequency: Int
        switch field {
        case .body: frequency = statistics.bodyFrequency[key] ?? 0
        case .exact: frequency = statistics.exactFrequency[key] ?? 0
        case .title: frequency = statistics.titleFrequency[key] ?? 0
        }
        return .term(field, key, idf: statistics.idf(frequency))
    }

    private func spanIDF(_ terms: [SpanTerm]) -> Double {
        terms.reduce(0) { $0 + statistics.idf(statistics.bodyFrequency[$1.stem] ?? 0) }
    }

    private func checkProximity(_ value: Int, _ what: String) throws {
        if value > IndexLimits.maxProximity {
            throw ReferenceQueryError(description: "\(what) \(value) is over \(IndexLimits.maxProximity)")
        }
    }

    mutating func compile(_ node: QueryNode) throws -> ReferenceQuery {
        switch node {
        case .term(let word):
            let (parts, whole) = read(word)
            if let whole { return term(.body, whole.stem) }
            return parts.isEmpty ? .none : .phrase(span(parts), slop: 0, idf: spanIDF(span(parts)))
        case .exact(let word):
            let (parts, whole) = read(word)
            if let whole { return term(.exact, whole.surface) }
            if parts.isEmpty { return .none }
            throw ReferenceQueryError(description: "=\(word) is more than one word")
        case .prefix(let text):
            return prefix(text)
        case .phrase(let words, let slop):
            try checkProximity(slop, "phrase slop")
            let terms = spanTerms(words.joined(separator: " "))
            if terms.isEmpty { return .none }
            if terms.count == 1 { return term(.body, terms[0].stem) }
            return .phrase(terms, slop: slop, idf: spanIDF(terms))
        case .near(let operands, let distance, let ordered):
            try checkProximity(distance, "NEAR distance")
            var spans: [[SpanTerm]] = []
            for operand in operands {
                let text: String
                switch operand {
                case .term(let word): text = word
                // A phrase operand is an exact phrase (ProximityMatcher: "each an exact phrase").
                case .phrase(let words, _): text = words.joined(separator: " ")
                default: throw ReferenceQueryError(description: "NEAR takes words and phrases only")
                }
                let terms = spanTerms(text)
                if terms.isEmpty { return .none }
                spans.append(terms)
            }
            return .near(spans, distance: distance, ordered: ordered, idf: spans.reduce(0) { $0 + spanIDF($1) })
        case .field(let name, let value):
            let field = name.lowercased()
            switch field {
            case "title":
                let (tokens, _) = analyze(value, from: 0, analyzer: &analyzer)
                let terms = tokens.filter { !$0.isWhole }.map { term(.title, $0.stem) }
                if terms.isEmpty { return .none }
                return terms.count == 1 ? terms[0] : .boolean(must: terms, should: [], mustNot: [], filter: [])
            case "para", "verb":
                throw ReferenceQueryError(description: "\(field): is not modelled by the reference")
            default:
                if value.hasSuffix("*") {
                    return .keyword(field: field, value: String(value.dropLast()).lowercased(), isPrefix: true)
                }
                return .keyword(field: field, value: value.lowercased(), isPrefix: false)
            }
        case .range(let field, let lower, let upper):
            return .range(field: field, lower: lower ?? Int64.min, upper: upper ?? Int64.max)
        case .boolean(let must, let should, let mustNot, let filter):
            return .boolean(
                must: try must.map { try compile($0) }, should: try should.map { try compile($0) },
                mustNot: try mustNot.map { try compile($0) }, filter: try filter.map { try compile($0) })
        case .matchAll:
            return .all
        }
    }

    /// Surface forms (over the counted documents) starting with the folded prefix, the most
    /// frequent `prefixCap` of them (ties by form), each scored with its own idf.
    private mutating func prefix(_ text: String) -> ReferenceQuery {
        // Folded like a typed word; when it is not one compound (`a,b*`), its first part.
        let (parts, whole) = read(text)
        let folded = (whole ?? parts.first)?.surface ?? text.lowercased()
        let prefixBytes = Array(folded.utf8)
        var forms = statistics.exactFrequency.filter { Array($0.key.utf8).starts(with: prefixBytes) }
            .map { (surface: $0.key, frequency: $0.value) }
        forms.sort {
            $0.frequency != $1.frequency
                ? $0.frequency > $1.frequency : Array($0.surface.utf8).lexicographicallyPrecedes(Array($1.surface.utf8))
        }
        let kept = forms.prefix(ReferenceEngine.prefixCap)
        if kept.isEmpty { return .none }
        return .prefix(kept.map { ($0.surface, statistics.idf($0.frequency)) })
    }
}
