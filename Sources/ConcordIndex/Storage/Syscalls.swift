#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An operating-system error from a storage call: what was attempted, on which path, and errno.
public struct StorageError: Error, CustomStringConvertible, Equatable {
    /// The operation that failed ("open", "write", "fsync", "rename", "mmap", ...).
    public var operation: String
    /// The path involved.
    public var path: String
    /// The errno value.
    public var code: Int32

    /// Creates an error.
    public init(operation: String, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// One line: what failed, where, and the system's reason.
    public var description: String {
        let reason = String(cString: strerror(code))
        return "\(operation) failed for \(path): \(reason)"
    }
}

/// Every system call the index makes goes through here, so tests can make them fail
/// (ENOSPC, EIO, short writes, fsync failure) and prove that a failed commit leaves the
/// previous commit intact.
package enum Syscalls {
    /// A fault to inject: which operation, on which call number (counting from 1 after `arm`), with which errno.
    package struct Fault: Sendable {
        /// Operation name as used by `StorageError.operation`.
        package var operation: String
        /// Fail the Nth call of that operation (1-based).
        package var callNumber: Int
        /// errno to report.
        package var code: Int32
        /// For "write": write only half of the bytes instead of failing (a short write).
        package var shortWrite: Bool
        /// Only calls on paths starting with this prefix count and fail (nil: every path).
        /// Tests set it to their own directory, so tests running in parallel are not hit.
        package var pathPrefix: String?

        /// Creates a fault.
        package init(
            operation: String, callNumber: Int, code: Int32, shortWrite: Bool = false, pathPrefix: String? = nil
        ) {
            self.operation = operation
            self.callNumber = callNumber
            self.code = code
            self.shortWrite = shortWrite
            self.pathPrefix = pathPrefix
        }
    }

    nonisolated(unsafe) private static var fault: Fault?
    nonisolated(unsafe) private static var callCounts: [String: Int] = [:]
    private static let lock = SyscallLock()

    /// Arms one fault (tests only). Not thread-safe against concurrent writers by design: tests arm, run, disarm.
    package static func arm(_ newFault: Fault?) {
        lock.withLock {
            fault = newFault
            callCounts = [:]
        }
    }

    /// Returns the errno to fail with (and whether to short-write) if a fault is armed for this call.
    private static func injected(_ operation: String, path: String) -> Fault? {
        lock.withLock {
            guard let armed = fault, armed.operation == operation else { return nil }
            if let prefix = armed.pathPrefix, !path.hasPrefix(prefix) { return nil }
            let count = (callCounts[operation] ?? 0) + 1
            callCounts[operation] = count
            return count == armed.callNumber ? armed : nil
        }
    }

    /// Opens a file; returns the descriptor.
    package static func open(_ path: String, flags: Int32, mode: mode_t = 0o644) throws -> Int32 {
        if let f = injected("open", path: path) { throw StorageError(operation: "open", path: path, code: f.code) }
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw StorageError(operation: "open", path: path, code: errno)
        }
    }

    /// Closes a descriptor, ignoring errors (the data was already fsynced where it matters).
    package static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Writes all bytes, retrying on EINTR and partial writes.
    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        if let f = injected("write", path: path) {
            if f.shortWrite, bytes.count > 1 {
                // Simulate a device that accepted half and then failed: the caller must not commit.
                _ = Glibc.write(fd, bytes.baseAddress!, bytes.count / 2)
            }
            throw StorageError(operation: "write", path: path, code: f.code)
        }
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw StorageError(operation: "write", path: path, code: errno)
            }
            offset += n
        }
    }

    /// Flushes a file (or directory) to stable storage.
    package static func fsync(_ fd: Int32, path: String) throws {
        if let f = injected("fsync", path: path) { throw StorageError(operation: "fsync", path: path, code: f.code) }
        if Glibc.fsync(fd) != 0 { throw StorageError(operation: "fsync", path: path, code: errno) }
    }

    /// Atomically renames `from` over `to`.
    package static func rename(_ from: String, _ to: String) throws {
        if let f = injected("rename", path: to) { throw StorageError(operation: "rename", path: to, code: f.code) }
        if Glibc.rename(from, to) != 0 { throw StorageError(operation: "rename", path: to, code: errno) }
    }

    /// Removes a file; a missing file is not an error.
    package static func unlink(_ path: String) {
        _ = Glibc.unlink(path)
    }

    /// Size of an open file.
    package static func fileSize(_ fd: Int32, path: String) throws -> Int {
        var info = stat()
        if fstat(fd, &info) != 0 { throw StorageError(operation: "stat", path: path, code: errno) }
        return Int(info.st_size)
    }

    /// Maps `size` bytes of `fd` read-only. Returns nil for an empty file (nothing to map).
    package static func mapReadOnly(_ fd: Int32, size: Int, path: String) throws -> UnsafeRawPointer? {
        if size == 0 { return nil }
        if let f = injected("mmap", path: path) { throw StorageError(operation: "mmap", path: path, code: f.code) }
        guard let address = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), address != MAP_FAILED else {
            throw StorageError(operation: "mmap", path: path, code: errno)
        }
        return UnsafeRawPointer(address)
    }

    /// Unmaps a mapping made by `mapReadOnly`.
    package static func unmap(_ address: UnsafeRawPointer, size: Int) {
        _ = munmap(UnsafeMutableRawPointer(mutating: address), size)
    }

    /// Takes an exclusive, non-blocking advisory lock; returns false if another process holds it.
    package static func tryLockExclusive(_ fd: Int32, path: String) throws -> Bool {
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }
        if errno == EWOULDBLOCK { return false }
        throw StorageError(operation: "flock", path: path, code: errno)
    }

    /// Releases a lock taken by `tryLockExclusive`. Explicit, because closing our descriptor
    /// is not enough while a child process spawned by another thread still holds a copy of it
    /// between fork and exec; the unlock applies to every copy.
    package static func unlock(_ fd: Int32) {
        _ = flock(fd, LOCK_UN)
    }

    /// Creates a directory (and its parents); existing directories are fine.
    package static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw StorageError(operation: "mkdir", path: current, code: errno)
            }
        }
    }

    /// Whether a path exists.
    package static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Names of the entries of a directory (no "." or "..").
    package static func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw StorageError(operation: "opendir", path: path, code: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Reads a whole small file (manifest, lock owner).
    package static func readFile(_ path: String) throws -> [UInt8] {
        let fd = try open(path, flags: O_RDONLY)
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StorageError(operation: "read", path: path, code: errno)
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }

    /// Writes `bytes` to `path` (created or truncated) and fsyncs it.
    package static func writeFileDurably(_ path: String, _ bytes: [UInt8]) throws {
        let fd = try open(path, flags: O_WRONLY | O_CREAT | O_TRUNC)
        defer { close(fd) }
        do {
            try bytes.withUnsafeBytes { buffer in try writeAll(fd, buffer, path: path) }
        }
        try fsync(fd, path: path)
    }

    /// fsyncs a directory so that renames and new names inside it are durable.
    package static func syncDirectory(_ path: String) throws {
        let fd = try open(path, flags: O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: path)
    }
}

/// A tiny mutex for the fault-injection bookkeeping (pthread, no Foundation).
private final class SyscallLock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}
