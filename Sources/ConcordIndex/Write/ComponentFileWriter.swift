#if canImport(Glibc)
    import Glibc
#endif

/// Writes one index file incrementally, so segment files never have to be held whole in
/// memory: the envelope header first, then bytes through a 1 MB buffer with a running
/// CRC-32C, then the footer (length and CRC), fsync and close (FORMAT.md §3).
package final class ComponentFileWriter {
    private let path: String
    private var descriptor: Int32
    private var buffer = ByteWriter()
    private var crc: UInt32 = 0
    /// Bytes written so far, header included: the absolute offset of the next byte.
    package private(set) var count = 0
    private static let flushThreshold = 1 << 20

    /// Creates (truncating) `directory/name` and writes the header.
    package init(directory: String, name: String, component: SegmentComponent, segmentId: UInt64) throws {
        path = directory + "/" + name
        descriptor = try Syscalls.open(path, flags: O_WRONLY | O_CREAT | O_TRUNC)
        var header = FileEnvelope.begin(component, segmentId: segmentId)
        try append(&header)
    }

    deinit {
        if descriptor >= 0 { Syscalls.close(descriptor) }
    }

    /// Appends the bytes of `writer` and empties it.
    package func append(_ writer: inout ByteWriter) throws {
        try writer.withUnsafeBytes { try append(bytes: $0) }
        writer.reset()
    }

    /// Appends raw bytes.
    package func append(bytes: UnsafeRawBufferPointer) throws {
        if bytes.isEmpty { return }
        crc = CRC32C.checksum(bytes, seed: crc)
        count += bytes.count
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    private func flush() throws {
        try buffer.withUnsafeBytes { try Syscalls.writeAll(descriptor, $0, path: path) }
        buffer.reset()
    }

    /// Writes the footer, flushes, fsyncs and closes; returns the file size.
    package func finish() throws -> Int {
        var trailer = ByteWriter()
        trailer.appendUInt64(UInt64(count + FileEnvelope.footerSize))
        try append(&trailer)
        var footer = ByteWriter()
        footer.appendUInt32(crc)
        footer.appendUInt32(FileEnvelope.footerMagic)
        count += footer.count
        buffer.append(contentsOf: footer.bytes)
        try flush()
        try Syscalls.fsync(descriptor, path: path)
        Syscalls.close(descriptor)
        descriptor = -1
        return count
    }
}
