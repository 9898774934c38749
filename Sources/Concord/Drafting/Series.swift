import ConcordIndex
import ConcordIngest
import ConcordText

/// Where a document lives in a snapshot: segment index and local document number.
public struct DocumentAddress: Hashable, Sendable, Comparable {
    /// Index into `IndexSnapshot.segments`.
    public var segment: Int
    /// Local document number in that segment.
    public var doc: UInt32

    /// Creates an address.
    public init(segment: Int, doc: UInt32) {
        self.segment = segment
        self.doc = doc
    }

    /// Index order: segment, then document.
    public static func < (lhs: DocumentAddress, rhs: DocumentAddress) -> Bool {
        lhs.segment != rhs.segment ? lhs.segment < rhs.segment : lhs.doc < rhs.doc
    }
}

/// Why a drafting tool (series, history, diff, similar) could not answer.
public enum DraftingError: Error, CustomStringConvertible, Equatable {
    /// No live document has this id or symbol.
    case unknownDocument(String)
    /// The document has no paragraph with this label.
    case unknownParagraph(document: String, label: String, available: [String])
    /// No series matches the name.
    case unknownSeries(String)
    /// Several series match the name.
    case ambiguousSeries(String, candidates: [String])
    /// No series contains the text (history without `--series`).
    case notInAnySeries(String)
    /// The index was built without stored text.
    case noStoredText(String)

    /// One line: what went wrong and what to do.
    public var description: String {
        switch self {
        case .unknownDocument(let reference):
            return "no document '\(reference)' in the index: check the id or UN symbol with `concord search`"
        case .unknownParagraph(let document, let label, let available):
            return "document \(document) has no paragraph \(label); it has: \(available.joined(separator: " "))"
        case .unknownSeries(let name):
            return "no series matches '\(name)': list them with `concord series`"
        case .ambiguousSeries(let name, let candidates):
            return "'\(name)' matches several series (\(candidates.joined(separator: ", "))): give more of the name"
        case .notInAnySeries(let text):
            let shown = text.count > 60 ? String(text.prefix(57)) + "..." : text
            return "no series contains \"\(shown)\": name one with --series (see `concord series`)"
        case .noStoredText(let document):
            return "the index stores no text for \(document): rebuild it with stored text (`concord index`)"
        }
    }
}

/// The keys the indexer stores so that documents of a recurring resolution form a series
/// (issue 10): `series`, a slug of the normalized title, and `cites`, the symbols the document
/// recalls as "its resolution NN/NNN" (space-separated). Only documents with a `symbol` field
/// (UN documents) get them, so generic collections pay nothing.
public enum SeriesKeys {
    /// Keyword field holding the title slug (`series:` in queries).
    public static let seriesField = "series"
    /// Keyword field holding the recalled symbols.
    public static let citesField = "cites"
    /// Longest slug kept, in bytes (cut at a word boundary).
    public static let maxSlugBytes = 160

    /// The fields to add to an ingested document (empty for documents without a symbol).
    public static func indexFields(for document: IngestDocument) -> [(name: String, value: IndexFieldValue)] {
        guard case .keyword(let symbol)? = document.fields["symbol"] else { return [] }
        var fields: [(name: String, value: IndexFieldValue)] = []
        if document.fields[citesField] == nil, let prefix = symbolPrefix(symbol) {
            var cited: [String] = []
            let kinds: Set<ParagraphKind> = [.preamble, .operative, .subparagraph, .body]
            for paragraph in document.paragraphs where kinds.contains(paragraph.kind) {
                for number in citations(in: paragraph.text) {
                    let target = prefix + number
                    if target.lowercased() != symbol.lowercased() && !cited.contains(target) { cited.append(target) }
                }
            }
            if !cited.isEmpty { fields.append((citesField, .keyword(cited.joined(separator: " ")))) }
        }
        let slug = slug(document.title)
        if document.fields[seriesField] == nil && !slug.isEmpty { fields.append((seriesField, .keyword(slug))) }
        return fields
    }

