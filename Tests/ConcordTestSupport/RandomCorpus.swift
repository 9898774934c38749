import ConcordIndex
import ConcordQuery
import ConcordText

/// One step of building an index: what the differential test applies to both `IndexWriter`
/// and `ReferenceEngine`.
package enum CorpusOperation: Sendable {
    /// `IndexWriter.add` (an existing id is replaced).
    case add(ReferenceDocument)
    /// `IndexWriter.delete(id:)` (the id may not exist).
    case delete(String)
    /// `IndexWriter.commit()`.
    case commit
    /// `IndexWriter.mergeAll()`: one segment, deleted documents dropped.
    case mergeAll
}

/// The words a random corpus is written with, most frequent first once shuffled per seed.
package enum RandomVocabulary {
    /// Frequent function words; indexed and scored like any term (DESIGN §3).
    package static let stopWords = [
        "the", "of", "and", "to", "in", "a", "for", "on", "that", "with", "by", "as", "is", "be", "its", "at",
        "all", "not", "or", "from",
    ]

    /// Content words in stemming families (`cooperation`, `cooperate`, `cooperating`…).
    package static let contentWords = [
        "human", "rights", "right", "development", "developing", "develop", "developed", "cooperation",
        "cooperate", "cooperative", "cooperating", "international", "nations", "nation", "national", "united",
        "general", "assembly", "resolution", "resolutions", "states", "state", "stated", "member", "members",
        "council", "security", "peace", "peaceful", "women", "woman", "children", "child", "education",
        "educational", "health", "economic", "economy", "social", "society", "sustainable", "sustainability",
        "report", "reports", "reporting", "reported", "urges", "urge", "urged", "requests", "request",
        "requested", "recalling", "recall", "reaffirming", "reaffirm", "noting", "note", "notes", "welcomes",
        "welcome", "decides", "decide", "decision", "protection", "protect", "protecting", "promote",
        "promotion", "promoting", "freedom", "freedoms", "expression", "violence", "violent", "torture",
        "dialogue", "dialogues", "bridging", "bridge", "bridges", "bridged", "agreed", "agree", "agreement",
        "language", "languages", "implementation", "implement", "secretary", "programme", "action", "actions",
        "climate", "change", "changes", "changing", "water", "food", "poverty", "support", "supporting",
        "financial", "finance", "trade", "migrants", "migration", "refugees", "refugee", "conflict",
        "conflicts", "operation", "operational",
    ]

    /// Folding cases (diacritics, ligatures, full-width, `ß`), apostrophes, numbers.
    package static let specialWords = [
        "café", "Café", "naïve", "ﬁnance", "Ｕｎｉｔｅｄ", "résumé", "straße", "don't", "States'", "women's",
        "2015", "2030", "70", "153", "1", "10", "2000",
    ]

    /// Compounds and identifiers, searchable whole and as parts (DESIGN §3).
    package static let compounds = [
        "self-determination", "follow-up", "non-governmental", "COVID-19", "decision-making", "well-being",
        "co-operation", "70/153", "71/1", "U.S.", "3.5",
    ]

    /// Identifiers holding a numeric run besides the whole (`70/153` inside `A/RES/70/153`).
    package static let identifiersWithNumericRuns = ["A/RES/70/153", "A/70/489/Add.2"]

    /// A long tail of made-up words from syllables, some with English endings.
    package static func syntheticWords(count: Int) -> [String] {
        let onsets = ["b", "k", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr"]
        let vowels = ["a", "e", "i", "o", "u", "ai", "ou"]
        let endings = ["", "", "", "s", "ing", "ed", "ation", "ly", "er"]
        var random = SplitMix64(seed: 0x5EED_0F_C0DA)
        var words: [String] = []
        var seen: Set<String> = []
        while words.count < count {
            var word = ""
            for _ in 0..<random.int(in: 1...3) { word += random.pick(onsets) + random.pick(vowels) }
            word += random.pick(endings)
            if seen.insert(word).inserted { words.append(word) }
        }
        return words
    }
}

/// A seeded random corpus: a script of adds (some replacing an id), deletes, commits and
/// sometimes a full merge, over a Zipfian vocabulary. Documents have titles (sometimes repeated
/// as a first paragraph, as `Indexer` does for JSONL), several paragraphs (some empty, a few
/// very long), repeated words, compounds, numbers and identifiers, a `symbol` keyword and a
/// `year` number.
package struct RandomCorpus: Sendable {
    /// The seed everything derives from.
    package let seed: UInt64
    /// Steps in order; the script ends with a commit.
    package private(set) var operations: [CorpusOperation] = []
    /// Writer memory budget in bytes: small, so several segments are flushed.
    package let memoryBudget: Int
    /// Vocabulary by rank (rank 0 most frequent).
    package let vocabulary: [String]
    /// Symbols given to documents.
    package private(set) var symbols: [String] = []
    /// Paragraph texts of added documents, to cut phrases from.
    package private(set) var paragraphs: [String] = []
    /// Titles of added documents.
    package private(set) var titles: [String] = []

    /// The stem of a family of `familySize` forms (`zeta0`…) some documents list, or nil.
    package private(set) var prefixFamily: String?
    /// Forms in the prefix family: more than `QueryPlanner.maxPrefixExpansions`.
    package static let familySize = 400

    private let zipf: ZipfSampler

    /// Whether titles may hold terms too long to index (a known merge difference, see the tests).
    private let longTitleTerms: Bool

    /// Builds the corpus of `seed`; `scale` multiplies the number of documents; `longTitleTerms`
    /// lets titles hold over-long (skipped) terms.
    package init(seed: UInt64, scale: Int = 1, longTitleTerms: Bool = false) {
        self.seed = seed
        self.longTitleTerms = longTitleTerms
        var random = SplitMix64(seed: seed)
        var ranked =
            RandomVocabulary.contentWords + RandomVocabulary.specialWords + RandomVocabulary.compounds
            + RandomVocabulary.identifiersWithNumericRuns + RandomVocabulary.syntheticWords(count: 160)
        // Fisher–Yates, then the stop words on top: the head of the distribution.
        for index in stride(from: ranked.count - 1, to: 0, by: -1) {
            ranked.swapAt(index, random.below(index + 1))
        }
        vocabulary = RandomVocabulary.stopWords + ranked
        zipf = ZipfSampler(count: vocabulary.count, exponent: 1.0 + random.unit() * 0.3)
        // An empty buffer already holds its interner tables; a little more flushes every few documents.
        memoryBudget = SegmentBuffer().memoryUsage + random.int(in: 4_000...60_000)

        let documentCount = random.int(in: 10...70) * scale
        var ids: [String] = []
        let mergeAt = random.chance(0.25) ? random.below(documentCount) : -1
        // Some corpora hold a family of more surface forms than a prefix expands to.
        prefixFamily = random.chance(0.2) ? "zeta" : nil
        let catalogues = Set((0..<(prefixFamily == nil ? 0 : 4)).map { _ in random.below(documentCount) })
        for number in 0..<documentCount {
            if let family = prefixFamily, catalogues.contains(number) {
                // Half uniform, half skewed to low numbers, so document frequencies differ.
                let words = (0..<random.int(in: 200...400)).map { _ in
                    let skew = random.chance(0.5) ? random.unit() : 1
                    return family + String(Int(Double(RandomCorpus.familySize) * random.unit() * skew))
                }
                operations.append(
                    .add(
                        ReferenceDocument(
                            id: "catalogue-\(number)", title: "", paragraphs: [words.joined(separator: " ")])))
            }
            let id: String
            if !ids.isEmpty && random.chance(0.08) {
                id = random.pick(ids)  // update by id
            } else {
                id = "doc-\(number)"
                ids.append(id)
            }
            operations.append(.add(makeDocument(id: id, random: &random)))
            if !ids.isEmpty && random.chance(0.06) {
                operations.append(.delete(random.chance(0.9) ? random.pick(ids) : "missing-\(number)"))
            }
            if random.chance(0.04) { operations.append(.commit) }
            if number == mergeAt { operations.append(.mergeAll) }
        }
        operations.append(.commit)
    }

    private mutating func word(_ random: inout SplitMix64) -> String {
        let word = zipf.word(from: vocabulary, using: &random)
        return random.chance(0.08) ? word.prefix(1).uppercased() + word.dropFirst() : word
    }

    private mutating func text(words count: Int, longTerms: Bool = true, _ random: inout SplitMix64) -> String {
        var words: [String] = []
        while words.count < count {
            let roll = random.unit()
            if roll < 0.03, let last = words.last {
                // A burst of repeats: `the the the`, `a b a b`.
                let previous = words.count >= 2 ? words[words.count - 2] : last
                for index in 0..<random.int(in: 1...4) { words.append(index % 2 == 0 ? last : previous) }
            } else if roll < 0.035 && longTerms {
                words.append(String(repeating: "x", count: random.int(in: 256...300)))  // too long: skipped
            } else {
                words.append(word(&random))
            }
            if random.chance(0.06) { words[words.count - 1] += random.pick([",", ".", ";", ":", " -", " /"]) }
        }
        return words.joined(separator: " ")
    }

    private mutating func makeDocument(id: String, random: inout SplitMix64) -> ReferenceDocument {
        let title = random.chance(0.2) ? "" : text(words: random.int(in: 1...8), longTerms: longTitleTerms, &random)
        var paragraphs: [String] = []
        if !title.isEmpty && random.chance(0.4) { paragraphs.append(title) }
        let paragraphCount = random.chance(0.05) ? 0 : random.int(in: 1...6)
        for _ in 0..<paragraphCount {
            let roll = random.unit()
            if roll < 0.06 {
                paragraphs.append(random.chance(0.5) ? "" : "-- ; .")
            } else if roll < 0.09 {
                paragraphs.append(text(words: random.int(in: 300...1_500), &random))
            } else {
                paragraphs.append(text(words: random.int(in: 1...40), &random))
            }
        }
        var keywords: [String: String] = [:]
        if random.chance(0.7) {
            let symbol = "A/RES/\(random.int(in: 55...79))/\(random.int(in: 1...300))"
            symbols.append(symbol)
            keywords["symbol"] = random.chance(0.1) ? symbol.lowercased() : symbol
        }
        var numbers: [String: Int64] = [:]
        if random.chance(0.75) { numbers["year"] = Int64(random.int(in: 1995...2024)) }
        self.paragraphs += paragraphs.filter { !$0.isEmpty }
        if !title.isEmpty { titles.append(title) }
        return ReferenceDocument(id: id, title: title, paragraphs: paragraphs, keywords: keywords, numbers: numbers)
    }
}

/// A query as text and the default operator to run it with.
package struct RandomQuery: Sendable, CustomStringConvertible {
    /// The query text (the real parser accepts it).
    package var text: String
    /// Operator between adjacent clauses.
    package var defaultOperator: DefaultOperator

    /// The text, with the operator when it is AND.
    package var description: String { defaultOperator == .and ? "\(text)  [--and]" : text }
}

/// Random queries of every class over a corpus: words, +/-, AND/OR/NOT, parentheses, phrases
/// (cut from the corpus so they match) with slop, NEAR/ONEAR with phrase operands, =exact,
/// prefix*, title:, symbol: (exact and prefix) and year ranges.
package struct RandomQueryGenerator {
    private let corpus: RandomCorpus
    private var random: SplitMix64
    /// The stem of a family of `familySize` forms (`zeta0`…) some documents list, or nil.
    package private(set) var prefixFamily: String?
    /// Forms in the prefix family: more than `QueryPlanner.maxPrefixExpansions`.
    package static let familySize = 400

    private let zipf: ZipfSampler
    private var analyzer = Analyzer(stemming: true)
    /// Whether to write words the engine is known to read differently (see the test's notes).
    package var includeKnownIssues: Bool

    /// A generator for `corpus`, seeded independently of it.
    package init(corpus: RandomCorpus, seed: UInt64, includeKnownIssues: Bool = false) {
        self.corpus = corpus
        random = SplitMix64(seed: seed)
        zipf = ZipfSampler(count: corpus.vocabulary.count, exponent: 1.0)
        self.includeKnownIssues = includeKnownIssues
    }

    /// The next query.
    package mutating func next() -> RandomQuery {
        let defaultOperator: DefaultOperator = random.chance(0.15) ? .and : .or
        return RandomQuery(text: group(depth: 0), defaultOperator: defaultOperator)
    }

    private mutating func group(depth: Int) -> String {
        let count = random.chance(0.35) ? 1 : random.int(in: 2...4)
        var text = ""
        for index in 0..<count {
            if index > 0 {
                let roll = random.unit()
                text += roll < 0.6 ? " " : roll < 0.8 ? " AND " : " OR "
            }
            text += clause(depth: depth)
        }
        return text
    }

    private mutating func clause(depth: Int) -> String {
        let roll = random.unit()
        let mark = roll < 0.15 ? "+" : roll < 0.25 ? "-" : roll < 0.3 ? "NOT " : ""
        if depth < 2 && random.chance(0.15) {
            return mark + "(" + group(depth: depth + 1) + ")"
        }
        return mark + atom()
    }

    private mutating func atom() -> String {
        let roll = random.unit()
        switch roll {
        case ..<0.28: return plainWord()
        case ..<0.35: return "=" + plainWord()
        case ..<0.43: return prefix()
        case ..<0.58: return phrase(allowSlop: true)
        case ..<0.68: return near()
        case ..<0.76: return title()
        case ..<0.83: return symbol()
        default: return year()
        }
    }

    /// Whether the engine's reading of `word` is a known difference (a numeric run inside it).
    private mutating func hasNumericRunInside(_ word: String) -> Bool {
        analyzer.tokens(word).filter(\.isWhole).count > 1
    }

    private mutating func plainWord() -> String {
        while true {
            var word =
                random.chance(0.03)
                ? random.pick(["zzyzx", "qwertyuiop", "unseen"]) : zipf.word(from: corpus.vocabulary, using: &random)
            if !includeKnownIssues && hasNumericRunInside(word) { continue }
            if random.chance(0.1) { word = word.prefix(1).uppercased() + word.dropFirst() }
            return word
        }
    }

    private mutating func prefix() -> String {
        if let family = corpus.prefixFamily, random.chance(0.3) {
            return random.pick([family, String(family.dropLast()), family + "1", family + "2"]) + "*"
        }
        while true {
            let word = zipf.word(from: corpus.vocabulary, using: &random)
            let scalars = Array(word.unicodeScalars)
            let isSimple = scalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) }
            if !isSimple && !includeKnownIssues { continue }
            let length = random.int(in: 1...max(1, min(scalars.count, 6)))
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars.prefix(length))
            if text.hasSuffix("-") || text.hasSuffix("/") || text.hasSuffix(".") { continue }
            return text + "*"
        }
    }

    /// Two to four consecutive words of a corpus paragraph (or random words).
    private mutating func phraseWords(_ range: ClosedRange<Int>) -> [String] {
        let count = random.int(in: range)
        if !corpus.paragraphs.isEmpty && random.chance(0.8) {
            let words = random.pick(corpus.paragraphs).split(separator: " ").map(String.init)
                .filter { $0.utf8.count < 100 }
            if words.count >= count {
                let start = random.below(words.count - count + 1)
                return Array(words[start..<start + count])
            }
        }
        return (0..<count).map { _ in zipf.word(from: corpus.vocabulary, using: &random) }
    }

    private mutating func phrase(allowSlop: Bool) -> String {
        var words = phraseWords(2...4)
        if random.chance(0.15) { words.swapAt(0, words.count - 1) }
        var text = "\"" + words.joined(separator: " ") + "\""
        if allowSlop && random.chance(0.4) {
            text += "~\(random.chance(0.1) ? largeProximity() : random.int(in: 1...6))"
        }
        return text
    }

    /// A slop or distance up to the largest the planner accepts.
    private mutating func largeProximity() -> Int {
        random.int(in: min(20, IndexLimits.maxProximity)...IndexLimits.maxProximity)
    }

    private mutating func near() -> String {
        let ordered = random.chance(0.4)
        let keyword = ordered ? "ONEAR" : "NEAR"
        let distance = random.chance(0.05) ? largeProximity() : random.int(in: 0...8)
        let head = random.chance(0.15) ? keyword + "(" : keyword + "/\(distance)("
        var operands: [String] = []
        let source = phraseWords(2...4)
        // ONEAR over three or more operands is a known difference (the engine's greedy chain).
        let operandCount = ordered && !includeKnownIssues ? 2 : random.int(in: 2...3)
        for index in 0..<operandCount {
            let roll = random.unit()
            if roll < 0.2 {
                operands.append("\"" + phraseWords(2...2).joined(separator: " ") + "\"")
            } else if roll < 0.6 && index < source.count, let word = bareWord(source[index]) {
                operands.append(word)
            } else {
                operands.append(plainWord())
            }
        }
        if random.chance(0.3) { operands.reverse() }
        return head + operands.joined(separator: " ") + ")"
    }

    /// A word cut from text, usable outside quotes: trailing punctuation removed, and only if it
    /// starts with a letter or digit (`-` alone would be a clause mark) and is not a known issue.
    private mutating func bareWord(_ text: String) -> String? {
        var word = Substring(text)
        while let last = word.last, ",.;:".contains(last) { word = word.dropLast() }
        guard let first = word.unicodeScalars.first, first.properties.isAlphabetic || ("0"..."9").contains(first)
        else { return nil }
        if !includeKnownIssues && hasNumericRunInside(String(word)) { return nil }
        return String(word)
    }

    private mutating func title() -> String {
        if random.chance(0.25) && !corpus.titles.isEmpty {
            let words = random.pick(corpus.titles).split(separator: " ").prefix(2).map(String.init)
            if words.allSatisfy({ $0.utf8.count < 100 }) {
                return "title:\"" + words.joined(separator: " ") + "\""
            }
        }
        return "title:" + plainWord()
    }

    private mutating func symbol() -> String {
        let symbol = corpus.symbols.isEmpty ? "A/RES/70/153" : random.pick(corpus.symbols)
        let value = random.chance(0.3) ? symbol.lowercased() : symbol
        if random.chance(0.4) {
            let scalars = Array(value.unicodeScalars)
            let length = random.int(in: 1...scalars.count)
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars.prefix(length))
            return "symbol:" + text + "*"
        }
        return "symbol:" + value
    }

    private mutating func year() -> String {
        let low = random.int(in: 1993...2026)
        let high = low + random.int(in: 0...10)
        switch random.below(4) {
        case 0: return "year:\(low)"
        case 1: return "year:\(low)..\(high)"
        case 2: return "year:..\(high)"
        default: return "year:\(low).."
        }
    }
}
