#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SplitMix64 (Steele, Lea and Flood, 2014): a small, fast, seedable generator whose output
/// depends only on the seed, so a failing random test replays exactly from the seed it prints.
///
/// The helpers below (`below(_:)`, `int(in:)`, `chance(_:)`, `pick(_:)`, `unit()`) use their
/// own arithmetic instead of the standard library's `random(in:using:)`, whose algorithm is not
/// promised to stay the same across toolchains.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The internal state; advancing it by the golden gamma gives the next output.
    package private(set) var state: UInt64

    /// A generator whose whole output sequence is determined by `seed`.
    package init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in `0..<bound` (`bound` > 0), by Lemire's multiply-shift with rejection.
    package mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "below(_:) needs a positive bound")
        let limit = UInt64(bound)
        let threshold = (0 &- limit) % limit
        while true {
            let product = next().multipliedFullWidth(by: limit)
            if product.low >= threshold { return Int(product.high) }
        }
    }

    /// A uniform value in the closed range.
    package mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// A uniform double in `[0, 1)` with 53 random bits.
    package mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `probability`.
    package mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// A uniformly chosen element of a non-empty collection.
    package mutating func pick<C: RandomAccessCollection>(_ elements: C) -> C.Element where C.Index == Int {
        elements[elements.startIndex + below(elements.count)]
    }

    /// A generator for a sub-task (`stream`), independent of how many values this one has drawn.
    package func derived(_ stream: UInt64) -> SplitMix64 {
        var mixer = SplitMix64(seed: state ^ (stream &* 0xD1B5_4A32_D192_ED03))
        return SplitMix64(seed: mixer.next())
    }
}

/// Samples ranks `0..<count` with probability proportional to `1 / (rank + 1)^exponent`
/// (Zipf's law), the shape of word frequencies in natural text.
package struct ZipfSampler: Sendable {
    /// Cumulative weights; the last one is the total.
    private let cumulative: [Double]

    /// A sampler over `count` ranks (`count` > 0); `exponent` 1 is classic Zipf.
    package init(count: Int, exponent: Double = 1.0) {
        precondition(count > 0, "a Zipf sampler needs at least one rank")
        var running = 0.0
        var cumulative: [Double] = []
        cumulative.reserveCapacity(count)
        for rank in 0..<count {
            running += 1 / pow(Double(rank + 1), exponent)
            cumulative.append(running)
        }
        self.cumulative = cumulative
    }

    /// Number of ranks.
    package var count: Int { cumulative.count }

    /// A rank; rank 0 is the most likely.
    package func sample(using random: inout SplitMix64) -> Int {
        let target = random.unit() * cumulative[cumulative.count - 1]
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// An element of `vocabulary` (which must have `count` elements), drawn by rank.
    package func word(from vocabulary: [String], using random: inout SplitMix64) -> String {
        vocabulary[sample(using: &random)]
    }
}
