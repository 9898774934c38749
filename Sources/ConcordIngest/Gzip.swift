#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few zlib functions gzip input needs, resolved with `dlopen`/`dlsym` at run time so that building
/// Concord needs no zlib headers or module map, and a system without zlib still runs (without gzip).
package final class Zlib: Sendable {
    private typealias InflateInit2 =
        @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, Int32) -> Int32
    private typealias Inflate = @convention(c) (UnsafeMutableRawPointer?, Int32) -> Int32
    private typealias StreamCall = @convention(c) (UnsafeMutableRawPointer?) -> Int32
    private typealias VersionCall = @convention(c) () -> UnsafePointer<CChar>?

    // C function pointers and a String: immutable after init, so sharing them across threads is safe.
    private nonisolated(unsafe) let inflateInit2: InflateInit2
    private nonisolated(unsafe) let inflateCall: Inflate
    private nonisolated(unsafe) let inflateResetCall: StreamCall
    private nonisolated(unsafe) let inflateEndCall: StreamCall
    /// zlib's version string (`zlibVersion()`), passed back to `inflateInit2_` as zlib requires.
    package let version: String

    /// The system zlib, or nil when it cannot be loaded (gzip input is then reported as unsupported).
    package static let system: Zlib? = Zlib(libraryNames: ["libz.so.1", "libz.so", "libz.1.dylib", "libz.dylib"])

    /// Loads the first library of `libraryNames` that exports the inflate API, or returns nil.
    package init?(libraryNames: [String]) {
        for name in libraryNames {
            // The handle is never closed: the functions stay in use for the life of the process.
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            guard let initSymbol = dlsym(handle, "inflateInit2_"),
                let inflateSymbol = dlsym(handle, "inflate"),
                let resetSymbol = dlsym(handle, "inflateReset"),
                let endSymbol = dlsym(handle, "inflateEnd"),
                let versionSymbol = dlsym(handle, "zlibVersion"),
                let versionText = unsafeBitCast(versionSymbol, to: VersionCall.self)()
            else {
                dlclose(handle)
                continue
            }
            inflateInit2 = unsafeBitCast(initSymbol, to: InflateInit2.self)
            inflateCall = unsafeBitCast(inflateSymbol, to: Inflate.self)
            inflateResetCall = unsafeBitCast(resetSymbol, to: StreamCall.self)
            inflateEndCall = unsafeBitCast(endSymbol, to: StreamCall.self)
            version = String(cString: versionText)
            return
        }
        return nil
    }

    fileprivate func initialize(_ stream: UnsafeMutableRawPointer, windowBits: Int32) -> Int32 {
        version.withCString { inflateInit2(stream, windowBits, $0, Int32(ZStreamLayout.size)) }
    }
    fileprivate func inflate(_ stream: UnsafeMutableRawPointer) -> Int32 { inflateCall(stream, 0) }
    fileprivate func reset(_ stream: UnsafeMutableRawPointer) -> Int32 { inflateResetCall(stream) }
    fileprivate func end(_ stream: UnsafeMutableRawPointer) { _ = inflateEndCall(stream) }
}

/// Byte offsets of the `z_stream` fields we touch. Every field of `z_stream` is a pointer, an
/// `unsigned long` or an `int`/`unsigned int` padded to pointer alignment, so on LP64 and ILP32 alike
/// field *k* sits at *k* pointer widths (zlib.h declares them in this order).
private enum ZStreamLayout {
    static let word = MemoryLayout<UnsafeRawPointer>.size
    static let nextIn = 0 * word
    static let availIn = 1 * word
    static let nextOut = 3 * word
    static let availOut = 4 * word
    static let message = 6 * word
    static let size = 14 * word
}

/// Why gzip data could not be decompressed; the reader reports it as an issue on the file.
package struct GzipError: Error, Equatable, CustomStringConvertible {
    /// What went wrong, in words a user understands.
    package var reason: String
    /// The reason.
    package var description: String { reason }
}