    /// Lowercased, diacritic-folded title words joined by `-` (at most `maxSlugBytes`)
    /// ("Enhancement of international cooperation…" → `enhancement-of-international-cooperation…`).
    public static func slug(_ title: String) -> String {
        var analyzer = Analyzer(stemming: false)
        var slug = ""
        for token in analyzer.tokens(title) where !token.isWhole {
            // Apostrophes inside words (`l'homme`) become separators too, so slugs stay plain.
            for word in token.surface.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
                if slug.utf8.count + word.utf8.count + 1 > maxSlugBytes { return slug }
                slug += (slug.isEmpty ? "" : "-") + word
            }
        }
        return slug
    }

    /// The symbol without its trailing `session/number` (`A/RES/70/153` → `A/RES/`), or nil.
    public static func symbolPrefix(_ symbol: String) -> String? {
        let parts = symbol.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts.suffix(2).allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigitCharacter) })
        else {
            return nil
        }
        return parts.dropLast(2).joined(separator: "/") + "/"
    }

    /// The numbers `NN/NNN` a text recalls as "its resolution(s) NN/NNN". A resolution given
    /// with its title ("its resolution 70/1 …, entitled …") is another resolution, not an
    /// earlier version of this one, and is left out.
    public static func citations(in text: String) -> [String] {
        let bytes = Array(text.utf8)
        let needle = Array("its resolution".utf8)
        var found: [String] = []
        var start = 0
        while let hit = find(needle, in: bytes, from: start) {
            start = hit + needle.count
            if hit > 0 && isWordByte(bytes[hit - 1]) { continue }
            var cursor = start
            let plural = cursor < bytes.count && lower(bytes[cursor]) == UInt8(ascii: "s")
            if plural { cursor += 1 }
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") else { continue }
            while true {
                skipSpaces(bytes, &cursor)
                guard let (number, end) = readNumber(bytes, at: cursor) else { break }
                cursor = end
                skipDate(bytes, &cursor)
                var probe = cursor
                if probe < bytes.count && bytes[probe] == UInt8(ascii: ",") { probe += 1 }
                skipSpaces(bytes, &probe)
                if !starts(with: "entitled", bytes, at: probe) && !found.contains(number) { found.append(number) }
                guard plural else { break }
                probe = cursor
                if probe < bytes.count && bytes[probe] == UInt8(ascii: ",") { probe += 1 }
                skipSpaces(bytes, &probe)
                if starts(with: "and ", bytes, at: probe) { probe += 4 }
                skipSpaces(bytes, &probe)
                guard probe < bytes.count, isDigit(bytes[probe]) else { break }
                cursor = probe
            }
            start = max(start, cursor)
        }
        return found
    }

    /// Dice overlap of the word sets of two slugs (0...1).
    static func slugSimilarity(_ a: String, _ b: String) -> Double {
        let left = Set(a.split(separator: "-"))
        let right = Set(b.split(separator: "-"))
        if left.isEmpty && right.isEmpty { return 1 }
        return Double(2 * left.intersection(right).count) / Double(left.count + right.count)
    }

    // MARK: Byte scanning

    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte + 32 : byte
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (lower(byte) >= 97 && lower(byte) <= 122) || byte >= 0x80
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            var matched = true
            for offset in 0..<needle.count where lower(bytes[index + offset]) != needle[offset] {
                matched = false
                break
            }
            if matched { return index }
            index += 1
        }
        return nil
    }

    private static func starts(with word: String, _ bytes: [UInt8], at index: Int) -> Bool {
        let needle = Array(word.utf8)
        guard index + needle.count <= bytes.count else { return false }
        for offset in 0..<needle.count where lower(bytes[index + offset]) != needle[offset] { return false }
        return true
    }

    private static func skipSpaces(_ bytes: [UInt8], _ index: inout Int) {
        while index < bytes.count && (bytes[index] == 32 || bytes[index] == 9 || bytes[index] == 10) { index += 1 }
    }

    /// `digits/digits` not followed by another digit or slash.
    private static func readNumber(_ bytes: [UInt8], at index: Int) -> (String, Int)? {
        var cursor = index
        while cursor < bytes.count && isDigit(bytes[cursor]) { cursor += 1 }
        guard cursor > index, cursor < bytes.count, bytes[cursor] == UInt8(ascii: "/") else { return nil }
        let slash = cursor
        cursor += 1
        while cursor < bytes.count && isDigit(bytes[cursor]) { cursor += 1 }
        guard cursor > slash + 1 else { return nil }
        if cursor < bytes.count && (isDigit(bytes[cursor]) || bytes[cursor] == UInt8(ascii: "/")) { return nil }
        return (String(decoding: bytes[index..<cursor], as: UTF8.self), cursor)
    }

    /// Skips " of 18 December 2009" when it is there.
    private static func skipDate(_ bytes: [UInt8], _ index: inout Int) {
        var cursor = index
        skipSpaces(bytes, &cursor)
        guard starts(with: "of ", bytes, at: cursor) else { return }
        cursor += 3
        skipSpaces(bytes, &cursor)
        let dayStart = cursor
        while cursor < bytes.count && isDigit(bytes[cursor]) { cursor += 1 }
        guard cursor > dayStart, cursor < bytes.count, bytes[cursor] == 32 else { return }
        cursor += 1
        let monthStart = cursor
        while cursor < bytes.count && lower(bytes[cursor]) >= 97 && lower(bytes[cursor]) <= 122 { cursor += 1 }
        guard cursor > monthStart, cursor < bytes.count, bytes[cursor] == 32 else { return }
        cursor += 1
        let yearStart = cursor
        while cursor < bytes.count && isDigit(bytes[cursor]) { cursor += 1 }
        guard cursor > yearStart else { return }
        index = cursor
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}

