import ConcordIndex
import ConcordIngest
import ConcordQuery
import ConcordText

/// Settings of a document comparison.
public struct DiffOptions: Sendable {
    /// Least word similarity (0...1) for two paragraphs to be one paragraph reworded.
    public var pairThreshold: Double

    /// Defaults: pairs from 0.5.
    public init(pairThreshold: Double = 0.5) {
        self.pairThreshold = pairThreshold
    }
}

/// What happened to a paragraph between two documents.
public enum ParagraphChangeKind: String, Sendable {
    /// Same words, in order (the label may be renumbered).
    case kept
    /// Paired, in order, with different words.
    case reworded
    /// Paired, but out of the order of the other pairs (words may differ too).
    case moved
    /// Only in the new document.
    case added
    /// Only in the old document.
    case removed
}

/// One line of a comparison: a pair of paragraphs, or a paragraph added or removed.
public struct ParagraphChange: Sendable {
    /// What happened.
    public var kind: ParagraphChangeKind
    /// The old paragraph (nil when added).
    public var old: StoredParagraph?
    /// The new paragraph (nil when removed).
    public var new: StoredParagraph?
    /// Word similarity of a pair (0 for added and removed paragraphs).
    public var similarity: Double
    /// Word diff of a pair.
    public var diff: WordDiff?

    /// Whether both sides have the same words.
    public var isIdentical: Bool { diff?.isIdentical ?? false }

    /// Whether a pair's opening verb changed ("Encourages" → "Urges").
    public var verbChanged: Bool {
        guard let old, let new else { return false }
        return (old.verb ?? "").lowercased() != (new.verb ?? "").lowercased()
    }
}

/// One side of a comparison.
public struct DiffSide: Sendable {
    /// External id.
    public var id: String
    /// UN symbol, if any.
    public var symbol: String?
    /// Title.
    public var title: String
    /// Year, if known.
    public var year: Int64?
    /// The paragraph compared, when one paragraph was given (`#OP3`).
    public var paragraph: String?

    /// How users name the document: its symbol, else its id.
    public var reference: String { symbol ?? id }

    init(_ document: StoredDocument, paragraph: String?) {
        id = document.id
        title = document.title
        if case .keyword(let text)? = document.field("symbol") { symbol = text }
        if case .number(let value)? = document.field("year") { year = value }
        self.paragraph = paragraph
    }
}

/// A paragraph-aligned comparison of two documents (or of two paragraphs).
public struct DocumentDiff: Sendable {
    /// The old document.
    public var old: DiffSide
    /// The new document.
    public var new: DiffSide
    /// Pairs, additions and removals in the new document's order (removals where they stood).
    public var changes: [ParagraphChange]
    /// Overall word similarity: twice the words kept over all words of compared paragraphs.
    public var similarity: Double

    /// How many changes are of `kind`.
    public func count(_ kind: ParagraphChangeKind) -> Int {
        changes.reduce(0) { $0 + ($1.kind == kind ? 1 : 0) }
    }

    /// Paragraph kinds compared: all but the header and the closing line (dates and symbols).
    public static func isCompared(_ paragraph: StoredParagraph) -> Bool {
        paragraph.kind != ParagraphKind.head.rawValue && paragraph.kind != ParagraphKind.closing.rawValue
    }

    /// Aligns the paragraphs of two documents: paragraphs of the same kind (operative with
    /// sub-paragraphs) are paired greedily by word similarity at or above the threshold, pairs
    /// outside the longest in-order chain are moved, the rest are added or removed.
    public init(old oldDocument: StoredDocument, new newDocument: StoredDocument, options: DiffOptions = DiffOptions())
    {
        old = DiffSide(oldDocument, paragraph: nil)
        new = DiffSide(newDocument, paragraph: nil)
        let oldParagraphs = oldDocument.paragraphs.filter(Self.isCompared)
        let newParagraphs = newDocument.paragraphs.filter(Self.isCompared)
        var analyzer = Analyzer(stemming: false)
        let oldWords = oldParagraphs.map { WordSequence($0.text, analyzer: &analyzer) }
        let newWords = newParagraphs.map { WordSequence($0.text, analyzer: &analyzer) }
        let oldBags = oldWords.map(Self.bag)
        let newBags = newWords.map(Self.bag)
        var candidates: [(old: Int, new: Int, diff: WordDiff, distance: Double)] = []
        for i in oldParagraphs.indices {
            for j in newParagraphs.indices where Self.group(oldParagraphs[i]) == Self.group(newParagraphs[j]) {
                // A cheap bag-of-words bound first: the common subsequence never exceeds it.
                let bound = Self.bagSimilarity(oldBags[i], newBags[j], oldWords[i].count, newWords[j].count)
                guard bound >= options.pairThreshold else { continue }
                let diff = WordDiff(from: oldWords[i], to: newWords[j])
                guard diff.similarity >= options.pairThreshold else { continue }
                let distance = abs(
                    Double(i) / Double(max(oldParagraphs.count, 1)) - Double(j) / Double(max(newParagraphs.count, 1)))
                candidates.append((i, j, diff, distance))
            }
        }
        candidates.sort { a, b in
            if a.diff.similarity != b.diff.similarity { return a.diff.similarity > b.diff.similarity }
            if a.distance != b.distance { return a.distance < b.distance }
            return a.old != b.old ? a.old < b.old : a.new < b.new
        }
        var pairOfOld: [Int: (new: Int, diff: WordDiff)] = [:]
        var pairOfNew: [Int: Int] = [:]
        for candidate in candidates where pairOfOld[candidate.old] == nil && pairOfNew[candidate.new] == nil {
            pairOfOld[candidate.old] = (candidate.new, candidate.diff)
            pairOfNew[candidate.new] = candidate.old
        }
        let inOrder = Self.longestIncreasingChain(
            newParagraphs.indices.compactMap { j in pairOfNew[j].map { (j, $0) } })
        var changes: [ParagraphChange] = []
        var nextOld = 0
        func flushRemoved(before limit: Int) {
            while nextOld < limit {
                if pairOfOld[nextOld] == nil {
                    changes.append(
                        ParagraphChange(kind: .removed, old: oldParagraphs[nextOld], new: nil, similarity: 0, diff: nil)
                    )
                }
                nextOld += 1
            }
        }
        var kept = 0
        var total = 0
        for words in oldWords { total += words.count }
        for words in newWords { total += words.count }
        for j in newParagraphs.indices {
            guard let i = pairOfNew[j] else {
                changes.append(ParagraphChange(kind: .added, old: nil, new: newParagraphs[j], similarity: 0, diff: nil))
                continue
            }
            let diff = pairOfOld[i]!.diff
            kept += diff.matched
            let kind: ParagraphChangeKind
            if inOrder.contains(j) {
                flushRemoved(before: i + 1)
                kind = diff.isIdentical ? .kept : .reworded
            } else {
                kind = .moved
            }
            changes.append(
                ParagraphChange(
                    kind: kind, old: oldParagraphs[i], new: newParagraphs[j], similarity: diff.similarity, diff: diff))
        }
        flushRemoved(before: oldParagraphs.count)
        similarity = total == 0 ? 1 : Double(2 * kept) / Double(total)
        self.changes = changes
    }

