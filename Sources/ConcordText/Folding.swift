// Scalar classification and search folding for the tokenizer.
//
// ASCII is classified through a 256-entry table and lowercased inline by the
// tokenizer. Other scalars are classified with `Unicode.Scalar.Properties` and
// folded with the generated `FoldingTable`; for the Basic Multilingual Plane
// both answers are precomputed once into one 64K-entry table, because the
// property queries cost ~70 ns per scalar and would dominate non-Latin text
// (the table takes ~4 ms to build, on the first non-ASCII scalar a process sees).

/// How the tokenizer treats one scalar (or, in `Folding.asciiClasses`, one byte).
enum ScalarClass {
    /// Ends a token: spaces, punctuation, symbols, controls, invalid bytes.
    static let separator: UInt8 = 0
    /// `Unicode.Scalar.Properties.isAlphabetic`, unless it folds to nothing (then `continuing`).
    /// Its value doubles as the "has a letter" bit.
    static let letter: UInt8 = 1
    /// Not a letter but has a numeric type (decimal digits, `²`, `①`).
    static let digit: UInt8 = 2
    /// Combining marks and invisible joiners (soft hyphen, ZWJ): continue a word, never start one.
    static let continuing: UInt8 = 3
    /// `'`, `’`, `ʼ`, `＇`: joins two letters inside one part (`don't`).
    static let apostrophe: UInt8 = 4
    /// `-`, U+2010, U+2011, `－`: joins two parts of a compound.
    static let hyphen: UInt8 = 5
    /// `/`, `／`: joins two parts of a compound.
    static let slash: UInt8 = 6
    /// `.`, `．`: joins two parts of a compound.
    static let period: UInt8 = 7
    /// Only in `Folding.asciiClasses`: the byte starts (or continues) a multi-byte sequence.
    static let nonASCII: UInt8 = 8

    /// True for `letter` and `digit`: the classes that start a token.
    @inline(__always)
    static func isAlphanumeric(_ scalarClass: UInt8) -> Bool {
        scalarClass &- letter < 2
    }
}

