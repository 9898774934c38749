/// One-byte quantization of field lengths (FORMAT.md §6), in the spirit of Lucene's and
/// tantivy's norms: lengths 0...39 are exact, longer lengths fall into 216 buckets whose
/// bounds grow by about 7.5% each (the last bound is 243,381,895 tokens). A length is stored as the largest code
/// whose bound does not exceed it, and read back as that bound.
public enum FieldNorm {
    /// `table[code]` is the length a code stands for; strictly increasing.
    public static let table: [UInt32] = {
        var values: [UInt32] = []
        for length in 0..<40 { values.append(UInt32(length)) }
        var current = 40.0
        while values.count < 256 {
            current *= 1.075
            let next = min(Double(UInt32.max), current.rounded(.down))
            let value = UInt32(next)
            values.append(max(value, values.last! + 1))
        }
        return values
    }()

    /// Code of a length: the largest code whose table value is at most `length`.
    public static func encode(_ length: Int) -> UInt8 {
        if length < 40 { return UInt8(max(0, length)) }
        let target = UInt32(clamping: length)
        var low = 39
        var high = 255
        while low < high {
            let mid = (low + high + 1) / 2
            if table[mid] <= target { low = mid } else { high = mid - 1 }
        }
        return UInt8(low)
    }

    /// The length a code stands for.
    @inline(__always)
    public static func decode(_ code: UInt8) -> UInt32 {
        table[Int(code)]
    }
}
