/// A growable byte buffer that index writers fill before the bytes go to a file.
///
/// Fixed-width integers are written little-endian; names mirror `ByteReader`
/// (`appendUInt32` here, `readUInt32` there). Writing the bytes out is the storage
/// layer's job: it reads them through `bytes` or `withUnsafeBytes`.
package struct ByteWriter {
    /// Everything written so far.
    package private(set) var bytes: [UInt8] = []

    /// Creates an empty writer with room for `capacity` bytes before it must grow.
    package init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Number of bytes written so far; also the offset the next append writes at.
    package var count: Int { bytes.count }

    /// Forgets everything written, keeping the allocated storage for reuse.
    package mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// Calls `body` with the bytes written so far, valid only during the call.
    package func withUnsafeBytes<Result>(
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        try bytes.withUnsafeBytes(body)
    }

    // MARK: Fixed-width integers

    /// Appends one byte.
    package mutating func appendUInt8(_ value: UInt8) { bytes.append(value) }
    /// Appends `value` as 2 little-endian bytes.
    package mutating func appendUInt16(_ value: UInt16) { appendLittleEndian(value) }
    /// Appends `value` as 4 little-endian bytes.
    package mutating func appendUInt32(_ value: UInt32) { appendLittleEndian(value) }
    /// Appends `value` as 8 little-endian bytes.
    package mutating func appendUInt64(_ value: UInt64) { appendLittleEndian(value) }

    /// Overwrites the 4 bytes at `offset`, which must already have been written, with
    /// `value` little-endian: for lengths and offsets known only after what follows them.
    package mutating func setUInt32(_ value: UInt32, at offset: Int) {
        setLittleEndian(value, at: offset)
    }
    /// Overwrites the 8 bytes at `offset`, which must already have been written, with
    /// `value` little-endian.
    package mutating func setUInt64(_ value: UInt64, at offset: Int) {
        setLittleEndian(value, at: offset)
    }

    private mutating func appendLittleEndian<Integer: FixedWidthInteger>(_ value: Integer) {
        Swift.withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func setLittleEndian<Integer: FixedWidthInteger>(
        _ value: Integer, at offset: Int
    ) {
        let size = MemoryLayout<Integer>.size
        precondition(offset >= 0 && offset <= bytes.count - size, "write at \(offset) is past the end")
        bytes.withUnsafeMutableBytes {
            $0.storeBytes(of: value.littleEndian, toByteOffset: offset, as: Integer.self)
        }
    }

    // MARK: Variable-length data

    /// Appends `value` as a LEB128 varint of 1 to 5 bytes.
    package mutating func appendVarUInt32(_ value: UInt32) { VarInt.encode(value, into: &self) }
    /// Appends `value` as a LEB128 varint of 1 to 10 bytes.
    package mutating func appendVarUInt64(_ value: UInt64) { VarInt.encode(value, into: &self) }

    /// Appends raw bytes, e.g. an array, a string's UTF-8 view or an `UnsafeRawBufferPointer`.
    package mutating func append<Bytes: Sequence<UInt8>>(contentsOf source: Bytes) {
        bytes.append(contentsOf: source)
    }

    // MARK: Bit-packed blocks

    /// Appends 128 values bit-packed at `bitWidth` (0...32): `16 * bitWidth` bytes.
    /// Each value must be below 2^bitWidth (see `BitPacking.pack`).
    package mutating func appendPackedBlock(_ values: UnsafePointer<UInt32>, bitWidth: Int) {
        let output = reserveTail(BitPacking.packedByteCount(bitWidth: bitWidth))
        bytes.withUnsafeMutableBytes { buffer in
            guard let start = buffer.baseAddress else { return }  // empty: width 0 writes nothing
            BitPacking.pack(values, bitWidth: bitWidth, into: start + output)
        }
    }

    /// Appends the deltas of 128 values from `base`, bit-packed at `bitWidth`, which must
    /// be at least `BitPacking.deltaBitWidth(of:base:)` (see `BitPacking.packDeltas`).
    package mutating func appendPackedDeltaBlock(
        _ values: UnsafePointer<UInt32>, base: UInt32, bitWidth: Int
    ) {
        let output = reserveTail(BitPacking.packedByteCount(bitWidth: bitWidth))
        bytes.withUnsafeMutableBytes { buffer in
            guard let start = buffer.baseAddress else { return }  // empty: width 0 writes nothing
            BitPacking.packDeltas(values, base: base, bitWidth: bitWidth, into: start + output)
        }
    }

    /// Grows the buffer by `byteCount` zero bytes and returns the offset of the first.
    private mutating func reserveTail(_ byteCount: Int) -> Int {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: byteCount))
        return start
    }
}
