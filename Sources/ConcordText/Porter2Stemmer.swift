// Snowball English ("Porter2"), current algorithm as released in Snowball 3.1.1.
// Written from the algorithm's public description; see Porter2Stemmer+Steps.swift for steps 1a–5.
//
// Snowball works on Unicode characters. Every character the algorithm inspects or rewrites is ASCII,
// and every non-ASCII character is simply a non-vowel, so the stemmer runs on UTF-8 bytes and only
// steps over whole multi-byte sequences where a rule counts characters ("hop 2", "next", "atlimit").

/// Snowball English (Porter2, current) stemmer over lowercase UTF-8 bytes. Value type, no shared state.
public struct Porter2Stemmer: Sendable {
    /// Creates a stemmer. It holds no state, so one value can serve any number of threads.
    public init() {}

    /// Stems `word` (lowercase UTF-8) into `output`, which must have room for `word.count` bytes; returns the stem's byte count. Stems are never longer than the word.
    ///
    /// `output` may be the very buffer `word` points to (in-place stemming); other overlaps are not
    /// supported. Words of any length are stemmed without allocating.
    public func stem(_ word: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        let count = word.count
        precondition(output.count >= count, "Porter2Stemmer: output needs room for word.count bytes")
        guard count > 0, let source = word.baseAddress, let target = output.baseAddress else { return 0 }
        // Every rule only shortens the word or rewrites it in place, so the output buffer is the
        // whole working area: no scratch space, no length limit.
        if UnsafeRawPointer(target) != source {
            target.copyMemory(from: source, byteCount: count)
        }
        let bytes = target.bindMemory(to: UInt8.self, capacity: count)
        var buffer = Porter2Word(bytes: bytes, count: count)
        buffer.stem()
        return buffer.count
    }

    /// Convenience for tests and tools (not for hot paths).
    public func stem(_ word: String) -> String {
        var word = word
        return word.withUTF8 { source in
            String(unsafeUninitializedCapacity: max(source.count, 1)) { target in
                stem(UnsafeRawBufferPointer(source), into: UnsafeMutableRawBufferPointer(target))
            }
        }
    }
}

/// ASCII byte values the rules mention, named so the rules read like the algorithm.
enum Porter2Byte {
    static let apostrophe = UInt8(ascii: "'")
    static let a = UInt8(ascii: "a")
    static let e = UInt8(ascii: "e")
    static let i = UInt8(ascii: "i")
    static let l = UInt8(ascii: "l")
    static let o = UInt8(ascii: "o")
    static let s = UInt8(ascii: "s")
    static let t = UInt8(ascii: "t")
    static let y = UInt8(ascii: "y")
    /// A `y` that acts as a consonant; the prelude marks it, the postlude restores it.
    static let consonantY = UInt8(ascii: "Y")
}

/// The word being stemmed: bytes rewritten in place, the current length, and the regions R1 and R2.
///
/// Positions are byte offsets. Multi-byte characters are never split, so byte offsets compare like
/// Snowball's character cursors.
struct Porter2Word {
    let bytes: UnsafeMutablePointer<UInt8>
    /// Current length in bytes (Snowball's `limit`).
    var count: Int
    /// Start of region R1 (Snowball's `p1`); `count` or beyond when the region is empty.
    var r1 = 0
    /// Start of region R2 (Snowball's `p2`).
    var r2 = 0
    /// Whether the prelude turned some `y` into a consonant `Y` that the postlude must undo.
    var markedConsonantY = false

    init(bytes: UnsafeMutablePointer<UInt8>, count: Int) {
        self.bytes = bytes
        self.count = count
    }

    /// Runs the whole algorithm, leaving the stem in `bytes[0..<count]`.
    mutating func stem() {
        if applyWholeWordException() { return }
        // Words of fewer than three characters are left as they are.
        guard hasAtLeastCharacters(3, before: count) else { return }
        prelude()
        markRegions()
        step1a()
        step1b()
        step1c()
        step2()
        step3()
        step4()
        step5()
        postlude()
    }

    // MARK: Character classes

    /// 64-bit masks over bytes 0x40...0x7F: bit `b - 0x40` is set when byte `b` is in the group.
    private static let vowelMask: UInt64 = maskOf("aeiouy")
    private static let vowelWXYMask: UInt64 = maskOf("aeiouywxY")
    private static let validLIMask: UInt64 = maskOf("cdeghkmnrt")

