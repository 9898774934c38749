import ConcordIndex
import ConcordText

/// Which dictionary namespace and length statistics a scored term uses.
public enum ScoredField: Sendable, Equatable {
    /// Stemmed body terms (with positions).
    case body
    /// Exact surface forms of body tokens (no positions); body lengths.
    case exact
    /// Stemmed title terms; title lengths.
    case title
}

/// A term resolved against the index: its dictionary key and global statistics.
public struct PlannedTerm: Sendable, Equatable {
    /// The text shown in explanations (`right`, `=rights`, `title:cooper`), made from the key
    /// when asked (a prefix plan holds hundreds of terms and rarely shows them).
    public var display: String {
        let text = String(decoding: key.dropFirst(), as: UTF8.self)
        switch field {
        case .body: return text
        case .exact: return "=" + text
        case .title: return "title:" + text
        }
    }
    /// Dictionary key (namespace byte + term bytes).
    public var key: [UInt8]
    /// Field (decides norms and average length).
    public var field: ScoredField
    /// Documents containing it, over all live segments.
    public var documentFrequency: UInt64
    /// BM25 idf.
    public var idf: Double
    /// Position offset inside a phrase or NEAR operand (0 for a lone term).
    public var offset: Int
    /// The dictionary entries the planner found, per segment of the snapshot it planned on;
    /// execution on those segments reuses them instead of searching the dictionaries again.
    package var lookups = SegmentLookups()

    /// Plans are equal when they search the same way; where the lookups were made is not part
    /// of that.
    public static func == (a: PlannedTerm, b: PlannedTerm) -> Bool {
        a.key == b.key && a.field == b.field && a.documentFrequency == b.documentFrequency
            && a.idf == b.idf && a.offset == b.offset
    }

    /// The term's dictionary entry in `segment`, from the planner's lookups when it made them
    /// on this very segment (identity, so a reopened index never gets stale entries).
    func info(in segment: SegmentReader) throws -> TermInfo? {
        if let first = lookups.first, first.segment === segment { return first.info }
        for lookup in lookups.rest where lookup.segment === segment { return lookup.info }
        return try segment.termInfo(key)
    }
}

/// One segment's dictionary entry for a planned term (nil: absent there).
package struct SegmentLookup: @unchecked Sendable {
    /// The segment searched (held, so identity comparisons cannot be fooled by reuse).
    let segment: SegmentReader
    /// Its entry for the term.
    let info: TermInfo?
}

/// A planned term's lookups, one per segment. The first is held inline: a prefix on a merged
/// index plans hundreds of terms with one lookup each, and an array apiece cost an allocation.
package struct SegmentLookups: Sendable {
    /// The first segment's lookup (nil: none made).
    package private(set) var first: SegmentLookup?
    /// The other segments' lookups, in segment order.
    package private(set) var rest: [SegmentLookup] = []

    /// No lookups.
    package init() {}

    /// `lookups` in segment order.
    package init(_ lookups: [SegmentLookup]) {
        first = lookups.first
        rest = Array(lookups.dropFirst())
    }

    /// One segment's lookup.
    package init(single lookup: SegmentLookup) { first = lookup }

    /// Whether no lookup was made.
    package var isEmpty: Bool { first == nil }
}

/// A NEAR operand: one term or a phrase, matched as a span of positions.
public struct PlannedSpan: Sendable, Equatable {
    /// Terms with their offsets from the span start.
    public var terms: [PlannedTerm]
    /// Positions the span covers (last offset + 1).
    public var length: Int { (terms.map(\.offset).max() ?? 0) + 1 }
}

/// A non-scoring restriction.
public indirect enum PlannedFilter: Sendable, Equatable {
    /// Documents holding a keyword term (`symbol:A/RES/70/153`).
    case keyword(field: String, key: [UInt8])
    /// Documents holding any keyword term with this key prefix (`symbol:A/RES/7*`).
    case keywordPrefix(field: String, prefix: [UInt8])
    /// Documents whose numeric field lies in the inclusive range.
    case numeric(field: String, lower: Int64, upper: Int64)
    /// The hit must lie in a paragraph of one of these kinds (`para:op`).
    case paragraphKind(Set<UInt8>)
    /// The hit must lie in a paragraph whose verb phrase contains this word (`verb:urges`).
    case paragraphVerb(String)
}

