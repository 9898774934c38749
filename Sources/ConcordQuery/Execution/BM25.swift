import ConcordIndex

/// BM25 as DESIGN §4 states it: idf = ln(1 + (N − n + 0.5) / (n + 0.5)), and a term's
/// score tf·(k1 + 1) / (tf + k1·(1 − b + b·dl/avgdl)) · idf, with dl the quantized field
/// length (FieldNorm). N and n count every document of the live segments, deleted ones
/// included until a merge removes them (as Lucene does).
public struct BM25: Sendable, Equatable {
    /// Term-frequency saturation.
    public var k1: Double
    /// Length normalisation.
    public var b: Double

    /// Defaults k1 = 1.2, b = 0.75.
    public init(k1: Double = 1.2, b: Double = 0.75) {
        self.k1 = k1
        self.b = b
    }

    /// Inverse document frequency of a term in `documentFrequency` of `documentCount` documents.
    public func idf(documentFrequency: UInt64, documentCount: UInt64) -> Double {
        let n = Double(documentFrequency)
        let total = Double(documentCount)
        return log(1 + (total - n + 0.5) / (n + 0.5))
    }

    /// The 256 length normalisations `k1·(1 − b + b·dl/avgdl)`, one per norm code.
    public func normCache(averageLength: Double) -> [Double] {
        (0..<256).map { code in
            let length = Double(FieldNorm.decode(UInt8(code)))
            let ratio = averageLength > 0 ? length / averageLength : 0
            return k1 * (1 - b + b * ratio)
        }
    }

    /// Score of frequency `tf` given the cached normalisation of the document.
    @inline(__always)
    public func score(tf: Double, normalization: Double, idf: Double) -> Double {
        idf * tf * (k1 + 1) / (tf + normalization)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
