#if canImport(Glibc)
    import Glibc
#endif

/// A read-only memory mapping of one index file, validated on open (header, footer, and
/// optionally its CRC). The mapping lives as long as this object; unlinking the file while
/// mapped is safe on POSIX systems, which is what lets readers keep a snapshot while a
/// writer deletes merged segments.
package final class MappedFile: @unchecked Sendable {
    /// File name (for error messages), relative to the index directory.
    package let name: String
    /// All bytes of the file.
    package let bytes: UnsafeRawBufferPointer
    /// The bytes between header and footer.
    package let body: UnsafeRawBufferPointer
    /// Offset of `body` within `bytes` (the header size).
    package let bodyOffset: Int
    private let address: UnsafeRawPointer?

    /// Maps `directory/name` and validates it as `component` of `segmentId`.
    package init(
        directory: String, name: String, component: SegmentComponent, segmentId: UInt64?, verifyChecksum: Bool
    ) throws {
        let path = directory + "/" + name
        let fd = try Syscalls.open(path, flags: O_RDONLY)
        defer { Syscalls.close(fd) }
        let size = try Syscalls.fileSize(fd, path: path)
        let mapped = try Syscalls.mapReadOnly(fd, size: size, path: path)
        self.name = name
        self.address = mapped
        let all = UnsafeRawBufferPointer(start: mapped, count: size)
        self.bytes = all
        do {
            let range = try FileEnvelope.validate(
                all, file: name, component: component, segmentId: segmentId, verifyChecksum: verifyChecksum)
            self.body = UnsafeRawBufferPointer(rebasing: all[range])
            self.bodyOffset = range.lowerBound
        } catch {
            if let mapped { Syscalls.unmap(mapped, size: size) }
            throw error
        }
    }

    deinit {
        if let address { Syscalls.unmap(address, size: bytes.count) }
    }

    /// A reader over the body, naming this file in its errors.
    package func reader() -> ByteReader {
        ByteReader(bytes: body, file: name, fileOffset: bodyOffset)
    }
}
