/// Why a query could not be parsed, and where.
public struct QuerySyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The cause, in lower case without a final period (`unclosed '('`).
    public var message: String
    /// 1-based position of the offending character, counted in Unicode scalars.
    /// Always between 1 and the query's scalar count (1 for an empty query).
    public var column: Int

    /// Creates an error; see the properties for the meaning of each part.
    public init(message: String, column: Int) {
        self.message = message
        self.column = column
    }

    /// One line: `<message> at column N`.
    public var description: String {
        message + " at column " + String(column)
    }

    /// Longest stretch of the query echoed under the message; longer queries are cut around
    /// the column so that a 16 KB query does not flood the terminal.
    static let echoLimit = 100

    /// Three lines for a terminal: the message, the query, and a caret under the column:
    ///
    ///     query error: unclosed '(' at column 3
    ///       a (b OR c
    ///         ^
    ///
    /// Control characters are echoed as U+FFFD so they cannot drive the terminal; tabs are
    /// echoed as tabs (in both lines, so the caret stays aligned), double-width characters
    /// count as two cells and combining marks as none. `query` must be the parsed text.
    public func rendered(query: String) -> String {
        let scalars = Array(query.unicodeScalars)
        let caretIndex = min(max(column - 1, 0), scalars.count)
        var start = 0
        var end = scalars.count
        if scalars.count > Self.echoLimit {
            start = max(0, min(caretIndex - Self.echoLimit / 2, scalars.count - Self.echoLimit))
            end = start + Self.echoLimit
        }
        var echo = start > 0 ? "…" : ""
        var pad = start > 0 ? " " : ""
        for index in start..<end {
            let scalar = scalars[index]
            let shown: Unicode.Scalar = Self.isRefusedControl(scalar) ? "\u{FFFD}" : scalar
            echo.unicodeScalars.append(shown)
            if index < caretIndex {
                pad += padding(under: shown)
            }
        }
        if end < scalars.count {
            echo += "…"
        }
        return "query error: " + description + "\n  " + echo + "\n  " + pad + "^"
    }
}

extension QuerySyntaxError {
    /// Whether the parser refuses the scalar as a control character: C0 controls other than
    /// tab, and DEL. They would be invisible in the query and could drive the terminal.
    static func isRefusedControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F
    }
}

/// The blank that occupies the same terminal cells as `scalar`.
private func padding(under scalar: Unicode.Scalar) -> String {
    if scalar == "\t" {
        return "\t"
    }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format:
        return ""
    default:
        return isWide(scalar) ? "  " : " "
    }
}

/// East Asian wide and fullwidth blocks and the common emoji blocks, which terminals draw
/// two cells wide. An approximation of UAX #11, good enough to place a caret.
private func isWide(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
        0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
        0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
        return true
    default:
        return false
    }
}
