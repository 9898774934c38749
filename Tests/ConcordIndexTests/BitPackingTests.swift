import ConcordIndex
import Glibc
import Testing

/// SplitMix64, the seeded generator of the codec tests.
///
/// Every test that draws random data starts from `CodecTestRandom.seed`, taken from the
/// `CONCORD_SEED` environment variable when set, and names it in failure messages, so a
/// failure can be replayed with `CONCORD_SEED=<seed> swift test`.
struct CodecTestRandom: RandomNumberGenerator {
    /// The seed of this test run.
    static let seed: UInt64 = {
        if let text = getenv("CONCORD_SEED"), let value = UInt64(String(cString: text)) {
            return value
        }
        return 0x5EED_C0DE
    }()

    private var state: UInt64

    /// A generator for one test; `stream` separates tests that share the run's seed.
    init(stream: UInt64) { state = Self.seed ^ (stream &* 0x9E37_79B9_7F4A_7C15) }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A failure message naming the case and the seed that replays it.
    static func comment(_ details: String) -> Comment {
        "\(details) [CONCORD_SEED=\(seed)]"
    }

    /// A value uniform in 0..<2^bitWidth (0 when bitWidth is 0).
    mutating func value(bitWidth: Int) -> UInt32 {
        bitWidth == 0 ? 0 : UInt32(truncatingIfNeeded: next() >> (64 - bitWidth))
    }
}

/// The slow twin of the packer: sets one bit at a time at the position the layout
/// documented in BitPacking.swift gives it.
private func referencePack(_ values: [UInt32], bitWidth: Int) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: 16 * bitWidth)
    for (index, value) in values.enumerated() {
        let (row, lane) = index.quotientAndRemainder(dividingBy: 4)
        for bit in 0..<bitWidth where value >> bit & 1 == 1 {
            let (word, bitInWord) = (row * bitWidth + bit).quotientAndRemainder(dividingBy: 32)
            bytes[16 * word + 4 * lane + bitInWord / 8] |= 1 << (bitInWord % 8)
        }
    }
    return bytes
}

/// The slow twin of the unpacker: reads one bit at a time.
private func referenceUnpack(_ bytes: [UInt8], bitWidth: Int) -> [UInt32] {
    (0..<128).map { index in
        let (row, lane) = index.quotientAndRemainder(dividingBy: 4)
        var value: UInt32 = 0
        for bit in 0..<bitWidth {
            let (word, bitInWord) = (row * bitWidth + bit).quotientAndRemainder(dividingBy: 32)
            if bytes[16 * word + 4 * lane + bitInWord / 8] >> (bitInWord % 8) & 1 == 1 {
                value |= 1 << bit
            }
        }
        return value
    }
}

private func pack(_ values: [UInt32], bitWidth: Int) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: BitPacking.packedByteCount(bitWidth: bitWidth))
    values.withUnsafeBufferPointer { source in
        bytes.withUnsafeMutableBytes { output in
            // Width 0 writes nothing, so any non-nil address will do for an empty output.
            let start = output.baseAddress ?? UnsafeMutableRawPointer(mutating: source.baseAddress!)
            BitPacking.pack(source.baseAddress!, bitWidth: bitWidth, into: start)
        }
    }
    return bytes
}

/// Unpacks `bytes` (plus 3 bytes of offset, to exercise unaligned loads).
private func unpack(_ bytes: [UInt8], bitWidth: Int, deltasFrom base: UInt32? = nil) -> [UInt32] {
    let shifted = [0xA5, 0xA5, 0xA5] + bytes
    return [UInt32](unsafeUninitializedCapacity: 128) { output, initialized in
        shifted.withUnsafeBytes { input in
            let start = input.baseAddress! + 3
            if let base {
                BitPacking.unpackDeltas(start, bitWidth: bitWidth, base: base, into: output.baseAddress!)
            } else {
                BitPacking.unpack(start, bitWidth: bitWidth, into: output.baseAddress!)
            }
        }
        initialized = 128
    }
}

private func randomBlock(bitWidth: Int, using random: inout CodecTestRandom) -> [UInt32] {
    (0..<128).map { _ in random.value(bitWidth: bitWidth) }
}

