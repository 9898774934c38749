import Glibc

/// What one key press (a byte, a UTF-8 sequence or an escape sequence) asks the editor to do.
enum EditorKey: Equatable {
    case insert(Character)
    case enter
    case backspace
    case deleteForward
    /// Ctrl-D: delete under the cursor, or end of input on an empty line.
    case deleteForwardOrEnd
    case left, right, wordLeft, wordRight, home, end
    case historyPrevious, historyNext
    case killToEnd, killToStart, deleteWordBackward
    case clearScreen
    case reverseSearch
    /// Ctrl-G, or Escape on its own: abandon the search.
    case abort
    /// Ctrl-C.
    case interrupt
    /// Ctrl-Z.
    case suspend
    /// A key or sequence the editor has no use for.
    case ignored
}

/// The outcome of waiting for one byte of input.
enum InputEvent: Equatable {
    case byte(UInt8)
    /// No byte arrived within the timeout.
    case timeout
    /// A signal interrupted the wait (the process may have been stopped and resumed).
    case interrupted
    /// End of file, or a read error.
    case endOfInput
}

/// The outcome of waiting for one key.
enum KeyEvent: Equatable {
    case key(EditorKey)
    /// A signal interrupted the wait (the process may have been stopped and resumed).
    case interrupted
    /// End of file, or a read error.
    case endOfInput
}

/// Buffered bytes from a file descriptor, with the key decoder on top.
struct TerminalInput {
    /// How long the rest of an escape or UTF-8 sequence may lag its first byte. Long enough
    /// for a slow SSH link, short enough that a lone Escape feels immediate.
    static let sequenceTimeoutMilliseconds: Int32 = 50

    let fd: Int32
    /// Whether waits also end when a signal handler asks for a redraw (raw-mode editing).
    var watchesRedrawNotifications = false
    private var buffer: [UInt8] = []
    private var position = 0

    init(fd: Int32) {
        self.fd = fd
    }

    /// True when bytes that were read but not consumed are waiting.
    var hasBufferedBytes: Bool { position < buffer.count }

    /// The next byte; `timeoutMilliseconds` nil waits for as long as it takes.
    mutating func nextByte(timeoutMilliseconds: Int32? = nil) -> InputEvent {
        if position < buffer.count {
            position += 1
            return .byte(buffer[position - 1])
        }
        if watchesRedrawNotifications || timeoutMilliseconds != nil {
            var descriptors = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            if watchesRedrawNotifications {
                descriptors.append(pollfd(fd: Terminal.redrawNotificationFD, events: Int16(POLLIN), revents: 0))
            }
            let ready = poll(&descriptors, nfds_t(descriptors.count), timeoutMilliseconds ?? -1)
            if ready == 0 { return .timeout }
            if ready < 0 { return errno == EINTR ? .interrupted : .endOfInput }
            if descriptors.count > 1, descriptors[1].revents != 0 {
                Terminal.consumeRedrawNotifications()
                return .interrupted
            }
        }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 { return errno == EINTR || errno == EAGAIN ? .interrupted : .endOfInput }
        if count == 0 { return .endOfInput }
        buffer = Array(chunk[0..<count])
        position = 1
        return .byte(buffer[0])
    }

    /// Gives back the byte the last `nextByte` returned.
    mutating func unreadLastByte() {
        if position > 0 { position -= 1 }
    }

    /// Consumes the next byte if it equals `byte` and is already buffered.
    mutating func skipBuffered(_ byte: UInt8) {
        if position < buffer.count, buffer[position] == byte { position += 1 }
    }

    /// Waits for and decodes the next key.
    mutating func nextKey() -> KeyEvent {
        switch nextByte() {
        case .byte(let byte): .key(decodeKey(startingWith: byte))
        case .endOfInput: .endOfInput
        case .interrupted, .timeout: .interrupted
        }
    }

    private mutating func decodeKey(startingWith byte: UInt8) -> EditorKey {
        switch byte {
        case 0x0D:
            skipBuffered(0x0A)  // CR LF from a paste is one line break
            return .enter
        case 0x0A: return .enter
        case 0x7F, 0x08: return .backspace
        case 0x1B: return decodeEscapeSequence()
        case 0x09: return .insert(" ")  // a pasted tab; a query has no use for a tab stop
        case 0x00..<0x20: return controlKey(byte)
        case 0x20..<0x80: return .insert(Character(Unicode.Scalar(byte)))
        default: return decodeUTF8(startingWith: byte)
        }
    }