/// The executable form of a query: words analysed, terms looked up, statistics computed.
public indirect enum QueryPlan: Sendable, Equatable {
    /// One scored term.
    case term(PlannedTerm)
    /// Terms at relative positions (exact when slop is 0), scored by phrase frequency with the summed idf.
    case phrase([PlannedTerm], slop: Int, idf: Double)
    /// Spans within `distance` tokens of each other, in the paragraph; scored by match frequency.
    case near([PlannedSpan], distance: Int, ordered: Bool, idf: Double)
    /// Exact surface forms of a prefix expansion, scored as a disjunction.
    case prefix(String, [PlannedTerm], truncated: Bool)
    /// Boolean combination (same semantics as `QueryNode.boolean`).
    case boolean(must: [QueryPlan], should: [QueryPlan], mustNot: [QueryPlan], filter: [QueryPlan])
    /// A restriction used as a clause.
    case filter(PlannedFilter)
    /// Every document, unscored.
    case matchAll
    /// No document (a word that analyses to nothing, a term absent from the index).
    case matchNone
}

/// An error in a query that parsed but cannot run (exit code 2).
public struct QueryPlanError: Error, CustomStringConvertible, Equatable {
    /// What is wrong, for one line.
    public var message: String

    /// One line: the problem and what to do.
    public var description: String { "query error: \(message)" }
}

/// Turns parsed trees into plans against one snapshot.
public struct QueryPlanner {
    /// Most surface forms a prefix expands to; more are dropped and reported.
    public static let maxPrefixExpansions = 256

    private let snapshot: IndexSnapshot
    private let bm25: BM25
    // A query has a few words: a small stem cache is cheaper to create than stemming twice.
    private var analyzer = Analyzer(stemming: true, stemCacheSlots: 16)
    /// Notes for the user (a prefix expansion was capped).
    public private(set) var notices: [String] = []

    /// A planner for `snapshot` with the given scoring.
    public init(snapshot: IndexSnapshot, bm25: BM25) {
        self.snapshot = snapshot
        self.bm25 = bm25
    }

    /// Plans `node`.
    public mutating func plan(_ node: QueryNode) throws -> QueryPlan {
        switch node {
        case .term(let word):
            return try planWord(word, field: .body)
        case .exact(let word):
            return try planWord(word, field: .exact)
        case .prefix(let text):
            return try planPrefix(text)
        case .phrase(let words, let slop):
            try checkProximity(slop, what: "phrase slop")
            let terms = try spanTerms(words.joined(separator: " "))
            if terms.isEmpty { return .matchNone }
            if terms.count == 1 { return .term(terms[0]) }
            return .phrase(terms, slop: slop, idf: terms.reduce(0) { $0 + $1.idf })
        case .near(let operands, let distance, let ordered):
            try checkProximity(distance, what: "NEAR distance")
            var spans: [PlannedSpan] = []
            for operand in operands {
                let text: String
                switch operand {
                case .term(let word): text = word
                case .phrase(let words, _): text = words.joined(separator: " ")
                case .exact:
                    throw QueryPlanError(message: "=exact words are not supported inside NEAR; use the plain word")
                default:
                    throw QueryPlanError(message: "NEAR takes words and phrases only")
                }
                let terms = try spanTerms(text)
                if terms.isEmpty { return .matchNone }
                spans.append(PlannedSpan(terms: terms))
            }
            let idf = spans.reduce(0) { $0 + $1.terms.reduce(0) { $0 + $1.idf } }
            return .near(spans, distance: distance, ordered: ordered, idf: idf)
        case .field(let name, let value):
            return try planField(name: name, value: value)
        case .range(let field, let lower, let upper):
            return .filter(.numeric(field: field, lower: lower ?? Int64.min + 1, upper: upper ?? Int64.max))
        case .boolean(let must, let should, let mustNot, let filter):
            return .boolean(
                must: try must.map { try plan($0) }, should: try should.map { try plan($0) },
                mustNot: try mustNot.map { try plan($0) }, filter: try filter.map { try plan($0) })
        case .matchAll:
            return .matchAll
        }
    }

    private func checkProximity(_ value: Int, what: String) throws {
        if value > IndexLimits.maxProximity {
            throw QueryPlanError(message: "\(what) \(value) is larger than the maximum \(IndexLimits.maxProximity)")
        }
    }