/// One document of a series.
public struct SeriesMember: Sendable {
    /// Where the document is.
    public var address: DocumentAddress
    /// External id.
    public var id: String
    /// UN symbol, if any.
    public var symbol: String?
    /// Title.
    public var title: String
    /// Year of adoption, if known.
    public var year: Int64?
    /// Session, if known.
    public var session: Int64?
    /// The document's own series key (its title slug).
    public var key: String

    /// How users name the document: its symbol, else its id.
    public var reference: String { symbol ?? id }
}

/// Documents that are the same recurring resolution in different years: the same title slug,
/// or linked by a citation "Recalling its resolution NN/NNN" to an earlier session's document
/// with a similar title (at least half of the title words shared).
public struct Series: Sendable {
    /// The series name: the title slug of its newest member (what `series:` matches).
    public var name: String
    /// The newest member's title.
    public var title: String
    /// Every title slug in the series (more than one when citations link retitled versions).
    public var keys: [String]
    /// Members in year order (then session, then symbol).
    public var members: [SeriesMember]

    /// First and last year of the members, if known.
    public var years: ClosedRange<Int64>? {
        let known = members.compactMap(\.year)
        guard let first = known.min(), let last = known.max() else { return nil }
        return first...last
    }
}

/// All series of a snapshot, computed from the `series` and `cites` dictionary entries and their
/// postings (no stored text is read). Indexes built before series keys existed fall back to the
/// stored titles of their UN documents.
public struct SeriesCatalog: Sendable {
    /// Documents by series key.
    public private(set) var documentsByKey: [String: [DocumentAddress]] = [:]
    /// Series key of each document that has one.
    public private(set) var keyOfDocument: [DocumentAddress: String] = [:]
    /// Groups of keys that form one series each (sorted keys).
    public private(set) var groups: [[String]] = []
    /// Group index of each key.
    public private(set) var groupOfKey: [String: Int] = [:]
    /// True when the index had no series keys and titles were read from stored documents.
    public private(set) var derivedFromTitles = false

    /// Builds the catalog of `snapshot`.
    public init(snapshot: IndexSnapshot) throws {
        let seriesPrefix = SearchIndex.keywordKey(field: SeriesKeys.seriesField, value: "")
        for (index, segment) in snapshot.segments.enumerated() {
            for (value, info) in try Self.terms(withPrefix: seriesPrefix, in: segment) {
                Self.forEachLiveDocument(segment, info) { doc in
                    let address = DocumentAddress(segment: index, doc: doc)
                    documentsByKey[value, default: []].append(address)
                    keyOfDocument[address] = value
                }
            }
        }
        if try documentsByKey.isEmpty && snapshot.liveDocumentCount > 0 && Self.hasSymbols(snapshot) {
            try deriveFromTitles(snapshot)
        }
        var parent: [String: String] = [:]
        func root(_ key: String) -> String {
            var current = key
            while let next = parent[current], next != current { current = next }
            return current
        }
        for key in documentsByKey.keys { parent[key] = key }
        // Citation links: the citing document's series absorbs the cited one's when the cited
        // document is from an earlier session and the titles are close.
        let citesPrefix = SearchIndex.keywordKey(field: SeriesKeys.citesField, value: "")
        var located: [String: DocumentAddress?] = [:]
        for (index, segment) in snapshot.segments.enumerated() {
            for (value, info) in try Self.terms(withPrefix: citesPrefix, in: segment) {
                var citing: [DocumentAddress] = []
                Self.forEachLiveDocument(segment, info) { citing.append(DocumentAddress(segment: index, doc: $0)) }
                for symbol in value.split(separator: " ").map(String.init) {
                    if located[symbol] == nil {
                        located[symbol] = .some(try SearchIndex.locate(symbol: symbol, in: snapshot))
                    }
                    guard let cited = located[symbol]!, let citedKey = keyOfDocument[cited] else { continue }
                    for address in citing {
                        guard let citingKey = keyOfDocument[address], citingKey != citedKey,
                            Self.order(cited, snapshot) < Self.order(address, snapshot),
                            SeriesKeys.slugSimilarity(citingKey, citedKey) >= 0.5
                        else { continue }
                        let (a, b) = (root(citingKey), root(citedKey))
                        if a != b { parent[max(a, b)] = min(a, b) }
                    }
                }
            }
        }
        var byRoot: [String: [String]] = [:]
        for key in documentsByKey.keys { byRoot[root(key), default: []].append(key) }
        groups = byRoot.values.map { $0.sorted() }.sorted { $0[0] < $1[0] }
        for (index, keys) in groups.enumerated() {
            for key in keys { groupOfKey[key] = index }
        }
    }