    /// Compares one paragraph with another.
    public init(
        old oldDocument: StoredDocument, paragraph oldParagraph: StoredParagraph, new newDocument: StoredDocument,
        paragraph newParagraph: StoredParagraph
    ) {
        old = DiffSide(oldDocument, paragraph: oldParagraph.label)
        new = DiffSide(newDocument, paragraph: newParagraph.label)
        let diff = WordDiff(from: oldParagraph.text, to: newParagraph.text)
        changes = [
            ParagraphChange(
                kind: diff.isIdentical ? .kept : .reworded, old: oldParagraph, new: newParagraph,
                similarity: diff.similarity, diff: diff)
        ]
        similarity = diff.similarity
    }

    private static func group(_ paragraph: StoredParagraph) -> UInt8 {
        paragraph.kind == ParagraphKind.subparagraph.rawValue ? ParagraphKind.operative.rawValue : paragraph.kind
    }

    private static func bag(_ words: WordSequence) -> [String: Int] {
        var counts: [String: Int] = [:]
        for word in words.words { counts[word, default: 0] += 1 }
        return counts
    }

    private static func bagSimilarity(_ a: [String: Int], _ b: [String: Int], _ countA: Int, _ countB: Int) -> Double {
        if countA + countB == 0 { return 1 }
        var common = 0
        let (small, large) = a.count <= b.count ? (a, b) : (b, a)
        for (word, count) in small { common += min(count, large[word] ?? 0) }
        return Double(2 * common) / Double(countA + countB)
    }

    /// New indices of the pairs on the longest chain whose old indices increase with the new ones.
    private static func longestIncreasingChain(_ pairs: [(new: Int, old: Int)]) -> Set<Int> {
        guard !pairs.isEmpty else { return [] }
        var tails: [Int] = []  // index into pairs of the smallest tail of each chain length
        var previous = [Int](repeating: -1, count: pairs.count)
        for (index, pair) in pairs.enumerated() {
            var low = 0
            var high = tails.count
            while low < high {
                let mid = (low + high) / 2
                if pairs[tails[mid]].old < pair.old { low = mid + 1 } else { high = mid }
            }
            previous[index] = low > 0 ? tails[low - 1] : -1
            if low == tails.count { tails.append(index) } else { tails[low] = index }
        }
        var chain = Set<Int>()
        var cursor = tails.last!
        while cursor >= 0 {
            chain.insert(pairs[cursor].new)
            cursor = previous[cursor]
        }
        return chain
    }
}

extension SearchIndex {
    /// Compares two documents (ids or symbols), or two paragraphs when both references name one
    /// (`A/RES/74/153#OP3`).
    public func diff(_ oldReference: String, _ newReference: String, options: DiffOptions = DiffOptions()) throws
        -> DocumentDiff
    {
        if oldReference.contains("#") && newReference.contains("#") {
            let (_, oldDocument, oldParagraph) = try paragraph(oldReference)
            let (_, newDocument, newParagraph) = try paragraph(newReference)
            return DocumentDiff(old: oldDocument, paragraph: oldParagraph, new: newDocument, paragraph: newParagraph)
        }
        func load(_ reference: String) throws -> StoredDocument {
            let id = reference.split(separator: "#", maxSplits: 1).first.map(String.init) ?? reference
            guard let address = try locateDocument(id) else { throw DraftingError.unknownDocument(id) }
            let document = try storedDocument(at: address)
            guard document.hasText else { throw DraftingError.noStoredText(id) }
            return document
        }
        return DocumentDiff(old: try load(oldReference), new: try load(newReference), options: options)
    }

    /// The member of the document's series just before it (for `concord diff SYMBOL`), or nil.
    public func previousInSeries(_ reference: String) throws -> SeriesMember? {
        guard let address = try locateDocument(reference) else { throw DraftingError.unknownDocument(reference) }
        let catalog = try seriesCatalog()
        guard let group = catalog.group(of: address) else { return nil }
        let members = try catalog.series(group, snapshot: snapshot).members
        guard let index = members.firstIndex(where: { $0.address == address }), index > 0 else { return nil }
        return members[index - 1]
    }
}