/// Classification, UTF-8 decoding and folding lookups used by `Tokenizer`.
enum Folding {
    /// The class of each byte value; every byte >= 0x80 is `ScalarClass.nonASCII`.
    static let asciiClasses: [UInt8] = (0..<256).map { value in
        switch UInt8(value) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): ScalarClass.letter
        case UInt8(ascii: "0")...UInt8(ascii: "9"): ScalarClass.digit
        case UInt8(ascii: "'"): ScalarClass.apostrophe
        case UInt8(ascii: "-"): ScalarClass.hyphen
        case UInt8(ascii: "/"): ScalarClass.slash
        case UInt8(ascii: "."): ScalarClass.period
        case 0x80...: ScalarClass.nonASCII
        default: ScalarClass.separator
        }
    }

    /// The byte a joiner class contributes to a folded term (indexed by class; 0 for non-joiners).
    static let joinerBytes: [UInt8] = [
        0, 0, 0, 0, UInt8(ascii: "'"), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "."),
    ]

    /// Decodes the multi-byte scalar whose lead byte (>= 0x80) is at `offset`.
    ///
    /// Returns `length == 0` for anything that is not well-formed UTF-8: a stray continuation
    /// byte, an overlong form, a surrogate, a value above U+10FFFF, or a truncated sequence.
    /// The caller then treats the lead byte alone as a separator and resumes at the next byte.
    @inline(__always)
    static func decodeMultiByteScalar(
        _ text: UnsafePointer<UInt8>, at offset: Int, count: Int
    ) -> (scalar: UInt32, length: Int) {
        let lead = text[offset]
        let available = count &- offset
        switch lead {
        case 0xC2...0xDF:
            guard available >= 2 else { return (0, 0) }
            let second = text[offset &+ 1]
            guard second & 0xC0 == 0x80 else { return (0, 0) }
            return (UInt32(lead & 0x1F) << 6 | UInt32(second & 0x3F), 2)
        case 0xE0...0xEF:
            guard available >= 3 else { return (0, 0) }
            let second = text[offset &+ 1]
            let third = text[offset &+ 2]
            // E0 would be overlong below A0; ED above 9F would encode a surrogate.
            let lowest: UInt8 = lead == 0xE0 ? 0xA0 : 0x80
            let highest: UInt8 = lead == 0xED ? 0x9F : 0xBF
            guard second >= lowest, second <= highest, third & 0xC0 == 0x80 else { return (0, 0) }
            let scalar = UInt32(lead & 0x0F) << 12 | UInt32(second & 0x3F) << 6 | UInt32(third & 0x3F)
            return (scalar, 3)
        case 0xF0...0xF4:
            guard available >= 4 else { return (0, 0) }
            let second = text[offset &+ 1]
            let third = text[offset &+ 2]
            let fourth = text[offset &+ 3]
            // F0 would be overlong below 90; F4 above 8F would exceed U+10FFFF.
            let lowest: UInt8 = lead == 0xF0 ? 0x90 : 0x80
            let highest: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
            guard second >= lowest, second <= highest, third & 0xC0 == 0x80, fourth & 0xC0 == 0x80 else {
                return (0, 0)
            }
            let scalar =
                UInt32(lead & 0x07) << 18 | UInt32(second & 0x3F) << 12 | UInt32(third & 0x3F) << 6
                | UInt32(fourth & 0x3F)
            return (scalar, 4)
        default:
            return (0, 0)
        }
    }

    /// The class of a non-ASCII scalar and its fold: `foldIndex` is 0 when the scalar folds to
    /// itself, otherwise `i + 1` for entry `i` of `FoldingTable` (see `foldedBytes(at:)`).
    @inline(__always)
    static func lookUp(_ scalar: UInt32) -> (scalarClass: UInt8, foldIndex: Int) {
        if scalar < 0x1_0000 {
            let entry = basicPlaneEntries[Int(scalar)]
            return (UInt8(truncatingIfNeeded: entry >> foldIndexBits), Int(entry & foldIndexMask))
        }
        return (classify(scalar), searchedFoldIndex(scalar))
    }

    /// The folded UTF-8 of fold entry `foldIndex` (>= 1), as a range of `FoldingTable.foldedBytes`.
    @inline(__always)
    static func foldedBytes(at foldIndex: Int) -> Range<Int> {
        Int(FoldingTable.foldOffsets[foldIndex &- 1])..<Int(FoldingTable.foldOffsets[foldIndex])
    }

    /// Classifies a scalar from its Unicode properties; the definition every table here caches.
    static func classify(_ scalar: UInt32) -> UInt8 {
        switch scalar {
        case 0x2019, 0x02BC, 0xFF07: return ScalarClass.apostrophe
        case 0x2010, 0x2011, 0xFF0D: return ScalarClass.hyphen
        case 0xFF0F: return ScalarClass.slash
        case 0xFF0E: return ScalarClass.period
        case 0x00AD, 0x200C, 0x200D, 0x2060, 0xFEFF: return ScalarClass.continuing
        default: break
        }
        guard let unicodeScalar = Unicode.Scalar(scalar) else { return ScalarClass.separator }
        let properties = unicodeScalar.properties
        if properties.isAlphabetic || properties.numericType != nil {
            // A letter that folds to nothing (the combining Latin letters U+0363...U+036F and
            // U+1DD3...) is a diacritic in effect: as a letter it would start an empty term.
            let foldIndex = searchedFoldIndex(scalar)
            if foldIndex != 0 && foldedBytes(at: foldIndex).isEmpty { return ScalarClass.continuing }
            return properties.isAlphabetic ? ScalarClass.letter : ScalarClass.digit
        }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return ScalarClass.continuing
        default: return ScalarClass.separator
        }
    }

    // MARK: - Precomputed lookups

    private static let foldIndexBits: UInt16 = 13
    private static let foldIndexMask: UInt16 = 1 << foldIndexBits - 1

    /// For each BMP scalar: its class in the top 3 bits, its fold index in the low 13.
    private static let basicPlaneEntries: [UInt16] = {
        var entries = [UInt16](repeating: 0, count: 0x1_0000)
        for scalar in UInt32(0x80)..<0x1_0000 {
            entries[Int(scalar)] = UInt16(classify(scalar)) << foldIndexBits
        }
        for (index, scalar) in FoldingTable.scalars.enumerated() where scalar < 0x1_0000 {
            entries[Int(scalar)] |= UInt16(index + 1)
        }
        return entries
    }()

    /// Binary search of `FoldingTable.scalars`: the fold index of a supplementary-plane scalar at
    /// lookup time, and of any scalar while classifying it.
    private static func searchedFoldIndex(_ scalar: UInt32) -> Int {
        let scalars = FoldingTable.scalars
        var low = 0
        var high = scalars.count
        while low < high {
            let middle = (low + high) / 2
            if scalars[middle] < scalar { low = middle + 1 } else { high = middle }
        }
        return low < scalars.count && scalars[low] == scalar ? low + 1 : 0
    }
}
