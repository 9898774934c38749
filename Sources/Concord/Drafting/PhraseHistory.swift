import ConcordIndex
import ConcordIngest
import ConcordQuery
import ConcordText

/// Settings of a phrase history.
public struct PhraseHistoryOptions: Sendable {
    /// Least similarity (0...1, words weighted by rarity) for a near match to count as a variant.
    public var variantThreshold: Double

    /// Defaults: variants from 0.6.
    public init(variantThreshold: Double = 0.6) {
        self.variantThreshold = variantThreshold
    }
}

/// Whether a member of a series holds the text.
public enum PhrasePresence: String, Sendable {
    /// The words occur in this order in a paragraph (case, diacritics and punctuation aside).
    case verbatim
    /// A passage close enough (similarity at or above the threshold) occurs.
    case variant
    /// Neither.
    case absent
}

/// A passage of a paragraph matched against the searched text.
public struct PhraseMatch: Sendable {
    /// Label of the paragraph (`OP5`).
    public var paragraph: String
    /// The passage, as written in the paragraph.
    public var text: String
    /// Up to a few words before the passage, up to its first word ("… " when the paragraph
    /// goes on before them).
    public var before: String
    /// What follows the passage: its punctuation and a few words (" …" when more follow).
    public var after: String
    /// Similarity of the passage to the searched text (1 for verbatim): Dice over words, each
    /// weighted by its rarity in the index (idf), so shared boilerplate counts for little.
    public var similarity: Double
    /// Plain word similarity (Dice, every word counting 1).
    public var wordSimilarity: Double { diff.similarity }
    /// Word diff from the searched text to the passage.
    public var diff: WordDiff
}

/// What one member of the series holds.
public struct PhraseHistoryEntry: Sendable {
    /// The member.
    public var member: SeriesMember
    /// Verbatim, variant or absent.
    public var presence: PhrasePresence
    /// Paragraphs with a verbatim occurrence (all of them), or the variant's paragraph.
    public var paragraphs: [String]
    /// The first verbatim occurrence, the variant, or (when absent) the nearest miss.
    public var match: PhraseMatch?

    /// Similarity of the best match (0 without one).
    public var similarity: Double { presence == .verbatim ? 1 : match?.similarity ?? 0 }
}

/// The life of a phrase or paragraph through the members of one series, in year order.
public struct PhraseHistory: Sendable {
    /// The searched text (leading paragraph numbering removed).
    public var text: String
    /// The series followed.
    public var series: Series
    /// One entry per member, in year order.
    public var entries: [PhraseHistoryEntry]
    /// Names of other series that also hold the text (when no series was named).
    public var otherSeries: [String]
    /// Wall time.
    public var tookMilliseconds: Double

    /// The first member holding the text (verbatim or as a variant).
    public var firstAppeared: PhraseHistoryEntry? { entries.first { $0.presence != .absent } }

    /// The first member holding it verbatim.
    public var firstVerbatim: PhraseHistoryEntry? { entries.first { $0.presence == .verbatim } }

    /// The last member holding it.
    public var lastPresent: PhraseHistoryEntry? { entries.last { $0.presence != .absent } }

    /// The member after the last one holding it: where it disappeared (nil if still present).
    public var dropped: PhraseHistoryEntry? {
        guard let last = entries.lastIndex(where: { $0.presence != .absent }), last + 1 < entries.count else {
            return nil
        }
        return entries[last + 1]
    }
}

/// Finds a text in the paragraphs of stored documents: verbatim runs of words, else the closest
/// passage (approximate substring match over words).
struct PhraseLocator {
    let query: WordSequence
    let queryIds: [Int]
    private var vocabulary: [String: Int] = [:]
    private var analyzer = Analyzer(stemming: false)
    private let weight: (String) -> Double

    /// Paragraph kinds searched: all but the header and the closing line.
    static func isSearchable(_ paragraph: StoredParagraph) -> Bool {
        paragraph.kind != ParagraphKind.head.rawValue && paragraph.kind != ParagraphKind.closing.rawValue
    }

