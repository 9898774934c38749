/// Receives analyzed tokens from `Analyzer`; the bytes are valid only during the call.
public protocol AnalyzedTokenSink {
    /// One token: `surface` is its folded UTF-8 (as `Tokenizer` emits it); `stem` is the Porter2
    /// stem of the surface, or the surface itself when stemming is off, for whole compounds and
    /// for numbers. `position`, `start..<end` and `isWhole` are the tokenizer's.
    mutating func token(
        stem: UnsafeRawBufferPointer, surface: UnsafeRawBufferPointer, position: Int, start: Int, end: Int,
        isWhole: Bool)
}

/// One analyzed token as values, for tools and tests (`Analyzer.tokens(_:firstPosition:)`).
public struct AnalyzedToken: Sendable, Equatable {
    /// The folded form of the token.
    public var surface: String
    /// The Porter2 stem of `surface`, or `surface` when it is not stemmed.
    public var stem: String
    /// The token's word position.
    public var position: Int
    /// Byte offset of the token's first byte in the input.
    public var start: Int
    /// Byte offset just past the token's last byte in the input.
    public var end: Int
    /// True for a whole compound (`covid-19`) or numeric run (`70/153`) emitted besides its parts.
    public var isWhole: Bool

    /// Creates a token from its fields.
    public init(surface: String, stem: String, position: Int, start: Int, end: Int, isWhole: Bool) {
        self.surface = surface
        self.stem = stem
        self.position = position
        self.start = start
        self.end = end
        self.isWhole = isWhole
    }
}

/// The analysis pipeline of DESIGN §3: `Tokenizer` (tokens, folding), then the Porter2 stemmer.
///
/// Stemming applies to tokens with at least one letter that are not whole compounds; numbers and
/// wholes keep their surface as stem. Stop words are kept. Stems are memoized in a `StemCache`,
/// so running text costs about one hash probe per token.
///
/// A value type, and `Sendable` on the copy-on-write argument `Array` relies on: copies may share
/// a stem cache, but `analyze` first checks with `isKnownUniquelyReferenced` and takes a fresh
/// cache when its own is shared, so a cache is only ever written through one value.
public struct Analyzer: @unchecked Sendable {
    /// Whether tokens are stemmed (`init(stemming:)`).
    public let isStemming: Bool
    private var tokenizer = Tokenizer()
    private var stemCacheOwner: StemCacheOwner?
    private let stemmer = Porter2Stemmer()

    /// Slots of the stem cache this analyzer creates (a power of two).
    private let stemCacheSlots: Int

    /// Creates an analyzer; with `stemming == false`, every stem equals its surface.
    /// `stemCacheSlots` (a power of two) sizes the stem cache: large for running text, small
    /// for a query of a few words, where filling a large cache would cost more than stemming.
    public init(stemming: Bool = true, stemCacheSlots: Int = 1 << 10) {
        precondition(stemCacheSlots > 0 && stemCacheSlots & (stemCacheSlots - 1) == 0)
        isStemming = stemming
        self.stemCacheSlots = stemCacheSlots
    }

    /// Terms skipped for exceeding `Tokenizer.maxTermBytes`, over all calls on this value.
    public var skippedLongTerms: Int { tokenizer.skippedLongTerms }

    /// Stem lookups answered by the cache and lookups that ran the stemmer, for benchmarks.
    package var stemCacheCounts: (hits: Int, misses: Int) {
        (stemCacheOwner?.cache.hits ?? 0, stemCacheOwner?.cache.misses ?? 0)
    }

    /// Analyzes `text` into `sink`; positions start at `firstPosition`. Returns the position after
    /// the last part token, as `Tokenizer.tokenize` does.
    public mutating func analyze<Sink: AnalyzedTokenSink>(
        _ text: UnsafeRawBufferPointer, firstPosition: Int, into sink: inout Sink
    ) -> Int {
        if isStemming, !isKnownUniquelyReferenced(&stemCacheOwner) {
            stemCacheOwner = StemCacheOwner(slots: stemCacheSlots)
        }
        return withUnsafeMutablePointer(to: &sink) { target in
            var stemmingSink = StemmingSink(target: target, cache: stemCacheOwner?.cache, stemmer: stemmer)
            let next = tokenizer.tokenize(text, firstPosition: firstPosition, into: &stemmingSink)
            // The cache may have grown (moved) while lent out.
            if let cache = stemmingSink.cache { stemCacheOwner?.cache = cache }
            return next
        }
    }

    /// Analyzes `text` and returns its tokens in emission order (a whole compound right after its
    /// last part). A convenience for tools and tests; indexing should use `analyze`.
    public mutating func tokens(_ text: String, firstPosition: Int = 0) -> [AnalyzedToken] {
        var collector = AnalyzedTokenCollector()
        var text = text
        text.withUTF8 { bytes in
            _ = analyze(UnsafeRawBufferPointer(bytes), firstPosition: firstPosition, into: &collector)
        }
        return collector.tokens
    }
}

/// Adapts an `AnalyzedTokenSink` to the tokenizer: stems what should be stemmed, through the
/// cache, and forwards. Holds the caller's sink by pointer so it is never copied.
private struct StemmingSink<Target: AnalyzedTokenSink>: TokenSink {
    let target: UnsafeMutablePointer<Target>
    /// Nil when stemming is off. Lent by `Analyzer.analyze`, which stores it back afterwards.
    var cache: StemCache?
    let stemmer: Porter2Stemmer

    mutating func token(_ term: UnsafeRawBufferPointer, position: Int, start: Int, end: Int, isWhole: Bool) {
        if cache != nil, Analyzer.stems(term, isWhole: isWhole) {
            let stem = cache!.stem(term, using: stemmer)
            target.pointee.token(
                stem: stem, surface: term, position: position, start: start, end: end, isWhole: false)
        } else {
            target.pointee.token(
                stem: term, surface: term, position: position, start: start, end: end, isWhole: isWhole)
        }
    }

}

extension Analyzer {
    /// Whether the stemming analyzer stems a token: parts containing a letter are stemmed;
    /// numbers and whole compounds are kept as they are. The index writer, which stems lazily
    /// (once per new surface form), uses the same rule.
    @inline(__always)
    public static func stems(_ term: UnsafeRawBufferPointer, isWhole: Bool) -> Bool {
        if isWhole { return false }
        // Folded numbers are ASCII digits only; any other byte is part of a letter.
        for byte in term where byte &- UInt8(ascii: "0") > 9 { return true }
        return false
    }
}

/// Collects analyzed tokens as values for `Analyzer.tokens(_:firstPosition:)`.
private struct AnalyzedTokenCollector: AnalyzedTokenSink {
    var tokens: [AnalyzedToken] = []

    mutating func token(
        stem: UnsafeRawBufferPointer, surface: UnsafeRawBufferPointer, position: Int, start: Int, end: Int,
        isWhole: Bool
    ) {
        tokens.append(
            AnalyzedToken(
                surface: String(decoding: surface, as: UTF8.self), stem: String(decoding: stem, as: UTF8.self),
                position: position, start: start, end: end, isWhole: isWhole))
    }
}