    /// Members of group `index`, described from stored records (no text).
    public func series(_ index: Int, snapshot: IndexSnapshot) throws -> Series {
        var members: [SeriesMember] = []
        for key in groups[index] {
            for address in documentsByKey[key] ?? [] {
                let segment = snapshot.segments[address.segment]
                let stored = try segment.document(address.doc, includeText: false)
                var symbol: String?
                if case .keyword(let text)? = stored.field("symbol") { symbol = text }
                members.append(
                    SeriesMember(
                        address: address, id: stored.id, symbol: symbol, title: stored.title,
                        year: Self.number("year", stored, segment, address.doc),
                        session: Self.number("session", stored, segment, address.doc), key: key))
            }
        }
        members.sort { a, b in
            if a.year != b.year { return (a.year ?? Int64.max) < (b.year ?? Int64.max) }
            if a.session != b.session { return (a.session ?? Int64.max) < (b.session ?? Int64.max) }
            if a.reference != b.reference { return a.reference < b.reference }
            return a.address < b.address
        }
        let newest = members.last
        return Series(
            name: newest?.key ?? groups[index][0], title: newest?.title ?? "", keys: groups[index], members: members)
    }

    /// The group a document belongs to.
    public func group(of address: DocumentAddress) -> Int? {
        keyOfDocument[address].flatMap { groupOfKey[$0] }
    }

    /// Whether any segment has a `symbol` keyword (UN documents), without reading postings.
    private static func hasSymbols(_ snapshot: IndexSnapshot) throws -> Bool {
        let prefix = SearchIndex.keywordKey(field: "symbol", value: "")
        var found = false
        for segment in snapshot.segments where !found {
            try prefix.withUnsafeBytes { bytes in
                try segment.terms.forEach(withPrefix: bytes) { _, _ in
                    found = true
                    return false
                }
            }
        }
        return found
    }

    private mutating func deriveFromTitles(_ snapshot: IndexSnapshot) throws {
        for (index, segment) in snapshot.segments.enumerated() {
            for doc in 0..<segment.documentCount where !segment.isDeleted(doc) {
                let stored = try segment.document(doc, includeText: false)
                guard case .keyword? = stored.field("symbol") else { continue }
                let slug = SeriesKeys.slug(stored.title)
                if slug.isEmpty { continue }
                let address = DocumentAddress(segment: index, doc: doc)
                documentsByKey[slug, default: []].append(address)
                keyOfDocument[address] = slug
            }
        }
        derivedFromTitles = !documentsByKey.isEmpty
    }

    private static func number(_ name: String, _ stored: StoredDocument, _ segment: SegmentReader, _ doc: UInt32)
        -> Int64?
    {
        if let value = segment.number(name, doc: doc) { return value }
        if case .number(let value)? = stored.field(name) { return value }
        return nil
    }

    /// Chronological order key: session, else year, else none.
    private static func order(_ address: DocumentAddress, _ snapshot: IndexSnapshot) -> Int64 {
        let segment = snapshot.segments[address.segment]
        if let session = segment.number("session", doc: address.doc) { return session }
        if let year = segment.number("year", doc: address.doc) { return year }
        return Int64.min
    }

    private static func terms(withPrefix prefix: [UInt8], in segment: SegmentReader) throws -> [(String, TermInfo)] {
        var found: [(String, TermInfo)] = []
        try prefix.withUnsafeBytes { bytes in
            try segment.terms.forEach(withPrefix: bytes) { key, info in
                found.append(
                    (String(decoding: UnsafeRawBufferPointer(rebasing: key[prefix.count...]), as: UTF8.self), info))
                return true
            }
        }
        return found
    }