    /// A word becomes one term, the whole form of a compound (`70/153`), or a phrase of its parts.
    private mutating func planWord(_ word: String, field: ScoredField) throws -> QueryPlan {
        let tokens = analyzer.tokens(word)
        if tokens.isEmpty { return .matchNone }
        let parts = tokens.filter { !$0.isWhole }
        let wholes = tokens.filter { $0.isWhole }
        if parts.count <= 1 || !wholes.isEmpty {
            // The whole compound covering the most of the word (`A/RES/70/153`, not its `70/153` run).
            let token = wholes.max { ($0.end - $0.start) < ($1.end - $1.start) } ?? parts[0]
            return .term(try lookup(token, field: field, offset: 0))
        }
        if field == .exact {
            throw QueryPlanError(message: "=\(word) is more than one word; use a phrase instead")
        }
        let first = parts[0].position
        let terms = try parts.map { try lookup($0, field: .body, offset: $0.position - first) }
        return .phrase(terms, slop: 0, idf: terms.reduce(0) { $0 + $1.idf })
    }

    /// Body terms of a phrase or NEAR operand, with offsets; compounds contribute their parts.
    private mutating func spanTerms(_ text: String) throws -> [PlannedTerm] {
        let parts = analyzer.tokens(text).filter { !$0.isWhole }
        guard let first = parts.first?.position else { return [] }
        return try parts.map { try lookup($0, field: .body, offset: $0.position - first) }
    }

    private func lookup(_ token: AnalyzedToken, field: ScoredField, offset: Int) throws -> PlannedTerm {
        let (namespace, text): (TermField, String)
        switch field {
        case .body: (namespace, text) = (.body, token.stem)
        case .exact: (namespace, text) = (.exact, token.surface)
        case .title: (namespace, text) = (.title, token.stem)
        }
        let key = [namespace.rawValue] + Array(text.utf8)
        var df: UInt64 = 0
        var lookups: [SegmentLookup] = []
        lookups.reserveCapacity(snapshot.segments.count)
        for segment in snapshot.segments {
            let info = try segment.termInfo(key)
            df += UInt64(info?.docFreq ?? 0)
            lookups.append(SegmentLookup(segment: segment, info: info))
        }
        let idf = bm25.idf(documentFrequency: df, documentCount: snapshot.statisticsDocumentCount)
        return PlannedTerm(
            key: key, field: field, documentFrequency: df, idf: idf, offset: offset,
            lookups: SegmentLookups(lookups))
    }

