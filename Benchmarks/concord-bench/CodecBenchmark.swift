import ConcordIndex

/// `concord-bench micro`, part 1: decode speed of the binary codecs.
///
/// Measures bit-packed block unpacking (plain and delta) at widths 1...20 over 1M values
/// per width (L2/L3 resident), decoded block by block into one 128-value buffer, plus
/// LEB128 varint decoding and CRC-32C. Every timed pass folds its output into a checksum
/// that must equal one computed from the source data, so the work cannot be optimized
/// away and a wrong decoder fails the run. Reports the best of several runs as a table
/// and as one JSON line starting with `{"benchmark":"codec"`.
enum CodecBenchmark {
    /// Runs the codec benchmarks. Accepts `--runs N` (best of N, default 5) and `--quick`
    /// (fewer passes per run, for smoke tests); returns the process exit status, 2 for
    /// bad arguments. Throws when a decoder produces a wrong result.
    static func run(arguments: [String]) throws -> Int32 {
        var runs = 5
        var passScale = 1
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--runs":
                guard let text = remaining.popFirst(), let value = Int(text), value > 0 else {
                    print("usage: concord-bench micro [--runs N] [--quick]")
                    return 2
                }
                runs = value
            case "--quick":
                passScale = 10
            default:
                print("concord-bench micro: unknown argument \(argument)")
                print("usage: concord-bench micro [--runs N] [--quick]")
                return 2
            }
        }

        print(
            "codec decode, best of \(runs) runs; \(valueCount) values per width, one 128-value buffer")
        print("bits  unpack G ints/s  unpackDeltas G ints/s")
        var unpackRates: [(Int, Double)] = []
        var deltaRates: [(Int, Double)] = []
        for bitWidth in 1...20 {
            let plain = try measureUnpack(bitWidth: bitWidth, runs: runs, passes: 200 / passScale)
            let deltas = try measureUnpackDeltas(bitWidth: bitWidth, runs: runs, passes: 200 / passScale)
            unpackRates.append((bitWidth, plain))
            deltaRates.append((bitWidth, deltas))
            print(padded(String(bitWidth), 4) + padded(fixed(plain), 17) + padded(fixed(deltas), 23))
        }
        let (varIntRate, bytesPerVarInt) = try measureVarInt(runs: runs, passes: 20 / passScale)
        print(
            "varint decode: \(fixed(varIntRate, decimals: 1)) M ints/s (\(fixed(bytesPerVarInt)) bytes/int)"
        )
        let crcRate = try measureCRC32C(runs: runs, passes: 100 / passScale)
        print("crc32c: \(fixed(crcRate)) GB/s")

        func object(_ rates: [(Int, Double)]) -> String {
            "{" + rates.map { "\"\($0.0)\":\(fixed($0.1))" }.joined(separator: ",") + "}"
        }
        print(
            "{\"benchmark\":\"codec\",\"unpack_gints_per_s\":\(object(unpackRates))"
                + ",\"unpack_deltas_gints_per_s\":\(object(deltaRates))"
                + ",\"varint_decode_mints_per_s\":\(fixed(varIntRate, decimals: 1))"
                + ",\"varint_bytes_per_int\":\(fixed(bytesPerVarInt))"
                + ",\"crc32c_gb_per_s\":\(fixed(crcRate))}")
        return 0
    }

    /// Values per bit width: 8192 blocks.
    private static let valueCount = 1 << 20
    private static let blockSize = BitPacking.blockSize

    /// A decoder returned a checksum other than the one computed from the source data.
    struct WrongResult: Error, CustomStringConvertible {
        let description: String
    }

    // MARK: Bit packing

    private static func measureUnpack(bitWidth: Int, runs: Int, passes: Int) throws -> Double {
        var random = BenchmarkRandom(seed: 0xC0DE_C000 + UInt64(bitWidth))
        let values = (0..<valueCount).map { index in
            // One value per block sits in the top half of the range, so each block has width b.
            let floor: UInt32 = index % blockSize == 0 ? 1 << (bitWidth - 1) : 0
            return floor | random.next(bits: bitWidth)
        }
        let blockCount = valueCount / blockSize
        let blockBytes = BitPacking.packedByteCount(bitWidth: bitWidth)
        var packed = [UInt8](repeating: 0, count: blockCount * blockBytes)
        values.withUnsafeBufferPointer { source in
            packed.withUnsafeMutableBytes { output in
                for block in 0..<blockCount {
                    BitPacking.pack(
                        source.baseAddress! + block * blockSize, bitWidth: bitWidth,
                        into: output.baseAddress! + block * blockBytes)
                }
            }
        }
        let expected = sampledSum(values)
        let seconds = try packed.withUnsafeBytes { input in
            try bestSeconds(
                runs: runs, label: "unpack b=\(bitWidth)", expected: expected &* UInt64(passes)
            ) {
                var sum: UInt64 = 0
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: blockSize) { buffer in
                    for _ in 0..<passes {
                        for block in 0..<blockCount {
                            BitPacking.unpack(
                                input.baseAddress! + block * blockBytes, bitWidth: bitWidth,
                                into: buffer.baseAddress!)
                            sum &+= UInt64(buffer[block % blockSize])
                        }
                    }
                }
                return sum
            }
        }
        return Double(valueCount * passes) / seconds / 1e9
    }

    private static func measureUnpackDeltas(bitWidth: Int, runs: Int, passes: Int) throws -> Double {
        var random = BenchmarkRandom(seed: 0xDE17_A000 + UInt64(bitWidth))
        var values: [UInt32] = []
        values.reserveCapacity(valueCount)
        var current: UInt32 = 0
        for index in 0..<valueCount {
            // Gaps in 1..<2^b, one per block in the top half, as doc-id gaps would be.
            let floor: UInt32 = index % blockSize == 0 ? 1 << (bitWidth - 1) : 1
            current &+= max(floor, random.next(bits: bitWidth))
            values.append(current)
        }
        let blockCount = valueCount / blockSize
        let blockBytes = BitPacking.packedByteCount(bitWidth: bitWidth)
        // The value before each block, as a reader would take it from skip data.
        let bases = (0..<blockCount).map { $0 == 0 ? 0 : values[$0 * blockSize - 1] }
        var packed = [UInt8](repeating: 0, count: blockCount * blockBytes)
        values.withUnsafeBufferPointer { source in
            packed.withUnsafeMutableBytes { output in
                for block in 0..<blockCount {
                    BitPacking.packDeltas(
                        source.baseAddress! + block * blockSize, base: bases[block], bitWidth: bitWidth,
                        into: output.baseAddress! + block * blockBytes)
                }
            }
        }
        let expected = sampledSum(values)
        let seconds = try packed.withUnsafeBytes { input in
            try bases.withUnsafeBufferPointer { bases in
                try bestSeconds(
                    runs: runs, label: "unpackDeltas b=\(bitWidth)", expected: expected &* UInt64(passes)
                ) {
                    var sum: UInt64 = 0
                    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: blockSize) { buffer in
                        for _ in 0..<passes {
                            for block in 0..<blockCount {
                                BitPacking.unpackDeltas(
                                    input.baseAddress! + block * blockBytes, bitWidth: bitWidth,
                                    base: bases[block], into: buffer.baseAddress!)
                                sum &+= UInt64(buffer[block % blockSize])
                            }
                        }
                    }
                    return sum
                }
            }
        }
        return Double(valueCount * passes) / seconds / 1e9
    }

    /// Sum of value `block % 128` of every block: what the timed loops fold in.
    private static func sampledSum(_ values: [UInt32]) -> UInt64 {
        var sum: UInt64 = 0
        for block in 0..<values.count / blockSize {
            sum &+= UInt64(values[block * blockSize + block % blockSize])
        }
        return sum
    }

    // MARK: Varints and checksums

    /// Returns M ints/s and the mean encoded size. Values have a bit length drawn
    /// uniformly from 1...14, so encodings are 1 or 2 bytes, like gaps and frequencies.
    private static func measureVarInt(runs: Int, passes: Int) throws -> (Double, Double) {
        var random = BenchmarkRandom(seed: 0x7A41_0000)
        var writer = ByteWriter(capacity: 2 * valueCount)
        var expected: UInt64 = 0
        for _ in 0..<valueCount {
            let value = random.next(bits: 1 + Int(random.next() % 14))
            expected &+= UInt64(value)
            writer.appendVarUInt32(value)
        }
        let seconds = try writer.withUnsafeBytes { bytes in
            try bestSeconds(runs: runs, label: "varint", expected: expected &* UInt64(passes)) {
                var sum: UInt64 = 0
                for _ in 0..<passes {
                    var reader = ByteReader(bytes: bytes, file: "benchmark")
                    for _ in 0..<valueCount {
                        sum &+= UInt64(try reader.readVarUInt32())
                    }
                    guard reader.isAtEnd else { throw WrongResult(description: "varint: bytes left over") }
                }
                return sum
            }
        }
        return (Double(valueCount * passes) / seconds / 1e6, Double(writer.count) / Double(valueCount))
    }

    /// Returns GB/s over a 1 MiB buffer, which stays in L2.
    private static func measureCRC32C(runs: Int, passes: Int) throws -> Double {
        var random = BenchmarkRandom(seed: 0xC3C3_2C00)
        let data = (0..<(1 << 20)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let seconds = try data.withUnsafeBytes { bytes in
            let single = UInt64(CRC32C.checksum(bytes))
            return try bestSeconds(runs: runs, label: "crc32c", expected: single &* UInt64(passes)) {
                var sum: UInt64 = 0
                for _ in 0..<passes {
                    sum &+= UInt64(CRC32C.checksum(bytes))
                }
                return sum
            }
        }
        return Double(data.count * passes) / seconds / 1e9
    }

    // MARK: Harness

    /// Times `body` `runs` times and returns the fastest, in seconds; throws if any run's
    /// checksum differs from `expected`.
    private static func bestSeconds(
        runs: Int, label: String, expected: UInt64, _ body: () throws -> UInt64
    ) throws -> Double {
        let clock = ContinuousClock()
        var best = Double.infinity
        for _ in 0..<runs {
            var result: UInt64 = 0
            let elapsed = try clock.measure { result = try body() }
            guard result == expected else {
                throw WrongResult(description: "\(label): checksum \(result), expected \(expected)")
            }
            let (seconds, attoseconds) = elapsed.components
            best = min(best, Double(seconds) + Double(attoseconds) * 1e-18)
        }
        return best
    }

    private static func fixed(_ value: Double, decimals: Int = 2) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = String(scaled / Int(scale))
        guard decimals > 0 else { return whole }
        let fraction = String(scaled % Int(scale))
        return whole + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    private static func padded(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

/// SplitMix64: a small seeded generator, so every run measures the same data.
private struct BenchmarkRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A value uniform in 0..<2^bits, for bits in 1...32.
    mutating func next(bits: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: next() >> (64 - bits))
    }
}
