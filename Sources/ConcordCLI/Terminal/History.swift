import Glibc

/// The list of lines entered at the prompt, oldest first, optionally persisted to a file.
///
/// File format: UTF-8, one entry per line; a backslash, newline or carriage return inside
/// an entry is written as `\\`, `\n` or `\r`. Each accepted entry is appended to the file
/// at once (so two sessions interleave rather than overwrite each other); when the file
/// holds more than `limit` entries at load time it is rewritten with the newest `limit`
/// through a temporary file and a rename. Any failure to read or write the file turns
/// persistence off for the rest of the session; it never throws or traps.
package struct History: Sendable {
    /// The entries, oldest first; at most `limit` of them.
    package private(set) var entries: [String] = []

    /// The maximum number of entries kept in memory and in the file; 0 keeps none.
    package let limit: Int

    /// The file entries are persisted to, or nil when persistence is off (never asked
    /// for, or turned off by an I/O failure).
    package private(set) var path: String?

    /// Loads the entries in `path` (nil: keep history in memory only). A missing file is
    /// an empty history that is created on the first `add`; an unreadable one turns
    /// persistence off.
    package init(path: String?, limit: Int = 1000) {
        self.limit = max(0, limit)
        self.path = path
        guard let path, self.limit > 0 else {
            self.path = nil
            return
        }
        switch Self.readFile(at: path) {
        case .missing:
            break
        case .unreadable:
            self.path = nil
        case .contents(let text):
            var loaded = text.split(separator: "\n", omittingEmptySubsequences: true).map(Self.decode)
            if loaded.count > self.limit {
                loaded.removeFirst(loaded.count - self.limit)
                if !Self.replaceFile(at: path, with: loaded) { self.path = nil }
            }
            entries = loaded
        }
    }

    /// Appends `line` unless it is blank or equal to the newest entry, dropping the oldest
    /// entry beyond `limit`, and appends it to the file. Returns whether it was added.
    @discardableResult
    package mutating func add(_ line: String) -> Bool {
        guard limit > 0, line.contains(where: { !$0.isWhitespace }), entries.last != line else { return false }
        entries.append(line)
        if entries.count > limit { entries.removeFirst(entries.count - limit) }
        if let path, !Self.appendLine(Self.encode(line), toFileAt: path) {
            self.path = nil
        }
        return true
    }

    /// `entry` as one line of the history file (without the newline).
    package static func encode(_ entry: String) -> String {
        var encoded = ""
        encoded.reserveCapacity(entry.utf8.count)
        for scalar in entry.unicodeScalars {
            switch scalar {
            case "\\": encoded += "\\\\"
            case "\n": encoded += "\\n"
            case "\r": encoded += "\\r"
            default: encoded.unicodeScalars.append(scalar)
            }
        }
        return encoded
    }

    /// The entry stored as `line`; an unknown escape is kept as written.
    package static func decode(_ line: Substring) -> String {
        var decoded = ""
        var isEscaped = false
        for scalar in line.unicodeScalars {
            if isEscaped {
                isEscaped = false
                switch scalar {
                case "n": decoded += "\n"
                case "r": decoded += "\r"
                case "\\": decoded += "\\"
                default: decoded.unicodeScalars.append(contentsOf: ["\\", scalar])
                }
            } else if scalar == "\\" {
                isEscaped = true
            } else if scalar != "\r" {  // tolerate files edited with CRLF line ends
                decoded.unicodeScalars.append(scalar)
            }
        }
        if isEscaped { decoded += "\\" }
        return decoded
    }

    private enum FileContents {
        case missing, unreadable
        case contents(String)
    }

    private static func readFile(at path: String) -> FileContents {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return errno == ENOENT ? .missing : .unreadable }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                return .unreadable
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return .contents(String(decoding: bytes, as: UTF8.self))
    }

    private static func appendLine(_ line: String, toFileAt path: String) -> Bool {
        createParentDirectory(of: path)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return Terminal.writeFully(line + "\n", to: fd)
    }

    /// Writes `entries` to a temporary file beside `path` and renames it over `path`, so
    /// a crash leaves either the old file or the new one.
    private static func replaceFile(at path: String, with entries: [String]) -> Bool {
        let temporaryPath = "\(path).tmp-\(getpid())"
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        let text = entries.map { encode($0) + "\n" }.joined()
        let isWritten = Terminal.writeFully(text, to: fd) && fsync(fd) == 0
        close(fd)
        guard isWritten, rename(temporaryPath, path) == 0 else {
            unlink(temporaryPath)
            return false
        }
        return true
    }

    /// Creates the directory holding `path` (one level, mode 0700) if it is missing, so a
    /// history path under a fresh state directory works; failures surface on open.
    private static func createParentDirectory(of path: String) {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        mkdir(String(path[..<slash]), 0o700)
    }
}