    private mutating func planPrefix(_ text: String) throws -> QueryPlan {
        // Prefixes match folded surface forms, so fold the typed prefix the same way.
        let tokens = analyzer.tokens(text)
        // A compound prefix (`self-det*`, `70/15*`) matches whole compound forms.
        let widest = tokens.filter(\.isWhole).max { ($0.end - $0.start) < ($1.end - $1.start) }
        let folded = widest?.surface ?? tokens.first?.surface ?? text.lowercased()
        let prefix = [TermField.exact.rawValue] + Array(folded.utf8)
        // Each form's document frequency and its entry in every segment (kept for execution),
        // in key order; `makeTerm(i)` builds the plan term of form i, so only the kept forms
        // pay for a key array and a term.
        let segments = snapshot.segments
        let documentCount = snapshot.statisticsDocumentCount
        let bm25 = self.bm25
        var frequencies: [UInt64] = []
        let makeTerm: (Int) -> PlannedTerm
        func term(_ key: [UInt8], _ df: UInt64, _ lookups: SegmentLookups) -> PlannedTerm {
            PlannedTerm(
                key: key, field: .exact, documentFrequency: df,
                idf: bm25.idf(documentFrequency: df, documentCount: documentCount), offset: 0, lookups: lookups)
        }
        if segments.count == 1 {
            // One segment (a merged index) needs no hashing: its dictionary yields forms in order.
            let segment = segments[0]
            var keyBytes: [UInt8] = []
            var keyEnds: [Int] = []
            var infos: [TermInfo] = []
            try prefix.withUnsafeBytes { bytes in
                try segment.terms.forEach(withPrefix: bytes) { key, info in
                    keyBytes.append(contentsOf: key)
                    keyEnds.append(keyBytes.count)
                    infos.append(info)
                    frequencies.append(UInt64(info.docFreq))
                    return true
                }
            }
            makeTerm = { [keyBytes, keyEnds, infos, frequencies] i in
                term(
                    Array(keyBytes[(i == 0 ? 0 : keyEnds[i - 1])..<keyEnds[i]]), frequencies[i],
                    SegmentLookups(single: SegmentLookup(segment: segment, info: infos[i])))
            }
        } else {
            var forms: [[UInt8]: (df: UInt64, infos: [TermInfo?])] = [:]
            for (index, segment) in segments.enumerated() {
                try prefix.withUnsafeBytes { bytes in
                    try segment.terms.forEach(withPrefix: bytes) { key, info in
                        // Mutated in place through the subscript (a copy out and back would copy `infos`).
                        let form = Array(key)
                        forms[form, default: (0, [TermInfo?](repeating: nil, count: segments.count))].df += UInt64(
                            info.docFreq)
                        forms[form]!.infos[index] = info
                        return true
                    }
                }
            }
            let sorted = forms.sorted { $0.key.lexicographicallyPrecedes($1.key) }
            frequencies = sorted.map(\.value.df)
            makeTerm = { i in
                term(
                    sorted[i].key, sorted[i].value.df,
                    SegmentLookups(zip(segments, sorted[i].value.infos).map { SegmentLookup(segment: $0, info: $1) }))
            }
        }
        var kept = Array(frequencies.indices)
        let truncated = kept.count > Self.maxPrefixExpansions
        if truncated {
            notices.append(
                "prefix \(text)* matches \(kept.count) forms; only the \(Self.maxPrefixExpansions) most frequent are searched"
            )
            // Keep the most frequent forms, ties by key (the index, in key order), so plans are
            // deterministic; then back to key order.
            kept.sort { frequencies[$0] != frequencies[$1] ? frequencies[$0] > frequencies[$1] : $0 < $1 }
            kept = kept.prefix(Self.maxPrefixExpansions).sorted()
        }
        let terms = kept.map(makeTerm)
        if terms.isEmpty { return .matchNone }
        return .prefix(text, terms, truncated: truncated)
    }

    private mutating func planField(name: String, value: String) throws -> QueryPlan {
        // Field names are kept as typed by the parser, which scores `title:` only; any other
        // spelling is a keyword filter like other fields, so it must not score here either.
        switch name == "title" ? "title" : (name.lowercased() == "title" ? "" : name.lowercased()) {
        case "title":
            let tokens = analyzer.tokens(value).filter { !$0.isWhole }
            if tokens.isEmpty { return .matchNone }
            let terms = try tokens.map { try lookup($0, field: .title, offset: 0) }
            if terms.count == 1 { return .term(terms[0]) }
            return .boolean(must: terms.map { .term($0) }, should: [], mustNot: [], filter: [])
        case "para":
            let kinds: [String: UInt8] = [
                "head": 0, "title": 1, "pp": 2, "op": 3, "sub": 4, "fn": 5, "end": 6, "body": 7,
            ]
            guard let kind = kinds[value.lowercased()] else {
                throw QueryPlanError(
                    message: "para: takes one of \(kinds.keys.sorted().joined(separator: ", ")), not \(value)")
            }
            // An operative paragraph's lettered sub-paragraphs count as operative text too.
            return .filter(.paragraphKind(kind == 3 ? [3, 4] : [kind]))
        case "verb":
            return .filter(.paragraphVerb(value.lowercased()))
        default:
            let field = name.lowercased()
            if field == "title" {  // `Title:` and other spellings
                // `Title:x` parsed as a filter: keep it a filter (documents whose title has the words).
                let tokens = analyzer.tokens(value).filter { !$0.isWhole }
                if tokens.isEmpty { return .matchNone }
                let terms = try tokens.map { try lookup($0, field: .title, offset: 0) }
                return .boolean(
                    must: [], should: [], mustNot: [],
                    filter: terms.map { .filter(.keyword(field: "title", key: $0.key)) })
            }
            var key = [TermField.keyword.rawValue] + Array(field.utf8) + [0]
            if value.hasSuffix("*") {
                key += Array(value.dropLast().lowercased().utf8)
                return .filter(.keywordPrefix(field: field, prefix: key))
            }
            key += Array(value.lowercased().utf8)
            return .filter(.keyword(field: field, key: key))
        }
    }
}
