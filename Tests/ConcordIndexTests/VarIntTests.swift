import ConcordIndex
import Testing

private func encoded(_ value: UInt64) -> [UInt8] {
    var writer = ByteWriter()
    writer.appendVarUInt64(value)
    return writer.bytes
}

private func encoded32(_ value: UInt32) -> [UInt8] {
    var writer = ByteWriter()
    writer.appendVarUInt32(value)
    return writer.bytes
}

/// Decodes one UInt32 varint from `bytes` with the reader starting at `start`; returns
/// the value and the reader's offset afterwards.
private func decode32(_ bytes: [UInt8], from start: Int = 0) throws -> (UInt32, Int) {
    try bytes.withUnsafeBytes { buffer throws in
        var reader = ByteReader(bytes: buffer, file: "test.post")
        try reader.seek(to: start)
        let value = try reader.readVarUInt32()
        return (value, reader.offset)
    }
}

private func decode64(_ bytes: [UInt8]) throws -> (UInt64, Int) {
    try bytes.withUnsafeBytes { buffer throws in
        var reader = ByteReader(bytes: buffer, file: "test.post")
        let value = try VarInt.decodeUInt64(from: &reader)
        return (value, reader.offset)
    }
}

@Suite struct VarIntTests {
    static let boundaries: [UInt32] = [
        0, 1, 127, 128, 16383, 16384, (1 << 21) - 1, 1 << 21, (1 << 28) - 1, 1 << 28, 1 << 31, .max,
    ]

    @Test(arguments: boundaries)
    func uint32RoundTripsInTheShortestForm(value: UInt32) throws {
        let bytes = encoded32(value)
        let expectedCount = value == 0 ? 1 : (32 - value.leadingZeroBitCount + 6) / 7
        #expect(bytes.count == expectedCount)
        #expect(VarInt.encodedByteCount(of: UInt64(value)) == expectedCount)
        #expect(try decode32(bytes) == (value, bytes.count))
        #expect(try decode64(bytes) == (UInt64(value), bytes.count))
    }

    @Test(arguments: [0, 1, 127, 128, 1 << 35, (1 << 56) - 1, 1 << 63, .max] as [UInt64])
    func uint64RoundTrips(value: UInt64) throws {
        let bytes = encoded(value)
        #expect(bytes.count == VarInt.encodedByteCount(of: value))
        #expect(try decode64(bytes) == (value, bytes.count))
    }

    @Test func encodingsAreLittleEndianGroupsOfSevenBits() {
        #expect(encoded32(0) == [0x00])
        #expect(encoded32(127) == [0x7F])
        #expect(encoded32(128) == [0x80, 0x01])
        #expect(encoded32(300) == [0xAC, 0x02])
        #expect(encoded32(.max) == [0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        #expect(encoded(.max) == [UInt8](repeating: 0xFF, count: 9) + [0x01])
    }

    @Test(arguments: boundaries)
    func everyTruncationThrowsAndLeavesTheReaderInPlace(value: UInt32) {
        let bytes = encoded32(value)
        for length in 0..<bytes.count {
            let prefix = [0x2A] + bytes[..<length]
            #expect(
                throws: IndexCorruption(
                    file: "test.post", offset: 1, reason: "varint runs past the end of the data")
            ) {
                try decode32(prefix, from: 1)
            }
        }
        let prefix = [UInt8](bytes.dropLast())
        prefix.withUnsafeBytes { buffer in
            var reader = ByteReader(bytes: buffer, file: "test.post")
            #expect(throws: IndexCorruption.self) { try reader.readVarUInt32() }
            #expect(reader.offset == 0)
        }
    }

    @Test func overlongEncodingsThrow() {
        let tooLong32: [[UInt8]] = [
            [0x80, 0x80, 0x80, 0x80, 0x80, 0x00],  // six bytes
            [0xFF, 0xFF, 0xFF, 0xFF, 0x10],  // a 33rd bit
            [0xFF, 0xFF, 0xFF, 0xFF, 0x8F, 0x00],  // continuation after the fifth byte
            encoded(1 << 32),
        ]
        for bytes in tooLong32 {
            #expect(throws: IndexCorruption.self, "\(bytes)") { try decode32(bytes) }
        }
        let tooLong64: [[UInt8]] = [
            [UInt8](repeating: 0xFF, count: 9) + [0x02],  // a 65th bit
            [UInt8](repeating: 0x80, count: 10) + [0x01],  // eleven bytes
        ]
        for bytes in tooLong64 {
            #expect(throws: IndexCorruption.self, "\(bytes)") { try decode64(bytes) }
        }
    }

    @Test func nonShortestEncodingsThrow() {
        for bytes: [UInt8] in [[0x80, 0x00], [0x81, 0x00], [0xFF, 0x80, 0x00]] {
            #expect(throws: IndexCorruption.self, "\(bytes)") { try decode32(bytes) }
            #expect(throws: IndexCorruption.self, "\(bytes)") { try decode64(bytes) }
        }
    }

    @Test func errorsNameTheFileAndTheVarintsFileOffset() throws {
        let bytes: [UInt8] = [0x01, 0x02, 0x80, 0x80]
        bytes.withUnsafeBytes { buffer in
            var reader = ByteReader(bytes: buffer, file: "seg_7.post", fileOffset: 1000)
            #expect(
                throws: IndexCorruption(
                    file: "seg_7.post", offset: 1002, reason: "varint runs past the end of the data")
            ) {
                try reader.skip(2)
                _ = try reader.readVarUInt32()
            }
        }
    }

    @Test func randomSequencesDecodeInOrder() throws {
        var random = CodecTestRandom(stream: 600)
        var values: [UInt64] = []
        var writer = ByteWriter()
        for _ in 0..<5000 {
            let value = random.next() >> (random.next() % 64)
            values.append(value)
            if value <= UInt32.max, random.next() % 2 == 0 {
                VarInt.encode(UInt32(value), into: &writer)
            } else {
                VarInt.encode(value, into: &writer)
            }
        }
        try writer.withUnsafeBytes { buffer throws in
            var reader = ByteReader(bytes: buffer, file: "random")
            for (index, value) in values.enumerated() {
                let decoded = try reader.readVarUInt64()
                #expect(decoded == value, CodecTestRandom.comment("value \(index)"))
            }
            #expect(reader.isAtEnd)
        }
    }
}
