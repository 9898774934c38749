/// The header and footer every index file carries (FORMAT.md §3).
///
/// Header, 24 bytes: magic `CNCD`, component u8, reserved u8 = 0, format version u16,
/// segment id u64 (the generation for a manifest), reserved u64 = 0.
/// Footer, 16 bytes: file length u64 (including header and footer), CRC-32C u32 of every
/// byte before the CRC field, magic `DCNC`.
package enum FileEnvelope {
    /// Current on-disk format version. Bump it (and add a FORMAT.md History line) on any change to the bytes.
    package static let formatVersion: UInt16 = 1
    /// Header size in bytes.
    package static let headerSize = 24
    /// Footer size in bytes.
    package static let footerSize = 16
    /// `CNCD` read as a little-endian u32.
    package static let headerMagic: UInt32 = 0x4443_4E43
    /// `DCNC` read as a little-endian u32.
    package static let footerMagic: UInt32 = 0x434E_4344

    /// Starts a file: writes the header into a fresh writer.
    package static func begin(_ component: SegmentComponent, segmentId: UInt64) -> ByteWriter {
        var writer = ByteWriter()
        writer.appendUInt32(headerMagic)
        writer.appendUInt8(component.rawValue)
        writer.appendUInt8(0)
        writer.appendUInt16(formatVersion)
        writer.appendUInt64(segmentId)
        writer.appendUInt64(0)
        return writer
    }

    /// Ends a file: appends the length and the CRC footer.
    package static func finish(_ writer: inout ByteWriter) {
        writer.appendUInt64(UInt64(writer.count + footerSize))
        let crc = writer.withUnsafeBytes { CRC32C.checksum($0) }
        writer.appendUInt32(crc)
        writer.appendUInt32(footerMagic)
    }

    /// Validates header and footer of a mapped file and returns the body range.
    /// With `verifyChecksum`, the CRC of the whole file is recomputed too.
    package static func validate(
        _ bytes: UnsafeRawBufferPointer, file: String, component: SegmentComponent, segmentId: UInt64?,
        verifyChecksum: Bool
    ) throws -> Range<Int> {
        guard bytes.count >= headerSize + footerSize else {
            throw IndexCorruption(
                file: file, offset: 0,
                reason: "file is \(bytes.count) bytes, shorter than header and footer (truncated)")
        }
        let magic = bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
        guard magic == headerMagic else {
            throw IndexCorruption(file: file, offset: 0, reason: "bad header magic (not a Concord index file)")
        }
        let kind = bytes[4]
        guard kind == component.rawValue else {
            throw IndexCorruption(
                file: file, offset: 4, reason: "component byte is \(kind), expected \(component.rawValue)")
        }
        let version = bytes.loadUnaligned(fromByteOffset: 6, as: UInt16.self)
        guard version == formatVersion else {
            throw IndexCorruption(
                file: file, offset: 6,
                reason:
                    "format version \(version), this build reads version \(formatVersion) (rebuild the index with this version)"
            )
        }
        if let segmentId {
            let stored = bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            guard stored == segmentId else {
                throw IndexCorruption(
                    file: file, offset: 8, reason: "header names segment \(stored), expected \(segmentId)")
            }
        }
        let footerStart = bytes.count - footerSize
        let trailerMagic = bytes.loadUnaligned(fromByteOffset: footerStart + 12, as: UInt32.self)
        guard trailerMagic == footerMagic else {
            throw IndexCorruption(
                file: file, offset: footerStart + 12, reason: "bad footer magic (truncated or overwritten)")
        }
        let recordedLength = bytes.loadUnaligned(fromByteOffset: footerStart, as: UInt64.self)
        guard recordedLength == UInt64(bytes.count) else {
            throw IndexCorruption(
                file: file, offset: footerStart,
                reason: "file is \(bytes.count) bytes but its footer says \(recordedLength) (truncated or extended)")
        }
        if verifyChecksum {
            let stored = bytes.loadUnaligned(fromByteOffset: footerStart + 8, as: UInt32.self)
            let actual = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<(footerStart + 8)]))
            guard stored == actual else {
                throw IndexCorruption(
                    file: file, offset: nil,
                    reason: "checksum mismatch (stored \(hex(stored)), computed \(hex(actual)))")
            }
        }
        return headerSize..<footerStart
    }

    private static func hex(_ value: UInt32) -> String {
        "0x" + String(value, radix: 16)
    }
}
