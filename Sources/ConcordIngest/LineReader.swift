import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A stream of bytes read in chunks: a file descriptor, or gzip data inflated from one.
package protocol ByteSource: AnyObject {
    /// Fills a prefix of `buffer` and returns its length; returns 0 only at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Why input bytes could not be read (an I/O error from the system).
package struct InputError: Error, Equatable, CustomStringConvertible {
    /// What went wrong, e.g. "read failed: Input/output error".
    package var reason: String
    /// The reason.
    package var description: String { reason }

    /// The error for a failed system call, from `errno`.
    package static func system(_ call: String, errno code: Int32 = errno) -> InputError {
        InputError(reason: "\(call) failed: \(String(cString: strerror(code)))")
    }
}

// At file scope, so that `read` means the system call and not `ByteSource.read(into:)`.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

/// Reads an open file descriptor with `read(2)`. It does not close the descriptor.
package final class FileDescriptorSource: ByteSource {
    private let descriptor: Int32
    private var pending: [UInt8]

    /// Reads `descriptor`, returning the `pending` bytes (already read while sniffing the format) first.
    package init(descriptor: Int32, pending: [UInt8] = []) {
        self.descriptor = descriptor
        self.pending = pending
    }

    /// Fills a prefix of `buffer`, retrying reads interrupted by signals.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        if !pending.isEmpty {
            let count = min(pending.count, buffer.count)
            pending.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: count) }
            pending.removeFirst(count)
            return count
        }
        while true {
            let count = systemRead(descriptor, base, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw InputError.system("read") }
        }
    }

    /// Reads up to `count` bytes from the start of the stream and keeps them to be returned again by
    /// `read(into:)`, so the caller can look at magic numbers without consuming them.
    package func peek(_ count: Int) throws -> [UInt8] {
        var head = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = try head.withUnsafeMutableBytes {
                try read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
            }
            if got == 0 { break }
            filled += got
        }
        head.removeLast(count - filled)
        pending = head + pending
        return head
    }
}

/// Splits a `ByteSource` into lines (`\n`, with a `\r` before it dropped), reading large chunks into one
/// reused buffer. A line longer than `maxLineBytes` is streamed past without being held, so memory stays
/// below `maxLineBytes` plus one chunk whatever the input.
package final class LineReader {
    /// One line handed to the caller.
    package enum Line {
        /// The line's bytes, without the line break; valid only during the callback.
        case bytes(UnsafeRawBufferPointer)
        /// A line longer than the limit, skipped; `byteCount` is its full length.
        case tooLong(byteCount: Int)
    }

    private static let chunkSize = 1 << 20
    private let source: any ByteSource
    private let maxLineBytes: Int
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var sourceFinished = false

    /// 1-based number of the line being delivered (or of the last line, once done).
    package private(set) var lineNumber = 0
    /// Bytes taken from the source so far (decompressed bytes for gzip input).
    package private(set) var bytesRead = 0
    /// Size of the line buffer: at most the larger of 4 MiB and `maxLineBytes` plus 2 MiB (exposed so
    /// that tests can check the memory bound).
    package var bufferCapacity: Int { buffer.count }

    /// Reads lines of `source`; lines longer than `maxLineBytes` are reported as `.tooLong`.
    package init(source: any ByteSource, maxLineBytes: Int) {
        self.source = source
        self.maxLineBytes = max(1, maxLineBytes)
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 * Self.chunkSize, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// Calls `body` with each line in order, including a last line without a line break. Errors of the
    /// source (I/O, corrupt gzip) are thrown; `lineNumber` then names the line being read.
    package func forEachLine(_ body: (Line) throws -> Void) throws {
        var searchFrom = start
        while true {
            if let newline = findNewline(from: searchFrom) {
                lineNumber += 1
                let length = newline - start
                if length > maxLineBytes {
                    try body(.tooLong(byteCount: length))
                } else {
                    let trimmed = length > 0 && buffer[newline - 1] == 0x0D ? length - 1 : length
                    try body(.bytes(UnsafeRawBufferPointer(rebasing: buffer[start..<start + trimmed])))
                }
                start = newline + 1
                searchFrom = start
                continue
            }
            searchFrom = end
            if end - start > maxLineBytes {
                lineNumber += 1
                try body(.tooLong(byteCount: try skipRestOfLine()))
                searchFrom = start
                continue
            }
            if sourceFinished {
                guard start < end else { return }
                // The final line has no line break; deliver it through the normal path.
                lineNumber += 1
                let length = end - start
                let trimmed = buffer[end - 1] == 0x0D ? length - 1 : length
                try body(.bytes(UnsafeRawBufferPointer(rebasing: buffer[start..<start + trimmed])))
                start = end
                return
            }
            let pendingBefore = end - start
            try fill()
            searchFrom = start + pendingBefore
        }
    }

    private func findNewline(from position: Int) -> Int? {
        guard position < end, let base = buffer.baseAddress else { return nil }
        guard let found = memchr(base + position, 0x0A, end - position) else { return nil }
        return base.distance(to: found)
    }

    /// Moves the partial line to the front, grows the buffer if it is full, and reads one more chunk.
    private func fill() throws {
        if start > 0 {
            if end > start { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: end - start) }
            end -= start
            start = 0
        }
        if buffer.count - end < Self.chunkSize {
            // The partial line is at most maxLineBytes long, so the buffer never outgrows that plus a chunk.
            let capacity = max(end + Self.chunkSize, min(buffer.count * 2, maxLineBytes + Self.chunkSize))
            let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
            grown.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
            buffer.deallocate()
            buffer = grown
        }
        let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
        if count == 0 { sourceFinished = true }
        end += count
        bytesRead += count
    }

    /// Discards the current over-long line through its line break (or the end of the input), reading
    /// chunk by chunk into the same buffer; returns the line's length.
    private func skipRestOfLine() throws -> Int {
        var length = end - start
        start = 0
        end = 0
        while true {
            if sourceFinished { return length }
            let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<Self.chunkSize]))
            bytesRead += count
            if count == 0 {
                sourceFinished = true
                return length
            }
            end = count
            if let newline = findNewline(from: 0) {
                start = newline + 1
                return length + newline
            }
            length += count
            end = 0
        }
    }
}

