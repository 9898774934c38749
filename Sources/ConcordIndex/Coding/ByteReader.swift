/// A cursor over bytes that may be corrupt, typically a memory-mapped index file.
///
/// Every read checks, once, that all the bytes it needs lie inside the buffer and throws
/// `IndexCorruption` otherwise; it never traps and never reads outside the buffer,
/// whatever the bytes and whatever sequence of calls. Fixed-width integers are
/// little-endian and may be unaligned.
///
/// Naming follows one grammar: `read*` consumes bytes at `offset` and advances it;
/// `get*(at:)` reads at a given offset and leaves `offset` alone.
///
/// The reader does not own its bytes: the caller keeps the mapping alive while the
/// reader, and any buffer it returned, is in use.
package struct ByteReader {
    /// The bytes being read. Offsets taken and returned by the reader count from its start.
    package let bytes: UnsafeRawBufferPointer
    /// The file the bytes come from, named in errors.
    package let file: String
    /// Where `bytes` begins within `file`, so that errors report offsets in the file.
    package let fileOffset: Int
    /// Offset of the next byte `read*` will consume, always in `0...bytes.count`.
    /// (`VarInt`, in this module, sets it directly after its own bounds checks.)
    package internal(set) var offset: Int = 0

    /// Creates a reader at the start of `bytes`, which begin at `fileOffset` in `file`.
    package init(bytes: UnsafeRawBufferPointer, file: String, fileOffset: Int = 0) {
        self.bytes = bytes
        self.file = file
        self.fileOffset = fileOffset
    }

    /// Total number of bytes the reader covers.
    package var count: Int { bytes.count }

    /// Number of bytes between `offset` and the end.
    package var remainingCount: Int { bytes.count - offset }

    /// Whether every byte has been consumed.
    package var isAtEnd: Bool { offset == bytes.count }

    /// An error about these bytes at `offset` (relative to `bytes`), reported in file
    /// coordinates. Defaults to the current offset.
    package func corruption(_ reason: String, at offset: Int? = nil) -> IndexCorruption {
        IndexCorruption(file: file, offset: fileOffset &+ (offset ?? self.offset), reason: reason)
    }

    // MARK: Bounds

    /// Throws unless at least `byteCount` bytes remain after `offset`.
    package func require(_ byteCount: Int) throws {
        try require(byteCount, at: offset)
    }

    /// Throws unless `byteCount` bytes starting at `start` lie inside the buffer.
    @inline(__always)
    package func require(_ byteCount: Int, at start: Int) throws {
        // Ordered so that no operation can overflow, whatever the arguments.
        guard start >= 0, start <= bytes.count, byteCount >= 0, byteCount <= bytes.count &- start
        else {
            throw outOfBounds(byteCount, at: start)
        }
    }

    @inline(never)
    private func outOfBounds(_ byteCount: Int, at start: Int) -> IndexCorruption {
        guard start >= 0, start <= bytes.count else {
            return corruption("position \(start) lies outside these \(bytes.count) bytes", at: 0)
        }
        guard byteCount >= 0 else {
            return corruption("negative length \(byteCount)", at: start)
        }
        return corruption(
            "needs \(byteCount) bytes but only \(bytes.count - start) remain", at: start)
    }

    /// Moves the cursor to `newOffset`, which may equal `count` (the end).
    package mutating func seek(to newOffset: Int) throws {
        try require(0, at: newOffset)
        offset = newOffset
    }

    /// Advances the cursor past `byteCount` bytes.
    package mutating func skip(_ byteCount: Int) throws {
        try require(byteCount)
        offset += byteCount
    }

    // MARK: Fixed-width integers

    /// Reads one byte.
    @inline(__always)
    package mutating func readUInt8() throws -> UInt8 { try read(UInt8.self) }
    /// Reads a little-endian UInt16.
    package mutating func readUInt16() throws -> UInt16 { try read(UInt16.self) }
    /// Reads a little-endian UInt32.
    package mutating func readUInt32() throws -> UInt32 { try read(UInt32.self) }
    /// Reads a little-endian UInt64.
    package mutating func readUInt64() throws -> UInt64 { try read(UInt64.self) }

    /// The byte at `position`, without moving the cursor.
    package func getUInt8(at position: Int) throws -> UInt8 { try get(UInt8.self, at: position) }
    /// The little-endian UInt16 at `position`, without moving the cursor.
    package func getUInt16(at position: Int) throws -> UInt16 { try get(UInt16.self, at: position) }
    /// The little-endian UInt32 at `position`, without moving the cursor.
    package func getUInt32(at position: Int) throws -> UInt32 { try get(UInt32.self, at: position) }
    /// The little-endian UInt64 at `position`, without moving the cursor.
    package func getUInt64(at position: Int) throws -> UInt64 { try get(UInt64.self, at: position) }

    @inline(__always)
    private func get<Integer: FixedWidthInteger>(_: Integer.Type, at position: Int) throws -> Integer {
        try require(MemoryLayout<Integer>.size, at: position)
        return Integer(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: Integer.self))
    }

    @inline(__always)
    private mutating func read<Integer: FixedWidthInteger>(_: Integer.Type) throws -> Integer {
        let value = try get(Integer.self, at: offset)
        offset &+= MemoryLayout<Integer>.size
        return value
    }

    // MARK: Variable-length data

    /// Reads a LEB128 varint of at most 5 bytes; see `VarInt.decodeUInt32(from:)`.
    @inline(__always)
    package mutating func readVarUInt32() throws -> UInt32 {
        try VarInt.decode(UInt32.self, from: &self)
    }

    /// Reads a LEB128 varint of at most 10 bytes; see `VarInt.decodeUInt64(from:)`.
    @inline(__always)
    package mutating func readVarUInt64() throws -> UInt64 {
        try VarInt.decode(UInt64.self, from: &self)
    }

    /// Consumes `byteCount` bytes and returns them as a view into the same memory.
    @inline(__always)
    package mutating func readBytes(_ byteCount: Int) throws -> UnsafeRawBufferPointer {
        try require(byteCount)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset &+ byteCount])
        offset &+= byteCount
        return slice
    }

    /// A reader over `byteCount` bytes starting at `start`, for one section of the file;
    /// its errors still report offsets in the whole file.
    package func subReader(at start: Int, count byteCount: Int) throws -> ByteReader {
        try require(byteCount, at: start)
        return ByteReader(
            bytes: UnsafeRawBufferPointer(rebasing: bytes[start..<start &+ byteCount]),
            file: file, fileOffset: fileOffset &+ start)
    }

    // MARK: Bit-packed blocks

    /// Reads a validated bit width byte (0...32), as stored in front of or beside a block.
    package mutating func readBitWidth() throws -> Int {
        let width = Int(try readUInt8())
        guard width <= BitPacking.maximumBitWidth else {
            throw corruption("bit width \(width) exceeds 32", at: offset - 1)
        }
        return width
    }

    /// Consumes one block of 128 values packed at `bitWidth` and unpacks it into `output`,
    /// which must have room for 128 values. Throws if the width is outside 0...32 or the
    /// block does not fit in the remaining bytes; the block is checked once, as a whole.
    package mutating func readPackedBlock(
        bitWidth: Int, into output: UnsafeMutablePointer<UInt32>
    ) throws {
        let block = try readPackedBlockBytes(bitWidth: bitWidth)
        if let address = block.baseAddress {
            BitPacking.unpack(address, bitWidth: bitWidth, into: output)
        } else {
            // Only an empty buffer lacks an address, and then the width was 0: all zeros.
            output.update(repeating: 0, count: BitPacking.blockSize)
        }
    }

    /// Consumes one block written by `BitPacking.packDeltas` and restores its 128 values
    /// from `base` into `output`. Throws as `readPackedBlock(bitWidth:into:)` does; the
    /// values themselves are not validated (the caller checks order against its skip data).
    package mutating func readPackedDeltaBlock(
        bitWidth: Int, base: UInt32, into output: UnsafeMutablePointer<UInt32>
    ) throws {
        let block = try readPackedBlockBytes(bitWidth: bitWidth)
        if let address = block.baseAddress {
            BitPacking.unpackDeltas(address, bitWidth: bitWidth, base: base, into: output)
        } else {
            // Only an empty buffer lacks an address, and then the width was 0: all deltas 0.
            output.update(repeating: base, count: BitPacking.blockSize)
        }
    }

    private mutating func readPackedBlockBytes(bitWidth: Int) throws -> UnsafeRawBufferPointer {
        guard (0...BitPacking.maximumBitWidth).contains(bitWidth) else {
            throw corruption("bit width \(bitWidth) is outside 0...32")
        }
        return try readBytes(BitPacking.packedByteCount(bitWidth: bitWidth))
    }
}
