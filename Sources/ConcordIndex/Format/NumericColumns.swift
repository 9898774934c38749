/// Numeric metadata columns (FORMAT.md §8): for each field, one little-endian i64 per
/// document, `Int64.min` where the document has no value. A range filter is a linear scan of
/// one column, which is fast enough to run before scoring.
package enum NumericColumns {
    /// Writes `columns` (each `documentCount` long) after the header in `out`.
    package static func encode(_ columns: [String: [Int64]], documentCount: Int, into out: inout ByteWriter) {
        let names = columns.keys.sorted()
        out.appendUInt32(UInt32(names.count))
        for name in names {
            var copy = name
            copy.withUTF8 { utf8 in
                out.appendVarUInt64(UInt64(utf8.count))
                out.append(contentsOf: UnsafeRawBufferPointer(utf8))
            }
        }
        for name in names {
            let column = columns[name]!
            for doc in 0..<documentCount {
                out.appendUInt64(UInt64(bitPattern: doc < column.count ? column[doc] : Int64.min))
            }
        }
    }

    /// Reads the column directory: name → absolute offset of its first value.
    package static func decodeDirectory(_ file: MappedFile, documentCount: Int) throws -> [String: Int] {
        var reader = file.reader()
        let count = Int(try reader.readUInt32())
        var names: [String] = []
        for _ in 0..<count {
            let length = Int(try reader.readVarUInt64())
            let bytes = try reader.readBytes(length)
            names.append(String(decoding: bytes, as: UTF8.self))
        }
        var directory: [String: Int] = [:]
        var offset = file.bodyOffset + reader.offset
        for name in names {
            guard offset + documentCount * 8 <= file.bodyOffset + file.body.count else {
                throw IndexCorruption(file: file.name, offset: offset, reason: "numeric column \(name) is truncated")
            }
            directory[name] = offset
            offset += documentCount * 8
        }
        guard offset == file.bodyOffset + file.body.count else {
            throw IndexCorruption(file: file.name, offset: offset, reason: "numeric columns do not fill the file")
        }
        return directory
    }
}

/// The deleted documents of one segment at one delete generation (FORMAT.md §8).
@usableFromInline
package struct DeletionBits: Sendable {
    /// One bit per document, 1 = deleted.
    @usableFromInline package private(set) var words: [UInt64]
    /// Documents in the segment.
    package let documentCount: Int
    /// Number of set bits.
    package private(set) var deletedCount = 0

    /// No document deleted.
    package init(documentCount: Int) {
        self.documentCount = documentCount
        words = [UInt64](repeating: 0, count: (documentCount + 63) / 64)
    }

    /// Whether `doc` is deleted.
    @inlinable
    package func contains(_ doc: UInt32) -> Bool {
        let index = Int(doc >> 6)
        return index < words.count && words[index] & (1 << UInt64(doc & 63)) != 0
    }

    /// Marks `doc` deleted.
    package mutating func insert(_ doc: UInt32) {
        let index = Int(doc >> 6)
        let bit: UInt64 = 1 << UInt64(doc & 63)
        if words[index] & bit == 0 {
            words[index] |= bit
            deletedCount += 1
        }
    }

    /// Writes the file `name` and fsyncs it; returns its size.
    package func write(directory: String, name: String, segmentId: UInt64) throws -> Int {
        var out = FileEnvelope.begin(.deletes, segmentId: segmentId)
        out.appendUInt32(UInt32(documentCount))
        out.appendUInt32(UInt32(deletedCount))
        for word in words { out.appendUInt64(word) }
        FileEnvelope.finish(&out)
        try out.withUnsafeBytes { try SegmentSerializer.writeDurably(directory + "/" + name, $0) }
        return out.count
    }

    /// Reads a deletes file.
    package static func read(_ file: MappedFile, documentCount: Int) throws -> DeletionBits {
        var reader = file.reader()
        let count = Int(try reader.readUInt32())
        let deleted = Int(try reader.readUInt32())
        guard count == documentCount else {
            throw IndexCorruption(
                file: file.name, offset: 0, reason: "deletes cover \(count) documents, segment has \(documentCount)")
        }
        var bits = DeletionBits(documentCount: count)
        for i in 0..<bits.words.count { bits.words[i] = try reader.readUInt64() }
        bits.deletedCount = bits.words.reduce(0) { $0 + $1.nonzeroBitCount }
        guard bits.deletedCount == deleted, reader.remainingCount == 0 else {
            throw IndexCorruption(file: file.name, offset: nil, reason: "deleted count does not match the bitset")
        }
        return bits
    }
}
