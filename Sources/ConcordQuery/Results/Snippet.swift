/// Cuts a snippet from a paragraph and maps highlight spans into it.
enum Snippet {
    /// Paragraphs up to this many bytes are shown whole; longer ones as a window around the first match.
    static let maxBytes = 480

    struct Window {
        var text: String
        var byteHighlights: [Range<Int>]
        var scalarHighlights: [Range<Int>]
    }

    static func make(text: String, spans: [Range<Int>]) -> Window {
        let bytes = Array(text.utf8)
        let merged = merge(spans)
        var start = 0
        var end = bytes.count
        if bytes.count > maxBytes {
            let anchor = merged.first?.lowerBound ?? 0
            start = max(0, anchor - maxBytes / 4)
            end = min(bytes.count, start + maxBytes)
            start = max(0, min(start, end - maxBytes))
            // Move the cut to a space (or at least a scalar boundary) so no word or character is split.
            while start > 0 && bytes[start - 1] != 0x20 && start > anchor - maxBytes / 2 && start > 0 { start -= 1 }
            while start < bytes.count && bytes[start] & 0xC0 == 0x80 { start += 1 }
            while end < bytes.count && bytes[end] != 0x20 && end < start + maxBytes + 40 { end += 1 }
            while end < bytes.count && end > start && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        }
        let prefix = start > 0 ? "… " : ""
        let suffix = end < bytes.count ? " …" : ""
        let body = String(decoding: bytes[start..<end], as: UTF8.self)
        let shift = prefix.utf8.count - start
        var byteHighlights: [Range<Int>] = []
        var scalarHighlights: [Range<Int>] = []
        let full = prefix + body + suffix
        let scalarOffsets = scalarIndex(Array(full.utf8))
        for span in merged where span.lowerBound >= start && span.upperBound <= end {
            let range = (span.lowerBound + shift)..<(span.upperBound + shift)
            byteHighlights.append(range)
            scalarHighlights.append(scalarOffsets[range.lowerBound]..<scalarOffsets[range.upperBound])
        }
        return Window(text: full, byteHighlights: byteHighlights, scalarHighlights: scalarHighlights)
    }

    /// Sorted, non-overlapping union of the spans.
    static func merge(_ spans: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for span in spans.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, span.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, span.upperBound)
            } else {
                result.append(span)
            }
        }
        return result
    }

    /// For each byte offset 0...count, the number of Unicode scalars before it.
    static func scalarIndex(_ bytes: [UInt8]) -> [Int] {
        var result = [Int](repeating: 0, count: bytes.count + 1)
        var scalars = 0
        for (i, byte) in bytes.enumerated() {
            result[i] = scalars
            if byte & 0xC0 != 0x80 { scalars += 1 }
        }
        result[bytes.count] = scalars
        // Offsets inside a multi-byte scalar belong to that scalar's start.
        return result
    }
}

#if canImport(Glibc)
    import Glibc
#endif

/// Monotonic wall clock (CLOCK_MONOTONIC), no Foundation.
public enum MonotonicClock {
    /// Now, in nanoseconds.
    public static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// Milliseconds since `start`.
    public static func milliseconds(since start: UInt64) -> Double {
        Double(now() - start) / 1_000_000
    }
}