/// Runs another source's reads on a background thread, a few chunks ahead of the consumer, so that
/// inflating gzip overlaps with parsing. The upstream is used only by that thread from `init` on;
/// `stop()` must be called before whatever the upstream reads (a file descriptor) is closed.
package final class ReadAheadSource: ByteSource, @unchecked Sendable {
    private struct Chunk {
        var buffer: UnsafeMutableRawBufferPointer
        var count: Int
    }

    /// Hands the upstream over to the producer thread, which becomes its only user.
    private struct Handover: @unchecked Sendable {
        var upstream: any ByteSource
    }

    // Shared state, guarded by `condition`.
    private let condition = NSCondition()
    private var ready: [Chunk] = []
    private var spare: [UnsafeMutableRawBufferPointer]
    private var upstreamDone = false
    private var upstreamError: (any Error)?
    private var stopping = false
    private var producerRunning = true

    // Consumer state, touched only by the thread calling `read(into:)`.
    private var current: Chunk?
    private var offset = 0

    /// Starts reading `upstream` ahead into `chunkCount` buffers of `chunkSize` bytes.
    package init(upstream: any ByteSource, chunkSize: Int = 1 << 20, chunkCount: Int = 4) {
        spare = (0..<chunkCount).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        }
        let handover = Handover(upstream: upstream)
        // The thread keeps `self` alive until it has returned its last buffer.
        Thread.detachNewThread { [self] in produce(handover.upstream) }
    }

    deinit {
        for buffer in spare { buffer.deallocate() }
        for chunk in ready { chunk.buffer.deallocate() }
        current?.buffer.deallocate()
    }

    private func produce(_ upstream: any ByteSource) {
        while true {
            condition.lock()
            while spare.isEmpty && !stopping { condition.wait() }
            if stopping {
                producerRunning = false
                condition.broadcast()
                condition.unlock()
                return
            }
            let buffer = spare.removeLast()
            condition.unlock()

            var filled = 0
            var failure: (any Error)?
            do {
                // Fill whole chunks so the consumer wakes up once per chunk, not once per inflate call.
                while filled < buffer.count {
                    let count = try upstream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                    if count == 0 { break }
                    filled += count
                }
            } catch {
                failure = error
            }

            condition.lock()
            if filled > 0 { ready.append(Chunk(buffer: buffer, count: filled)) } else { spare.append(buffer) }
            let done = failure != nil || filled < buffer.count
            if done {
                upstreamError = failure
                upstreamDone = true
                producerRunning = false
            }
            condition.broadcast()
            condition.unlock()
            if done { return }
        }
    }

    /// Copies the next bytes read ahead; rethrows the upstream's error once the bytes before it are used.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if current == nil || offset == current!.count {
            condition.lock()
            if let used = current {
                spare.append(used.buffer)
                current = nil
                condition.broadcast()
            }
            while ready.isEmpty && !upstreamDone { condition.wait() }
            if ready.isEmpty {
                let error = upstreamError
                upstreamError = nil
                condition.unlock()
                if let error { throw error }
                return 0
            }
            current = ready.removeFirst()
            offset = 0
            condition.unlock()
        }
        guard let chunk = current, let destination = buffer.baseAddress else { return 0 }
        let count = min(buffer.count, chunk.count - offset)
        destination.copyMemory(from: chunk.buffer.baseAddress! + offset, byteCount: count)
        offset += count
        return count
    }

    /// Stops the background thread, waiting for a read it has started to return.
    package func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while producerRunning { condition.wait() }
        condition.unlock()
    }
}