    private static func forEachLiveDocument(_ segment: SegmentReader, _ info: TermInfo, _ body: (UInt32) -> Void) {
        let cursor = segment.cursor(info)
        while cursor.doc != PostingsCursor.terminated {
            if !segment.isDeleted(cursor.doc) { body(cursor.doc) }
            cursor.advance()
        }
    }
}

extension SearchIndex {
    /// Dictionary key of a keyword field value (values are matched lowercased).
    package static func keywordKey(field: String, value: String) -> [UInt8] {
        [TermField.keyword.rawValue] + Array(field.utf8) + [0] + Array(value.lowercased().utf8)
    }

    /// The live document with this symbol, newest segment first.
    package static func locate(symbol: String, in snapshot: IndexSnapshot) throws -> DocumentAddress? {
        let key = keywordKey(field: "symbol", value: symbol)
        for (index, segment) in snapshot.segments.enumerated().reversed() {
            guard let info = try segment.termInfo(key) else { continue }
            let cursor = segment.cursor(info)
            while cursor.doc != PostingsCursor.terminated {
                if !segment.isDeleted(cursor.doc) { return DocumentAddress(segment: index, doc: cursor.doc) }
                cursor.advance()
            }
        }
        return nil
    }

    /// Finds a live document by id, UN symbol (`A/RES/70/153`) or short symbol (`70/153`).
    public func locateDocument(_ reference: String) throws -> DocumentAddress? {
        if let (segment, doc) = try snapshot.locate(id: reference) {
            return DocumentAddress(segment: segment, doc: doc)
        }
        if let address = try Self.locate(symbol: reference, in: snapshot) { return address }
        let parts = reference.split(separator: "/")
        if parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
            return try Self.locate(symbol: "A/RES/" + reference, in: snapshot)
        }
        return nil
    }

    /// The stored document at `address`.
    public func storedDocument(at address: DocumentAddress, includeText: Bool = true) throws -> StoredDocument {
        try snapshot.segments[address.segment].document(address.doc, includeText: includeText)
    }

    /// The catalog of every series in the snapshot.
    public func seriesCatalog() throws -> SeriesCatalog {
        try SeriesCatalog(snapshot: snapshot)
    }

    /// Every series with at least `minimumMembers` members, largest first (then by name).
    public func allSeries(minimumMembers: Int = 2) throws -> [Series] {
        let catalog = try seriesCatalog()
        var result: [Series] = []
        for index in catalog.groups.indices {
            let size = catalog.groups[index].reduce(0) { $0 + (catalog.documentsByKey[$1]?.count ?? 0) }
            if size >= minimumMembers { result.append(try catalog.series(index, snapshot: snapshot)) }
        }
        return result.sorted {
            $0.members.count != $1.members.count ? $0.members.count > $1.members.count : $0.name < $1.name
        }
    }

    /// The series a name designates: a series key (title slug), a member's id or symbol, or a
    /// unique part of a title (`human rights cooperation` matches by slug words).
    public func series(named name: String) throws -> Series {
        let catalog = try seriesCatalog()
        return try catalog.series(resolve(name, in: catalog), snapshot: snapshot)
    }

    /// The series of a document (nil when the document has no series key).
    public func series(of reference: String) throws -> Series? {
        let catalog = try seriesCatalog()
        guard let address = try locateDocument(reference) else { throw DraftingError.unknownDocument(reference) }
        guard let group = catalog.group(of: address) else { return nil }
        return try catalog.series(group, snapshot: snapshot)
    }

    /// Group index of the series `name` designates.
    func resolve(_ name: String, in catalog: SeriesCatalog) throws -> Int {
        let trimmed = String(name.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
        if let group = catalog.groupOfKey[trimmed.lowercased()] { return group }
        if let address = try locateDocument(trimmed), let group = catalog.group(of: address) { return group }
        let slug = SeriesKeys.slug(trimmed)
        guard !slug.isEmpty else { throw DraftingError.unknownSeries(name) }
        if let group = catalog.groupOfKey[slug] { return group }
        let words = Set(slug.split(separator: "-"))
        var matches = Set<Int>()
        for (key, group) in catalog.groupOfKey {
            if key.hasPrefix(slug) || words.isSubset(of: Set(key.split(separator: "-"))) { matches.insert(group) }
        }
        if matches.count == 1 { return matches.first! }
        if matches.isEmpty { throw DraftingError.unknownSeries(name) }
        let names = matches.sorted().prefix(5).map { catalog.groups[$0][0] }
        throw DraftingError.ambiguousSeries(name, candidates: names + (matches.count > 5 ? ["…"] : []))
    }
}
