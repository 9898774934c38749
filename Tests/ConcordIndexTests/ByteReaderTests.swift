import ConcordIndex
import Testing

/// Little-endian value of `count` bytes at `start` of `bytes`, or nil when out of range:
/// the model the reader's fixed-width reads are checked against.
private func modelInteger(_ bytes: [UInt8], at start: Int, count: Int) -> UInt64? {
    guard start >= 0, start <= bytes.count - count else { return nil }
    return (0..<count).reversed().reduce(0) { $0 << 8 | UInt64(bytes[start + $1]) }
}

/// The model varint decoder: the value and its length, or nil for any malformed input
/// (truncated, too long, too wide, or not the shortest form).
private func modelVarInt(_ bytes: [UInt8], at start: Int, bitWidth: Int) -> (UInt64, Int)? {
    var value: UInt64 = 0
    for length in 1...((bitWidth + 6) / 7) {
        guard start + length <= bytes.count else { return nil }
        let byte = bytes[start + length - 1]
        let shift = 7 * (length - 1)
        let payload = UInt64(byte & 0x7F)
        let room = bitWidth - shift
        if room < 7, payload >> room != 0 { return nil }
        value |= payload << shift
        if byte < 0x80 { return length > 1 && byte == 0 ? nil : (value, length) }
    }
    return nil
}

@Suite struct ByteReaderTests {
    @Test func readsLittleEndianFixedWidthIntegers() throws {
        let bytes: [UInt8] = [
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
        ]
        try bytes.withUnsafeBytes { buffer throws in
            var reader = ByteReader(bytes: buffer, file: "fixed")
            #expect(try reader.readUInt8() == 0x01)
            #expect(try reader.readUInt16() == 0x0302)  // unaligned from here on
            #expect(try reader.readUInt32() == 0x0706_0504)
            #expect(try reader.readUInt64() == 0x0F0E_0D0C_0B0A_0908)
            #expect(reader.isAtEnd && reader.remainingCount == 0)
            #expect(try reader.getUInt32(at: 1) == 0x0504_0302)
            #expect(try reader.getUInt64(at: 7) == 0x0F0E_0D0C_0B0A_0908)
            #expect(try reader.getUInt16(at: 13) == 0x0F0E)
            #expect(try reader.getUInt8(at: 14) == 0x0F)
            #expect(reader.offset == 15)
            #expect(throws: IndexCorruption.self) { try reader.readUInt8() }
            #expect(throws: IndexCorruption.self) { try reader.getUInt64(at: 8) }
        }
    }

