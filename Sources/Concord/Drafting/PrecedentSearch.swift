import ConcordIndex
import ConcordIngest
import ConcordQuery
import ConcordText

/// Settings of a precedent search.
public struct PrecedentOptions: Sendable {
    /// Paragraphs to return.
    public var limit: Int
    /// Documents fetched from the postings of the text's rarer words and examined paragraph by paragraph.
    public var candidateDocuments: Int
    /// How many of the text's rarest words select the candidates.
    public var rareTerms: Int
    /// Words per shingle (1...3); shorter texts use their length.
    public var shingleSize: Int

    /// Defaults: 10 results from 200 candidate documents, 12 rare words, 3-word shingles.
    public init(limit: Int = 10, candidateDocuments: Int = 200, rareTerms: Int = 12, shingleSize: Int = 3) {
        self.limit = limit
        self.candidateDocuments = candidateDocuments
        self.rareTerms = rareTerms
        self.shingleSize = min(max(shingleSize, 1), 3)
    }
}

/// A paragraph that shares wording with the searched text.
public struct Precedent: Sendable {
    /// Where the document is.
    public var address: DocumentAddress
    /// External id.
    public var id: String
    /// UN symbol, if any.
    public var symbol: String?
    /// Document title.
    public var title: String
    /// Year, if known.
    public var year: Int64?
    /// Paragraph label (`OP3`).
    public var paragraph: String
    /// Opening verb of the paragraph, if any.
    public var verb: String?
    /// Paragraph text.
    public var text: String
    /// Shingles (runs of `shingleSize` words) of the searched text found in the paragraph.
    public var sharedShingles: Int
    /// `sharedShingles` over the searched text's shingles (0...1): how much of it is covered.
    public var score: Double
    /// Share of the paragraph's shingles that come from the searched text (0...1).
    public var containment: Double
    /// The longest run of words both share, as written in the paragraph.
    public var longestShared: String
    /// Its length in words.
    public var longestSharedWords: Int

    /// How users name the document: its symbol, else its id.
    public var reference: String { symbol ?? id }
}

/// The answer of a precedent search.
public struct PrecedentResult: Sendable {
    /// The searched text.
    public var text: String
    /// The paragraph the text was taken from (`A/RES/70/153#OP3`), if it was given by reference.
    public var source: String?
    /// Best paragraphs first.
    public var precedents: [Precedent]
    /// Shingles of the searched text.
    public var queryShingles: Int
    /// Candidate documents examined.
    public var documentsExamined: Int
    /// Paragraphs compared.
    public var paragraphsExamined: Int
    /// Wall time.
    public var tookMilliseconds: Double
}

extension SearchIndex {
    /// Paragraphs anywhere in the index with the most verbatim overlap with `text`: candidate
    /// documents come from the postings of the text's rarer words (those holding most of them), then
    /// every paragraph of those documents is scored by shared word shingles on its stored text.
    /// Ties rank the paragraph the text covers most closely first.
    public func similarParagraphs(to text: String, options: PrecedentOptions = PrecedentOptions()) throws
        -> PrecedentResult
    {
        try similarParagraphs(text, source: nil, excluding: nil, options: options)
    }

    /// Precedents of one stored paragraph (`A/RES/70/153#OP3`); the paragraph itself is left out.
    public func similarParagraphs(toParagraph reference: String, options: PrecedentOptions = PrecedentOptions())
        throws -> PrecedentResult
    {
        let (address, document, paragraph) = try paragraph(reference)
        let name = (document.field("symbol").flatMap { if case .keyword(let s) = $0 { s } else { nil } } ?? document.id)
        return try similarParagraphs(
            paragraph.text, source: name + "#" + paragraph.label, excluding: (address, paragraph.label),
            options: options)
    }

    /// Resolves `ID#PARA` (id or symbol, `#`, label) to its stored paragraph.
    public func paragraph(_ reference: String) throws -> (DocumentAddress, StoredDocument, StoredParagraph) {
        guard let hash = reference.lastIndex(of: "#") else {
            throw DraftingError.unknownParagraph(document: reference, label: "(none)", available: [])
        }
        let id = String(reference[..<hash])
        let label = String(reference[reference.index(after: hash)...])
        guard let address = try locateDocument(id) else { throw DraftingError.unknownDocument(id) }
        let document = try storedDocument(at: address)
        guard document.hasText else { throw DraftingError.noStoredText(id) }
        guard let paragraph = document.paragraphs.first(where: { $0.label.uppercased() == label.uppercased() }) else {
            throw DraftingError.unknownParagraph(
                document: id, label: label, available: document.paragraphs.map(\.label))
        }
        return (address, document, paragraph)
    }