    init(_ text: String, weight: @escaping (String) -> Double = { _ in 1 }) {
        self.weight = weight
        var analyzer = Analyzer(stemming: false)
        query = WordSequence(text, analyzer: &analyzer)
        var vocabulary: [String: Int] = [:]
        var ids: [Int] = []
        for word in query.words {
            if vocabulary[word] == nil { vocabulary[word] = vocabulary.count }
            ids.append(vocabulary[word]!)
        }
        queryIds = ids
        self.vocabulary = vocabulary
        self.analyzer = analyzer
    }

    /// Words of `text` as query ids (-1 for words the query lacks).
    mutating func sequence(_ text: String) -> (WordSequence, [Int]) {
        let sequence = WordSequence(text, analyzer: &analyzer)
        return (sequence, sequence.words.map { vocabulary[$0] ?? -1 })
    }

    /// Verbatim paragraphs, and the best match (the first verbatim one, else the closest passage).
    mutating func locate(in document: StoredDocument) -> (verbatim: [String], best: PhraseMatch?) {
        guard !queryIds.isEmpty else { return ([], nil) }
        var verbatim: [String] = []
        var best: PhraseMatch?
        for paragraph in document.paragraphs where Self.isSearchable(paragraph) {
            let (words, ids) = sequence(paragraph.text)
            if let start = Self.firstOccurrence(of: queryIds, in: ids) {
                verbatim.append(paragraph.label)
                if best == nil || best!.similarity < 1 {
                    best = match(paragraph.label, words, start..<(start + queryIds.count))
                }
                continue
            }
            if !verbatim.isEmpty { continue }
            guard let window = WordDiff.closestWindow(of: queryIds, in: ids) else { continue }
            let candidate = match(paragraph.label, words, window.range)
            if candidate.diff.matched > 0 && (best == nil || candidate.similarity > best!.similarity) {
                best = candidate
            }
        }
        return (verbatim, best)
    }

    private func match(_ label: String, _ words: WordSequence, _ range: Range<Int>) -> PhraseMatch {
        let passage = words.passage(range)
        let window = WordSequence(passage)
        let diff = WordDiff(from: query, to: window)
        let similarity = diff.isIdentical ? 1 : diff.weightedSimilarity(old: query, new: window, weight: weight)
        let contextWords = 6
        let beforeStart = max(0, range.lowerBound - contextWords)
        let afterEnd = min(words.count, range.upperBound + contextWords)
        // Context keeps the paragraph's own spacing and punctuation up to the passage.
        var before = words.span(from: beforeStart, to: range.lowerBound, endingAtWord: false)
        if !before.isEmpty && beforeStart > 0 { before = "… " + before }
        var after = ""
        if range.upperBound < words.count {
            let tail = words.span(from: range.upperBound, to: afterEnd, endingAtWord: true)
            after = words.gap(before: range.upperBound) + tail + (afterEnd < words.count ? " …" : "")
        }
        return PhraseMatch(
            paragraph: label, text: passage, before: before, after: after, similarity: similarity, diff: diff)
    }

    static func firstOccurrence(of needle: [Int], in haystack: [Int]) -> Int? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        outer: for start in 0...(haystack.count - needle.count) {
            for offset in 0..<needle.count where haystack[start + offset] != needle[offset] { continue outer }
            return start
        }
        return nil
    }

    /// Removes a leading paragraph number or letter a pasted paragraph may carry ("3. ", "- 3. ", "(a) ").
    static func stripNumbering(_ text: String) -> String {
        var scalars = Substring(text).drop { $0.isWhitespace }
        if let first = scalars.first, "-*•–".contains(first) { scalars = scalars.dropFirst().drop { $0.isWhitespace } }
        let digits = scalars.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty {
            let rest = scalars.dropFirst(digits.count)
            if let mark = rest.first, mark == "." || mark == ")", rest.dropFirst().first?.isWhitespace ?? false {
                return String(rest.dropFirst().drop { $0.isWhitespace })
            }
        }
        if scalars.first == "(", let close = scalars.firstIndex(of: ")"),
            scalars.distance(from: scalars.startIndex, to: close) <= 5,
            scalars[scalars.index(after: scalars.startIndex)..<close].allSatisfy({ $0.isLetter || $0.isNumber }),
            scalars[scalars.index(after: close)...].first?.isWhitespace ?? false
        {
            return String(scalars[scalars.index(after: close)...].drop { $0.isWhitespace })
        }
        return String(scalars)
    }
}