    private func controlKey(_ byte: UInt8) -> EditorKey {
        switch byte + 0x40 {  // 0x01 is Ctrl-A
        case UInt8(ascii: "A"): .home
        case UInt8(ascii: "B"): .left
        case UInt8(ascii: "C"): .interrupt
        case UInt8(ascii: "D"): .deleteForwardOrEnd
        case UInt8(ascii: "E"): .end
        case UInt8(ascii: "F"): .right
        case UInt8(ascii: "G"): .abort
        case UInt8(ascii: "K"): .killToEnd
        case UInt8(ascii: "L"): .clearScreen
        case UInt8(ascii: "N"): .historyNext
        case UInt8(ascii: "P"): .historyPrevious
        case UInt8(ascii: "R"): .reverseSearch
        case UInt8(ascii: "U"): .killToStart
        case UInt8(ascii: "W"): .deleteWordBackward
        case UInt8(ascii: "Z"): .suspend
        default: .ignored
        }
    }

    private mutating func nextSequenceByte() -> UInt8? {
        if case .byte(let byte) = nextByte(timeoutMilliseconds: Self.sequenceTimeoutMilliseconds) {
            return byte
        }
        return nil
    }

    /// ESC [ ... (CSI), ESC O x (SS3, "application" cursor keys) and ESC x (Alt-x).
    private mutating func decodeEscapeSequence() -> EditorKey {
        guard let introducer = nextSequenceByte() else { return .abort }
        switch introducer {
        case UInt8(ascii: "["): return decodeControlSequence()
        case UInt8(ascii: "O"):
            guard let final = nextSequenceByte() else { return .ignored }
            return cursorKey(final: final, parameters: "")
        case UInt8(ascii: "b"), UInt8(ascii: "B"): return .wordLeft
        case UInt8(ascii: "f"), UInt8(ascii: "F"): return .wordRight
        case 0x7F, 0x08: return .deleteWordBackward
        case 0x1B: return .abort
        default: return .ignored
        }
    }

    /// Reads parameter bytes up to the final byte (0x40...0x7E) of a CSI sequence.
    private mutating func decodeControlSequence() -> EditorKey {
        var parameters = ""
        for _ in 0..<16 {
            guard let byte = nextSequenceByte() else { return .ignored }
            if (0x40...0x7E).contains(byte) { return cursorKey(final: byte, parameters: parameters) }
            parameters.unicodeScalars.append(Unicode.Scalar(byte))
        }
        return .ignored
    }

    private func cursorKey(final: UInt8, parameters: String) -> EditorKey {
        // "1;5" (Ctrl) or "1;3" (Alt) modifiers turn Left/Right into word moves.
        let hasWordModifier = parameters.hasSuffix(";5") || parameters.hasSuffix(";3")
        switch final {
        case UInt8(ascii: "A"): return .historyPrevious
        case UInt8(ascii: "B"): return .historyNext
        case UInt8(ascii: "C"): return hasWordModifier ? .wordRight : .right
        case UInt8(ascii: "D"): return hasWordModifier ? .wordLeft : .left
        case UInt8(ascii: "H"): return .home
        case UInt8(ascii: "F"): return .end
        case UInt8(ascii: "~"):
            switch parameters {
            case "1", "7": return .home
            case "4", "8": return .end
            case "3": return .deleteForward
            default: return .ignored
            }
        default: return .ignored
        }
    }

    /// One Unicode scalar from its lead byte and continuation bytes; malformed input is dropped.
    private mutating func decodeUTF8(startingWith lead: UInt8) -> EditorKey {
        let length: Int
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return .ignored
        }
        var bytes = [lead]
        while bytes.count < length {
            guard let byte = nextSequenceByte() else { return .ignored }
            guard byte & 0xC0 == 0x80 else {
                unreadLastByte()  // the start of the next key, not part of this one
                return .ignored
            }
            bytes.append(byte)
        }
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return .ignored }
        return .insert(Character(scalar))
    }
}