/// A `ByteSource` that inflates gzip data read from another source: every member of a multi-member
/// file in turn (as `gzip -d` does), with trailing zero padding ignored.
package final class GzipSource: ByteSource {
    private static let inputCapacity = 1 << 18
    private static let zOK: Int32 = 0
    private static let zStreamEnd: Int32 = 1
    private static let zBufferError: Int32 = -5

    private let zlib: Zlib
    private var upstream: any ByteSource
    private let stream: UnsafeMutableRawPointer
    private let input: UnsafeMutableRawBufferPointer
    private var upstreamFinished = false
    private var finished = false
    private var betweenMembers = false

    /// Starts inflating `upstream`; 15 + 32 window bits accept both gzip and zlib headers.
    package init(zlib: Zlib, upstream: any ByteSource) throws(GzipError) {
        self.zlib = zlib
        self.upstream = upstream
        stream = UnsafeMutableRawPointer.allocate(byteCount: ZStreamLayout.size, alignment: ZStreamLayout.word)
        stream.initializeMemory(as: UInt8.self, repeating: 0, count: ZStreamLayout.size)
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.inputCapacity, alignment: 16)
        guard zlib.initialize(stream, windowBits: 15 + 32) == Self.zOK else {
            stream.deallocate()
            input.deallocate()
            throw GzipError(reason: "cannot start gzip decompression (zlib \(zlib.version))")
        }
    }

    deinit {
        zlib.end(stream)
        stream.deallocate()
        input.deallocate()
    }

    private var availableInput: Int {
        Int(stream.load(fromByteOffset: ZStreamLayout.availIn, as: UInt32.self))
    }

    private var nextInput: UnsafeMutablePointer<UInt8>? {
        stream.load(fromByteOffset: ZStreamLayout.nextIn, as: UnsafeMutablePointer<UInt8>?.self)
    }

    private func setInput(_ start: UnsafeMutablePointer<UInt8>?, count: Int) {
        stream.storeBytes(of: start, toByteOffset: ZStreamLayout.nextIn, as: UnsafeMutablePointer<UInt8>?.self)
        stream.storeBytes(of: UInt32(count), toByteOffset: ZStreamLayout.availIn, as: UInt32.self)
    }

    /// Refills the compressed input when it is used up; returns false at the end of the upstream.
    private func refillInput() throws -> Bool {
        if availableInput > 0 { return true }
        if upstreamFinished { return false }
        let count = try upstream.read(into: input)
        if count == 0 {
            upstreamFinished = true
            return false
        }
        setInput(input.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count)
        return true
    }

    /// After a member ends: more data must be another member, or zero padding up to the end.
    private func startNextMember() throws -> Bool {
        while try refillInput() {
            let next = nextInput!
            if next.pointee == 0 {
                setInput(next + 1, count: availableInput - 1)
                continue
            }
            guard next.pointee == 0x1F else {
                throw GzipError(reason: "unexpected data after the end of the gzip stream")
            }
            guard zlib.reset(stream) == Self.zOK else { throw GzipError(reason: "cannot restart gzip decompression") }
            betweenMembers = false
            return true
        }
        return false
    }

    /// Fills `buffer` with decompressed bytes; returns 0 only at the end of the last member.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, let outputStart = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            if betweenMembers {
                guard try startNextMember() else {
                    finished = true
                    return 0
                }
            }
            let haveInput = try refillInput()
            stream.storeBytes(of: outputStart, toByteOffset: ZStreamLayout.nextOut, as: UnsafeMutableRawPointer.self)
            stream.storeBytes(of: UInt32(buffer.count), toByteOffset: ZStreamLayout.availOut, as: UInt32.self)
            let status = zlib.inflate(stream)
            let produced = buffer.count - Int(stream.load(fromByteOffset: ZStreamLayout.availOut, as: UInt32.self))
            switch status {
            case Self.zStreamEnd:
                betweenMembers = true
                if produced > 0 { return produced }
            case Self.zOK, Self.zBufferError:
                if produced > 0 { return produced }
                if !haveInput {
                    throw GzipError(reason: "gzip data ends unexpectedly (truncated file?)")
                }
            default:
                let message = stream.load(fromByteOffset: ZStreamLayout.message, as: UnsafePointer<CChar>?.self)
                throw GzipError(
                    reason: "corrupt gzip data (\(message.map { String(cString: $0) } ?? "code \(status)"))")
            }
        }
    }
}