    private static func maskOf(_ letters: StaticString) -> UInt64 {
        var mask: UInt64 = 0
        for index in 0..<letters.utf8CodeUnitCount {
            mask |= 1 << UInt64(letters.utf8Start[index] &- 0x40)
        }
        return mask
    }

    @inline(__always)
    private static func byte(_ byte: UInt8, isIn mask: UInt64) -> Bool {
        let offset = byte &- 0x40
        return offset < 64 && (mask >> UInt64(offset)) & 1 != 0
    }

    /// `aeiouy`; bytes of multi-byte characters are never vowels.
    @inline(__always)
    static func isVowel(_ byte: UInt8) -> Bool { Self.byte(byte, isIn: vowelMask) }

    /// Vowels plus `w`, `x` and the consonant `Y`: letters that cannot end a short syllable.
    @inline(__always)
    static func isVowelWXY(_ byte: UInt8) -> Bool { Self.byte(byte, isIn: vowelWXYMask) }

    /// Letters that may precede a removable `li` ending.
    @inline(__always)
    static func isValidLIEnding(_ byte: UInt8) -> Bool { Self.byte(byte, isIn: validLIMask) }

    // MARK: Character-aware movement

    /// Start of the character that ends at `end` (`end > 0`), stepping over UTF-8 continuation bytes.
    @inline(__always)
    func characterStart(before end: Int) -> Int {
        var start = end - 1
        if bytes[start] >= 0x80 {
            while start > 0 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        }
        return start
    }

    /// Offset just past the character that starts at `start` (`start < count`).
    @inline(__always)
    func characterEnd(from start: Int) -> Int {
        var end = start + 1
        if bytes[start] >= 0x80 {
            while end < count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        }
        return end
    }

    /// Whether `bytes[0..<end]` holds at least `minimum` characters.
    @inline(__always)
    func hasAtLeastCharacters(_ minimum: Int, before end: Int) -> Bool {
        if end < minimum { return false }
        var characters = 0
        for index in 0..<end where bytes[index] & 0xC0 != 0x80 {
            characters += 1
            if characters == minimum { return true }
        }
        return false
    }

    /// Whether some vowel occurs in `bytes[0..<end]`.
    @inline(__always)
    func hasVowel(before end: Int) -> Bool {
        var index = 0
        while index < end {
            if Self.isVowel(bytes[index]) { return true }
            index += 1
        }
        return false
    }

    // MARK: Matching

    /// Whether `bytes[0..<end]` ends with `suffix` (ASCII).
    @inline(__always)
    func has(suffix: StaticString, endingAt end: Int) -> Bool {
        let length = suffix.utf8CodeUnitCount
        guard end >= length else { return false }
        let letters = suffix.utf8Start
        let start = end - length
        for index in 0..<length where bytes[start + index] != letters[index] { return false }
        return true
    }

    /// Whether the current word ends with `suffix` (ASCII).
    @inline(__always)
    func ends(with suffix: StaticString) -> Bool { has(suffix: suffix, endingAt: count) }

    /// Whether `bytes[0..<end]` is exactly `text` (ASCII).
    @inline(__always)
    func prefix(upTo end: Int, is text: StaticString) -> Bool {
        end == text.utf8CodeUnitCount && has(suffix: text, endingAt: end)
    }

    /// Replaces everything from `start` on with `replacement` (ASCII, never longer than what it replaces).
    @inline(__always)
    mutating func replace(from start: Int, with replacement: StaticString) {
        let length = replacement.utf8CodeUnitCount
        let letters = replacement.utf8Start
        for index in 0..<length { bytes[start + index] = letters[index] }
        count = start + length
    }

    // MARK: Whole-word exceptions, prelude, regions, postlude