@Suite struct BitPackingTests {
    @Test(arguments: 0...32)
    func packWritesTheDocumentedLayout(bitWidth: Int) {
        var random = CodecTestRandom(stream: UInt64(bitWidth))
        for trial in 0..<20 {
            let values = randomBlock(bitWidth: bitWidth, using: &random)
            #expect(
                pack(values, bitWidth: bitWidth) == referencePack(values, bitWidth: bitWidth),
                CodecTestRandom.comment("width \(bitWidth), trial \(trial)"))
        }
    }

    @Test(arguments: 0...32)
    func unpackMatchesTheSlowTwinOnArbitraryBytes(bitWidth: Int) {
        var random = CodecTestRandom(stream: 100 + UInt64(bitWidth))
        for trial in 0..<20 {
            let bytes = (0..<16 * bitWidth).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            #expect(
                unpack(bytes, bitWidth: bitWidth) == referenceUnpack(bytes, bitWidth: bitWidth),
                CodecTestRandom.comment("width \(bitWidth), trial \(trial)"))
        }
    }

    @Test(arguments: 0...32)
    func roundTripsEdgeValues(bitWidth: Int) {
        let mask = bitWidth == 32 ? UInt32.max : (1 << bitWidth) - 1
        let edges: [UInt32] = [0, 1, 1 << 7, 1 << 14, 1 << 31, .max, mask, mask >> 1]
        let values = (0..<128).map { edges[$0 % edges.count] & mask }
        #expect(BitPacking.bitWidth(of: values, count: 128) == (bitWidth == 0 ? 0 : bitWidth))
        #expect(unpack(pack(values, bitWidth: bitWidth), bitWidth: bitWidth) == values)
    }

    @Test(arguments: 0...32)
    func roundTripsRandomValuesAtEveryWidth(bitWidth: Int) {
        var random = CodecTestRandom(stream: 200 + UInt64(bitWidth))
        for trial in 0..<50 {
            let values = randomBlock(bitWidth: bitWidth, using: &random)
            #expect(
                unpack(pack(values, bitWidth: bitWidth), bitWidth: bitWidth) == values,
                CodecTestRandom.comment("width \(bitWidth), trial \(trial)"))
        }
    }

    @Test func bitWidthIsThatOfTheLargestValue() {
        #expect(BitPacking.bitWidth(of: [], count: 0) == 0)
        #expect(BitPacking.bitWidth(of: [0, 0, 0], count: 3) == 0)
        #expect(BitPacking.bitWidth(of: [1], count: 1) == 1)
        #expect(BitPacking.bitWidth(of: [5, 1 << 20, 3], count: 3) == 21)
        #expect(BitPacking.bitWidth(of: [5, 1 << 20, 3], count: 1) == 3)
        #expect(BitPacking.bitWidth(of: [.max], count: 1) == 32)
        for width in 0...32 {
            #expect(BitPacking.packedByteCount(bitWidth: width) == 16 * width)
        }
    }

    @Test func packAndUnpackTouchOnlyTheirBlock() {
        var random = CodecTestRandom(stream: 300)
        for bitWidth in 0...32 {
            let values = randomBlock(bitWidth: bitWidth, using: &random)
            let size = BitPacking.packedByteCount(bitWidth: bitWidth)
            var bytes = [UInt8](repeating: 0xEE, count: size + 32)
            values.withUnsafeBufferPointer { source in
                bytes.withUnsafeMutableBytes { output in
                    BitPacking.pack(source.baseAddress!, bitWidth: bitWidth, into: output.baseAddress! + 16)
                }
            }
            #expect(
                bytes[..<16].allSatisfy { $0 == 0xEE },
                CodecTestRandom.comment("pack wrote before, width \(bitWidth)"))
            #expect(
                bytes[(16 + size)...].allSatisfy { $0 == 0xEE },
                CodecTestRandom.comment("pack overran, width \(bitWidth)"))

            var decoded = [UInt32](repeating: 0xDEAD_BEEF, count: 130)
            bytes.withUnsafeBytes { input in
                decoded.withUnsafeMutableBufferPointer { output in
                    BitPacking.unpack(
                        input.baseAddress! + 16, bitWidth: bitWidth, into: output.baseAddress! + 1)
                }
            }
            #expect(Array(decoded[1...128]) == values, CodecTestRandom.comment("width \(bitWidth)"))
            #expect(
                decoded[0] == 0xDEAD_BEEF && decoded[129] == 0xDEAD_BEEF,
                CodecTestRandom.comment("unpack overran"))
        }
    }

    // MARK: Deltas

    /// A strictly increasing block after `base` whose largest gap needs `gapBits` bits.
    private func increasingBlock(
        after base: UInt32, gapBits: Int, using random: inout CodecTestRandom
    ) -> [UInt32] {
        var current = base
        return (0..<128).map { index in
            // The first gap of each block is the widest, so the block's width is exactly gapBits.
            let gap = index == 0 ? max(1, 1 << (gapBits - 1)) : max(1, random.value(bitWidth: gapBits))
            current &+= gap
            return current
        }
    }

    @Test(arguments: 1...32)
    func deltasRoundTripFromAnyBase(gapBits: Int) {
        var random = CodecTestRandom(stream: 400 + UInt64(gapBits))
        let bases: [UInt32] = [0, 1, random.value(bitWidth: 31), .max - 200, .max]
        for base in bases {
            let values = increasingBlock(after: base, gapBits: gapBits, using: &random)
            let width = BitPacking.deltaBitWidth(of: values, base: base)
            #expect(width == gapBits, CodecTestRandom.comment("gap bits \(gapBits), base \(base)"))
            var packed = [UInt8](repeating: 0, count: BitPacking.packedByteCount(bitWidth: width))
            values.withUnsafeBufferPointer { source in
                packed.withUnsafeMutableBytes { output in
                    BitPacking.packDeltas(
                        source.baseAddress!, base: base, bitWidth: width, into: output.baseAddress!)
                }
            }
            // The packed bytes are the plain layout of the gaps x[i] - x[i-1].
            let gaps = zip(values, [base] + values.dropLast()).map { $0 &- $1 }
            #expect(
                packed == referencePack(gaps, bitWidth: width),
                CodecTestRandom.comment("gap bits \(gapBits)"))
            #expect(
                unpack(packed, bitWidth: width, deltasFrom: base) == values,
                CodecTestRandom.comment("gap bits \(gapBits), base \(base)"))
        }
    }

    @Test func blocksPackedWiderThanNeededStillRoundTrip() {
        var random = CodecTestRandom(stream: 450)
        let values = increasingBlock(after: 90, gapBits: 5, using: &random)
        for width in 5...32 {
            var packed = [UInt8](repeating: 0, count: BitPacking.packedByteCount(bitWidth: width))
            values.withUnsafeBufferPointer { source in
                packed.withUnsafeMutableBytes { output in
                    BitPacking.packDeltas(
                        source.baseAddress!, base: 90, bitWidth: width, into: output.baseAddress!)
                }
            }
            #expect(
                unpack(packed, bitWidth: width, deltasFrom: 90) == values,
                CodecTestRandom.comment("width \(width)"))
            if width >= BitPacking.bitWidth(of: values, count: values.count) {
                #expect(
                    unpack(pack(values, bitWidth: width), bitWidth: width) == values,
                    CodecTestRandom.comment("plain, width \(width)"))
            }
        }
    }

    @Test func deltasOfAConstantBlockTakeNoBytes() {
        let values = [UInt32](repeating: 77, count: 128)
        #expect(BitPacking.deltaBitWidth(of: values, base: 77) == 0)
        #expect(unpack([], bitWidth: 0, deltasFrom: 77) == values)
    }

    @Test func unpackDeltasOfArbitraryBytesIsTheRunningSumOfTheSlowTwin() {
        var random = CodecTestRandom(stream: 500)
        for bitWidth in 0...32 {
            let bytes = (0..<16 * bitWidth).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let base = UInt32(truncatingIfNeeded: random.next())
            var running = base
            let expected = referenceUnpack(bytes, bitWidth: bitWidth).map { gap in
                running &+= gap
                return running
            }
            #expect(
                unpack(bytes, bitWidth: bitWidth, deltasFrom: base) == expected,
                CodecTestRandom.comment("width \(bitWidth)")
            )
        }
    }

    @Test func deltasOfDecreasingValuesStillRoundTrip() {
        // Not a doc-id sequence, but wrapping arithmetic keeps the codec total.
        let values = (0..<128).map { UInt32(1000 - $0 * 7) }
        let width = BitPacking.deltaBitWidth(of: values, base: 5000)
        #expect(width == 32)
        var packed = [UInt8](repeating: 0, count: BitPacking.packedByteCount(bitWidth: width))
        values.withUnsafeBufferPointer { source in
            packed.withUnsafeMutableBytes { output in
                BitPacking.packDeltas(
                    source.baseAddress!, base: 5000, bitWidth: width, into: output.baseAddress!)
            }
        }
        #expect(unpack(packed, bitWidth: width, deltasFrom: 5000) == values)
    }
}