    private func similarParagraphs(
        _ text: String, source: String?, excluding: (DocumentAddress, String)?, options: PrecedentOptions
    ) throws -> PrecedentResult {
        let started = MonotonicClock.now()
        var locator = PhraseLocator(PhraseLocator.stripNumbering(text))
        let queryIds = locator.queryIds
        let size = min(max(options.shingleSize, 1), 3, max(queryIds.count, 1))
        let queryShingles = Set(Self.shingles(queryIds, size: size))
        var scored: [(address: DocumentAddress, paragraph: Int, shared: Int, containment: Double, year: Int64?)] = []
        var documents: [DocumentAddress: StoredDocument] = [:]
        var paragraphsExamined = 0
        let candidates =
            queryShingles.isEmpty
            ? []
            : try candidateDocuments(
                for: locator.query.text, count: options.candidateDocuments, rareTerms: options.rareTerms)
        for address in candidates {
            let document = try storedDocument(at: address)
            guard document.hasText else { continue }
            documents[address] = document
            let year = snapshot.segments[address.segment].number("year", doc: address.doc)
            for (index, paragraph) in document.paragraphs.enumerated() where PhraseLocator.isSearchable(paragraph) {
                if let excluding, excluding.0 == address, excluding.1 == paragraph.label { continue }
                paragraphsExamined += 1
                let (_, ids) = locator.sequence(paragraph.text)
                let shingles = Self.shingles(ids, size: size)
                guard !shingles.isEmpty else { continue }
                var seen = Set<Int>()
                for shingle in shingles where shingle >= 0 && queryShingles.contains(shingle) { seen.insert(shingle) }
                if seen.isEmpty { continue }
                scored.append((address, index, seen.count, Double(seen.count) / Double(shingles.count), year))
            }
        }
        scored.sort { a, b in
            if a.shared != b.shared { return a.shared > b.shared }
            if a.containment != b.containment { return a.containment > b.containment }
            if a.year != b.year { return (a.year ?? Int64.min) > (b.year ?? Int64.min) }
            if a.address != b.address { return a.address < b.address }
            return a.paragraph < b.paragraph
        }
        var precedents: [Precedent] = []
        for entry in scored.prefix(max(options.limit, 0)) {
            let document = documents[entry.address]!
            let paragraph = document.paragraphs[entry.paragraph]
            let (words, ids) = locator.sequence(paragraph.text)
            let run = WordDiff.longestCommonRun(queryIds, ids)
            var symbol: String?
            if case .keyword(let text)? = document.field("symbol") { symbol = text }
            precedents.append(
                Precedent(
                    address: entry.address, id: document.id, symbol: symbol, title: document.title, year: entry.year,
                    paragraph: paragraph.label, verb: paragraph.verb, text: paragraph.text,
                    sharedShingles: entry.shared, score: Double(entry.shared) / Double(max(queryShingles.count, 1)),
                    containment: entry.containment,
                    longestShared: words.passage(run.bStart..<(run.bStart + run.length)),
                    longestSharedWords: run.length))
        }
        return PrecedentResult(
            text: locator.query.text, source: source, precedents: precedents, queryShingles: queryShingles.count,
            documentsExamined: documents.count, paragraphsExamined: paragraphsExamined,
            tookMilliseconds: MonotonicClock.milliseconds(since: started))
    }

    /// Hashes of every run of `size` ids; runs with an unknown word (-1) hash to -1.
    static func shingles(_ ids: [Int], size: Int) -> [Int] {
        guard size > 0, ids.count >= size else { return [] }
        var out: [Int] = []
        out.reserveCapacity(ids.count - size + 1)
        for start in 0...(ids.count - size) {
            var hash = 0
            var unknown = false
            for offset in 0..<size {
                let id = ids[start + offset]
                if id < 0 || id >= 1 << 20 {
                    unknown = true
                    break
                }
                hash = hash << 21 | id
            }
            out.append(unknown ? -1 : hash)
        }
        return out
    }

    /// The `count` documents holding the most of the text's `rareTerms` rarest words (smallest
    /// document frequency; words absent from the index are skipped), each word weighing its idf
    /// once whatever its frequency: a coordination score read straight from the postings, so long
    /// documents are not penalised as BM25 would, and frequent words cost nothing.
    func candidateDocuments(for text: String, count: Int, rareTerms: Int = 12) throws -> [DocumentAddress] {
        var analyzer = Analyzer(stemming: true)
        var terms: [(key: [UInt8], df: UInt64)] = []
        var seen = Set<String>()
        for token in analyzer.tokens(text) where !token.isWhole && seen.insert(token.stem).inserted {
            let key = [TermField.body.rawValue] + Array(token.stem.utf8)
            let df = try snapshot.documentFrequency(key)
            if df > 0 { terms.append((key, df)) }
        }
        guard !terms.isEmpty, count > 0 else { return [] }
        terms.sort { $0.df != $1.df ? $0.df < $1.df : $0.key.lexicographicallyPrecedes($1.key) }
        let selected = terms.prefix(max(rareTerms, 1))
        let total = max(snapshot.statisticsDocumentCount, 1)
        let weights = selected.map { Float(BM25().idf(documentFrequency: $0.df, documentCount: total)) }
        var best: [(score: Float, address: DocumentAddress)] = []
        for (index, segment) in snapshot.segments.enumerated() {
            var scores = [Float](repeating: 0, count: Int(segment.documentCount))
            for (term, weight) in zip(selected, weights) {
                guard let info = try segment.termInfo(term.key) else { continue }
                let cursor = segment.cursor(info)
                while cursor.doc != PostingsCursor.terminated {
                    scores[Int(cursor.doc)] += weight
                    cursor.advance()
                }
                if cursor.isCorrupt {
                    throw IndexCorruption(
                        file: segment.fileNames[1], offset: nil,
                        reason: "postings are inconsistent (run `concord check` and rebuild the index)")
                }
            }
            for doc in scores.indices where scores[doc] > 0 && !segment.isDeleted(UInt32(doc)) {
                best.append((scores[doc], DocumentAddress(segment: index, doc: UInt32(doc))))
            }
            // Keep the list short: the best `count` so far.
            if best.count > 4 * count {
                best.sort { $0.score != $1.score ? $0.score > $1.score : $0.address < $1.address }
                best.removeLast(best.count - count)
            }
        }
        best.sort { $0.score != $1.score ? $0.score > $1.score : $0.address < $1.address }
        return best.prefix(count).map(\.address)
    }
}
