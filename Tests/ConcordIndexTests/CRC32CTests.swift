import ConcordIndex
import Testing

/// The slow twin: the CRC-32C definition, one bit at a time.
private func referenceChecksum(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
    var state = ~seed
    for byte in bytes {
        state ^= UInt32(byte)
        for _ in 0..<8 {
            state = state & 1 == 1 ? (state >> 1) ^ 0x82F6_3B78 : state >> 1
        }
    }
    return ~state
}

@Suite struct CRC32CTests {
    @Test func matchesPublishedCheckValues() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        // RFC 3720 (iSCSI), appendix B.4.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
    }

    @Test func matchesTheBitwiseDefinitionAtEveryLengthAndAlignment() {
        var random = CodecTestRandom(stream: 700)
        let data = (0..<300).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        data.withUnsafeBytes { buffer in
            for start in 0..<9 {
                for length in 0...(data.count - start) where length < 40 || length % 17 == 0 {
                    let slice = UnsafeRawBufferPointer(rebasing: buffer[start..<start + length])
                    #expect(
                        CRC32C.checksum(slice) == referenceChecksum(Array(slice)),
                        CodecTestRandom.comment("start \(start), length \(length)"))
                }
            }
        }
    }

    @Test func seededChunksEqualTheOneShotChecksum() {
        var random = CodecTestRandom(stream: 701)
        for trial in 0..<50 {
            let data = (0..<Int(random.next() % 5000)).map { _ in UInt8(truncatingIfNeeded: random.next())
            }
            var cuts = (0..<Int(random.next() % 6)).map { _ in Int(random.next() % UInt64(data.count + 1))
            }
            cuts = ([0] + cuts + [data.count]).sorted()
            var running: UInt32 = 0
            for (start, end) in zip(cuts, cuts.dropFirst()) {
                running = CRC32C.checksum(data[start..<end], seed: running)
            }
            #expect(
                running == CRC32C.checksum(data), CodecTestRandom.comment("trial \(trial), cuts \(cuts)"))
            #expect(running == referenceChecksum(data), CodecTestRandom.comment("trial \(trial)"))
        }
    }

    @Test func detectsEverySingleBitFlip() {
        var random = CodecTestRandom(stream: 702)
        var data = (0..<64).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let original = CRC32C.checksum(data)
        for bit in 0..<data.count * 8 {
            data[bit / 8] ^= 1 << (bit % 8)
            #expect(CRC32C.checksum(data) != original, CodecTestRandom.comment("bit \(bit)"))
            data[bit / 8] ^= 1 << (bit % 8)
        }
    }
}