extension SearchIndex {
    /// Follows `text` (a phrase or a whole paragraph) through the members of a series in year
    /// order. With `series` nil, the series is the only one of the index, or the one whose
    /// members most often hold the text (found from the postings of its rarer words).
    public func phraseHistory(
        _ text: String, series seriesName: String? = nil, options: PhraseHistoryOptions = PhraseHistoryOptions()
    ) throws -> PhraseHistory {
        let started = MonotonicClock.now()
        let cleaned = PhraseLocator.stripNumbering(text)
        var locator = PhraseLocator(cleaned, weight: IdfWeights(snapshot: snapshot).weight)
        let catalog = try seriesCatalog()
        var others: [String] = []
        let group: Int
        if let seriesName {
            group = try resolve(seriesName, in: catalog)
        } else if catalog.groups.count == 1 {
            group = 0
        } else {
            var votes: [Int: Int] = [:]
            for address in try candidateDocuments(for: cleaned, count: 100) {
                guard let candidate = catalog.group(of: address) else { continue }
                let document = try storedDocument(at: address)
                let (verbatim, best) = locator.locate(in: document)
                if !verbatim.isEmpty || (best?.similarity ?? 0) >= options.variantThreshold {
                    votes[candidate, default: 0] += 1
                }
            }
            let ranked = votes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            guard let top = ranked.first else { throw DraftingError.notInAnySeries(cleaned) }
            group = top.key
            others = try ranked.dropFirst().map { try catalog.series($0.key, snapshot: snapshot).name }
        }
        let series = try catalog.series(group, snapshot: snapshot)
        var entries: [PhraseHistoryEntry] = []
        for member in series.members {
            let document = try storedDocument(at: member.address)
            guard document.hasText else { throw DraftingError.noStoredText(member.reference) }
            let (verbatim, best) = locator.locate(in: document)
            let presence: PhrasePresence
            if !verbatim.isEmpty {
                presence = .verbatim
            } else if let best, best.similarity >= options.variantThreshold {
                presence = .variant
            } else {
                presence = .absent
            }
            let paragraphs = presence == .verbatim ? verbatim : presence == .variant ? [best!.paragraph] : []
            entries.append(PhraseHistoryEntry(member: member, presence: presence, paragraphs: paragraphs, match: best))
        }
        return PhraseHistory(
            text: cleaned, series: series, entries: entries, otherSeries: others,
            tookMilliseconds: MonotonicClock.milliseconds(since: started))
    }
}

/// Word weights for similarities: the BM25 idf of the word's exact form in the index, cached.
final class IdfWeights {
    private let snapshot: IndexSnapshot
    private var cache: [String: Double] = [:]

    init(snapshot: IndexSnapshot) {
        self.snapshot = snapshot
    }

    /// idf = ln(1 + (N − n + 0.5) / (n + 0.5)) of the folded word (absent words weigh most).
    func weight(_ word: String) -> Double {
        if let known = cache[word] { return known }
        let frequency = (try? snapshot.documentFrequency([TermField.exact.rawValue] + Array(word.utf8))) ?? 0
        let value = BM25().idf(documentFrequency: frequency, documentCount: max(snapshot.statisticsDocumentCount, 1))
        cache[word] = value
        return value
    }
}
