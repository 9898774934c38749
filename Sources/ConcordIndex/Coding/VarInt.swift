/// Unsigned LEB128 varints: 7 bits per byte, least significant group first, the high bit
/// set on every byte but the last.
///
/// Writers always produce the shortest encoding. Decoding is strict, so that damaged
/// bytes are noticed rather than misread: it throws `IndexCorruption` when the bytes run
/// out, when the encoding is longer than the type allows (5 bytes for UInt32, 10 for
/// UInt64) or carries bits beyond its width, and when it is not the shortest (ends in a
/// zero byte after the first).
package enum VarInt {
    /// Number of bytes `encode` writes for `value`: 1 to 10.
    package static func encodedByteCount(of value: UInt64) -> Int {
        let significantBits = max(1, UInt64.bitWidth - value.leadingZeroBitCount)
        return (significantBits + 6) / 7
    }

    /// Appends the shortest encoding of `value` (1 to 5 bytes) to `writer`.
    package static func encode(_ value: UInt32, into writer: inout ByteWriter) {
        encode(UInt64(value), into: &writer)
    }

    /// Appends the shortest encoding of `value` (1 to 10 bytes) to `writer`.
    package static func encode(_ value: UInt64, into writer: inout ByteWriter) {
        var remaining = value
        while remaining >= 0x80 {
            writer.appendUInt8(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        writer.appendUInt8(UInt8(truncatingIfNeeded: remaining))
    }

    /// Consumes one varint of at most 5 bytes from `reader`; throws `IndexCorruption`
    /// (and leaves the reader where it was) if it is truncated, too long, wider than 32
    /// bits or not the shortest encoding.
    package static func decodeUInt32(from reader: inout ByteReader) throws -> UInt32 {
        try decode(UInt32.self, from: &reader)
    }

    /// Consumes one varint of at most 10 bytes from `reader`; throws `IndexCorruption`
    /// (and leaves the reader where it was) if it is truncated, too long, wider than 64
    /// bits or not the shortest encoding.
    package static func decodeUInt64(from reader: inout ByteReader) throws -> UInt64 {
        try decode(UInt64.self, from: &reader)
    }

    /// The decoder behind both widths and behind `ByteReader.readVarUInt32/64`.
    @inline(__always)
    static func decode<Value: FixedWidthInteger & UnsignedInteger>(
        _: Value.Type, from reader: inout ByteReader
    ) throws -> Value {
        let start = reader.offset
        let bytes = reader.bytes
        // Small values dominate (gaps, frequencies): one check and one load for them.
        guard start < bytes.count else { throw malformed(.truncated, Value.self, reader, start) }
        let first = bytes[start]
        if first < 0x80 {
            reader.offset = start &+ 1
            return Value(truncatingIfNeeded: first)
        }
        let maximumByteCount = (Value.bitWidth + 6) / 7
        // Bits of the value the last allowed byte can still carry: 4 for UInt32, 1 for UInt64.
        let lastByteBits = UInt8(Value.bitWidth - 7 * (maximumByteCount - 1))
        var result = Value(truncatingIfNeeded: first & 0x7F)
        var position = start &+ 1
        var shift: Value = 7
        while true {
            guard position < bytes.count else { throw malformed(.truncated, Value.self, reader, start) }
            let byte = bytes[position]
            position &+= 1
            result |= Value(truncatingIfNeeded: byte & 0x7F) &<< shift
            if position &- start == maximumByteCount, byte >> lastByteBits != 0 {
                throw malformed(.tooLong, Value.self, reader, start)
            }
            if byte < 0x80 {
                guard byte != 0 else { throw malformed(.notShortest, Value.self, reader, start) }
                reader.offset = position
                return result
            }
            shift &+= 7
        }
    }

    private enum Defect {
        case truncated, tooLong, notShortest
    }

    /// Builds the error off the hot path.
    @inline(never)
    private static func malformed<Value: FixedWidthInteger>(
        _ defect: Defect, _: Value.Type, _ reader: ByteReader, _ start: Int
    ) -> IndexCorruption {
        switch defect {
        case .truncated:
            reader.corruption("varint runs past the end of the data", at: start)
        case .tooLong:
            reader.corruption(
                "varint is longer than \((Value.bitWidth + 6) / 7) bytes or exceeds \(Value.bitWidth) bits",
                at: start)
        case .notShortest:
            reader.corruption("varint is not in its shortest form", at: start)
        }
    }
}