    @Test func outOfRangeArgumentsThrowInsteadOfOverflowing() {
        let bytes = [UInt8](repeating: 7, count: 16)
        bytes.withUnsafeBytes { buffer in
            var reader = ByteReader(bytes: buffer, file: "ranges")
            for value in [-1, 17, Int.max, Int.min, Int.max - 3] {
                #expect(throws: IndexCorruption.self, "\(value)") { try reader.require(value) }
                #expect(throws: IndexCorruption.self, "\(value)") { try reader.require(1, at: value) }
                #expect(throws: IndexCorruption.self, "\(value)") { try reader.seek(to: value) }
                #expect(throws: IndexCorruption.self, "\(value)") { try reader.skip(value) }
                #expect(throws: IndexCorruption.self, "\(value)") { try reader.readBytes(value) }
                #expect(throws: IndexCorruption.self, "\(value)") { try reader.getUInt32(at: value) }
                #expect(throws: IndexCorruption.self, "\(value)") {
                    try reader.subReader(at: value, count: 1)
                }
                #expect(throws: IndexCorruption.self, "\(value)") {
                    try reader.subReader(at: 1, count: value)
                }
            }
            #expect(reader.offset == 0)
        }
    }

    @Test func emptyBuffersWithoutAnAddressAreReadable() throws {
        var reader = ByteReader(bytes: UnsafeRawBufferPointer(start: nil, count: 0), file: "empty")
        #expect(reader.isAtEnd)
        #expect(try reader.readBytes(0).count == 0)
        var zeros = [UInt32](repeating: 9, count: 128)
        try zeros.withUnsafeMutableBufferPointer {
            try reader.readPackedBlock(bitWidth: 0, into: $0.baseAddress!)
        }
        #expect(zeros == [UInt32](repeating: 0, count: 128))
        try zeros.withUnsafeMutableBufferPointer {
            try reader.readPackedDeltaBlock(bitWidth: 0, base: 41, into: $0.baseAddress!)
        }
        #expect(zeros == [UInt32](repeating: 41, count: 128))
        #expect(throws: IndexCorruption.self) { try reader.readUInt8() }
        #expect(throws: IndexCorruption.self) { try reader.readVarUInt32() }
        #expect(throws: IndexCorruption.self) {
            try zeros.withUnsafeMutableBufferPointer {
                try reader.readPackedBlock(bitWidth: 1, into: $0.baseAddress!)
            }
        }
    }

    @Test func sectionsReportOffsetsInTheWholeFile() throws {
        let bytes = [UInt8](repeating: 0, count: 40)
        try bytes.withUnsafeBytes { buffer throws in
            let file = ByteReader(bytes: buffer, file: "seg_1.pos", fileOffset: 100)
            var section = try file.subReader(at: 30, count: 8)
            #expect(section.count == 8 && section.fileOffset == 130)
            try section.skip(6)
            #expect(
                throws: IndexCorruption(
                    file: "seg_1.pos", offset: 136, reason: "needs 4 bytes but only 2 remain")
            ) {
                try section.readUInt32()
            }
        }
    }

    @Test func corruptionDescriptionNamesFileOffsetAndRemedy() {
        let located = IndexCorruption(
            file: "seg_2.terms", offset: 4096, reason: "bit width 40 exceeds 32")
        #expect(
            located.description
                == "index file seg_2.terms is corrupt at byte 4096: bit width 40 exceeds 32"
                + " (run `concord check` to examine the whole index)")
        let unlocated = IndexCorruption(file: "manifest", reason: "checksum mismatch")
        #expect(unlocated.description.hasPrefix("index file manifest is corrupt: checksum mismatch"))
    }

    @Test func writerAndReaderAgreeOnEveryEncoding() throws {
        var random = CodecTestRandom(stream: 800)
        let block = (0..<128).map { _ in random.value(bitWidth: 13) }
        let increasing = block.reduce(into: [UInt32]()) { $0.append(($0.last ?? 1000) &+ $1 + 1) }
        var writer = ByteWriter(capacity: 16)
        writer.appendUInt8(0xAB)
        writer.appendUInt16(0xBEEF)
        writer.appendUInt32(0)  // patched below
        writer.appendUInt64(0x0123_4567_89AB_CDEF)
        writer.appendVarUInt32(300)
        writer.appendVarUInt64(.max)
        writer.append(contentsOf: "term".utf8)
        block.withUnsafeBufferPointer { writer.appendPackedBlock($0.baseAddress!, bitWidth: 13) }
        let deltaWidth = increasing.withUnsafeBufferPointer {
            BitPacking.deltaBitWidth(of: $0.baseAddress!, base: 1000)
        }
        increasing.withUnsafeBufferPointer {
            writer.appendPackedDeltaBlock($0.baseAddress!, base: 1000, bitWidth: deltaWidth)
        }
        writer.setUInt32(UInt32(writer.count), at: 3)

        try writer.withUnsafeBytes { buffer throws in
            var reader = ByteReader(bytes: buffer, file: "round-trip")
            #expect(try reader.readUInt8() == 0xAB)
            #expect(try reader.readUInt16() == 0xBEEF)
            #expect(try reader.readUInt32() == UInt32(buffer.count))
            #expect(try reader.readUInt64() == 0x0123_4567_89AB_CDEF)
            #expect(try reader.readVarUInt32() == 300)
            #expect(try reader.readVarUInt64() == .max)
            #expect(Array(try reader.readBytes(4)) == Array("term".utf8))
            var decoded = [UInt32](repeating: 0, count: 128)
            try decoded.withUnsafeMutableBufferPointer {
                try reader.readPackedBlock(bitWidth: 13, into: $0.baseAddress!)
            }
            #expect(decoded == block, CodecTestRandom.comment("plain block"))
            try decoded.withUnsafeMutableBufferPointer {
                try reader.readPackedDeltaBlock(bitWidth: deltaWidth, base: 1000, into: $0.baseAddress!)
            }
            #expect(decoded == increasing, CodecTestRandom.comment("delta block"))
            #expect(reader.isAtEnd)
        }
        writer.reset()
        #expect(writer.count == 0)
    }

    /// Random bytes, random calls, random arguments: the reader must agree with the model
    /// on every call and never trap.
    @Test func neverTrapsOnRandomBytesAndCalls() throws {
        var random = CodecTestRandom(stream: 900)
        var output = [UInt32](repeating: 0, count: 128)
        for trial in 0..<3000 {
            let length = Int(random.next() % 80)
            let bytes = (0..<length).map { _ in
                // Mostly continuation-heavy bytes, so varints get long and truncated.
                random.next() % 3 == 0
                    ? UInt8(truncatingIfNeeded: random.next()) : 0x80 | UInt8(random.next() % 4)
            }
            try bytes.withUnsafeBytes { buffer throws in
                var reader = ByteReader(bytes: buffer, file: "fuzz", fileOffset: 10)
                for step in 0..<40 {
                    let before = reader.offset
                    let context = CodecTestRandom.comment(
                        "trial \(trial), step \(step), offset \(before), bytes \(bytes)")
                    let argument: Int = {
                        switch random.next() % 8 {
                        case 0: return Int.max - Int(random.next() % 8)
                        case 1: return -Int(random.next() % 8) - 1
                        default: return Int(random.next() % UInt64(length + 8))
                        }
                    }()
                    let operation = random.next() % 9
                    switch operation {
                    case 0, 1, 2:
                        let size = [1, 2, 4, 8][Int(random.next() % 4)]
                        let expected = modelInteger(bytes, at: before, count: size)
                        let actual: UInt64? =
                            switch size {
                            case 1: try? UInt64(reader.readUInt8())
                            case 2: try? UInt64(reader.readUInt16())
                            case 4: try? UInt64(reader.readUInt32())
                            default: try? reader.readUInt64()
                            }
                        #expect(actual == expected, context)
                        #expect(reader.offset == before + (expected == nil ? 0 : size), context)
                    case 3:
                        #expect(
                            (try? reader.getUInt32(at: argument))
                                == modelInteger(bytes, at: argument, count: 4).map { UInt32($0) }, context)
                    case 4:
                        let is64 = random.next() % 2 == 0
                        let expected = modelVarInt(bytes, at: before, bitWidth: is64 ? 64 : 32)
                        let actual =
                            is64 ? try? reader.readVarUInt64() : (try? reader.readVarUInt32()).map { UInt64($0) }
                        #expect(actual == expected?.0, context)
                        #expect(reader.offset == before + (expected?.1 ?? 0), context)
                    case 5:
                        let fits = argument >= 0 && argument <= length - before
                        let slice = try? reader.readBytes(argument)
                        #expect((slice != nil) == fits, context)
                        if let slice {
                            #expect(Array(slice) == Array(bytes[before..<before + argument]), context)
                        }
                    case 6:
                        let fits = argument >= 0 && argument <= length
                        #expect(((try? reader.seek(to: argument)) != nil) == fits, context)
                    case 7:
                        let width = Int(random.next() % 40) - 2
                        let fits = (0...32).contains(width) && 16 * width <= length - before
                        let result: Void? = try? output.withUnsafeMutableBufferPointer {
                            if random.next() % 2 == 0 {
                                try reader.readPackedBlock(bitWidth: width, into: $0.baseAddress!)
                            } else {
                                try reader.readPackedDeltaBlock(bitWidth: width, base: 3, into: $0.baseAddress!)
                            }
                        }
                        #expect((result != nil) == fits, context)
                    default:
                        let expected = before < length && bytes[before] <= 32 ? Int(bytes[before]) : nil
                        do {
                            #expect(try reader.readBitWidth() == expected, context)
                        } catch let error as IndexCorruption {
                            #expect(expected == nil, context)
                            #expect(error.file == "fuzz" && error.offset == 10 + before, context)
                        }
                    }
                    #expect((0...length).contains(reader.offset), context)
                }
            }
        }
    }
}