    /// Snowball's `exception1`: a few words with fixed stems. Returns whether the word was one of them.
    private mutating func applyWholeWordException() -> Bool {
        switch count {
        case 3:
            return prefix(upTo: 3, is: "sky")
        case 4:
            if prefix(upTo: 4, is: "skis") { return replaceWholeWord(with: "ski") }
            if prefix(upTo: 4, is: "idly") { return replaceWholeWord(with: "idl") }
            if prefix(upTo: 4, is: "ugly") { return replaceWholeWord(with: "ugli") }
            if prefix(upTo: 4, is: "only") { return replaceWholeWord(with: "onli") }
            return prefix(upTo: 4, is: "news") || prefix(upTo: 4, is: "howe") || prefix(upTo: 4, is: "bias")
        case 5:
            if prefix(upTo: 5, is: "skies") { return replaceWholeWord(with: "sky") }
            if prefix(upTo: 5, is: "early") { return replaceWholeWord(with: "earli") }
            return prefix(upTo: 5, is: "atlas") || prefix(upTo: 5, is: "andes")
        case 6:
            if prefix(upTo: 6, is: "gently") { return replaceWholeWord(with: "gentl") }
            if prefix(upTo: 6, is: "singly") { return replaceWholeWord(with: "singl") }
            return prefix(upTo: 6, is: "cosmos")
        default:
            return false
        }
    }

    private mutating func replaceWholeWord(with stem: StaticString) -> Bool {
        replace(from: 0, with: stem)
        return true
    }

    /// Drops one leading apostrophe and marks consonant `y`s (initial, or after a vowel) as `Y`.
    private mutating func prelude() {
        if bytes[0] == Porter2Byte.apostrophe {
            for index in 1..<count { bytes[index - 1] = bytes[index] }
            count -= 1
            if count == 0 { return }
        }
        if bytes[0] == Porter2Byte.y {
            bytes[0] = Porter2Byte.consonantY
            markedConsonantY = true
        }
        // Left to right, so "ayy" marks only the first y: a marked Y is no longer a vowel.
        var index = 1
        while index < count {
            if bytes[index] == Porter2Byte.y && Self.isVowel(bytes[index - 1]) {
                bytes[index] = Porter2Byte.consonantY
                markedConsonantY = true
            }
            index += 1
        }
    }

    /// Sets R1 after the first non-vowel that follows a vowel (or after a listed prefix), and R2 likewise
    /// after R1. An empty region starts at the end of the word.
    private mutating func markRegions() {
        r1 = count
        r2 = count
        guard let start1 = fixedR1Start() ?? regionStart(searchingFrom: 0) else { return }
        r1 = start1
        if let start2 = regionStart(searchingFrom: start1) { r2 = start2 }
    }

    /// Offset just past the first non-vowel that follows a vowel at or after `from`.
    private func regionStart(searchingFrom from: Int) -> Int? {
        var index = from
        while index < count && !Self.isVowel(bytes[index]) { index += 1 }
        index += 1
        while index < count && Self.isVowel(bytes[index]) { index += 1 }
        guard index < count else { return nil }
        return characterEnd(from: index)
    }

    /// Prefixes after which R1 starts, overriding the usual rule (generous/general, past/paste, ...).
    private func fixedR1Start() -> Int? {
        guard count >= 4 else { return nil }
        switch bytes[0] {
        case UInt8(ascii: "a"): return starts(with: "arsen")
        case UInt8(ascii: "c"): return starts(with: "commun")
        case UInt8(ascii: "e"): return starts(with: "emerg")
        case UInt8(ascii: "g"): return starts(with: "gener")
        case UInt8(ascii: "i"): return starts(with: "inter")
        case UInt8(ascii: "l"): return starts(with: "later")
        case UInt8(ascii: "o"): return starts(with: "organ")
        case UInt8(ascii: "p"): return starts(with: "past")
        case UInt8(ascii: "u"): return starts(with: "univers")
        default: return nil
        }
    }

    /// The prefix's length when the word starts with `prefix`.
    @inline(__always)
    private func starts(with prefix: StaticString) -> Int? {
        let length = prefix.utf8CodeUnitCount
        guard count >= length else { return nil }
        let letters = prefix.utf8Start
        for index in 0..<length where bytes[index] != letters[index] { return nil }
        return length
    }

    /// Turns the consonant `Y`s back into `y`.
    private mutating func postlude() {
        guard markedConsonantY else { return }
        for index in 0..<count where bytes[index] == Porter2Byte.consonantY {
            bytes[index] = Porter2Byte.y
        }
    }
}
