import Glibc

/// How `LineEditor.readLine()` ended.
package enum LineEditorResult: Equatable, Sendable {
    /// The user pressed Enter (or input ended after some text); the line has no line break.
    case line(String)
    /// The user pressed Ctrl-C on the line.
    case cancelled
    /// Ctrl-D on an empty line, or end of input.
    case endOfInput
}

/// A single-line editor for an interactive prompt, with history and reverse search.
///
/// When both file descriptors are terminals it switches the input to raw mode for the
/// duration of each `readLine()` and redraws the line itself; lines wider than the
/// terminal scroll horizontally. Otherwise (piped input, or `TERM=dumb`) it reads plain
/// lines without echo tricks, and prints the prompt only for a dumb terminal.
///
/// Keys: printable text; Left/Right, Ctrl-B/Ctrl-F; Alt-B/Alt-F and Ctrl-Left/Right move by
/// word; Home/End, Ctrl-A/Ctrl-E; Backspace; Delete; Ctrl-D deletes under the cursor or,
/// on an empty line, ends input; Ctrl-K/Ctrl-U kill to the end/start; Ctrl-W deletes the
/// previous word; Ctrl-L clears the screen; Up/Down, Ctrl-P/Ctrl-N browse history (the
/// edited line is kept); Ctrl-R searches history backwards; Ctrl-C cancels the line;
/// Ctrl-Z suspends when the terminal is the controlling one; Enter accepts.
package final class LineEditor {
    /// The prompt drawn before the line; may contain SGR escape sequences (see `Style`).
    package let prompt: String
    /// The file descriptor keys are read from.
    package let inputFD: Int32
    /// The file descriptor the prompt and line are drawn on.
    package let outputFD: Int32
    /// The lines entered so far (and loaded from the history file).
    package private(set) var history: History

    private var input: TerminalInput
    /// The line being edited, one element per cursor step.
    private var buffer: [Character] = []
    private var cursor = 0
    /// The first character shown when the line is wider than the terminal.
    private var scrollStart = 0
    /// Index into `history.entries` of the line shown; `entries.count` is the edited line.
    private var historyIndex = 0
    /// The edited line, kept while the user browses older entries.
    private var draft: [Character] = []
    private var search: ReverseSearch?

    /// The state of a Ctrl-R search.
    private struct ReverseSearch {
        var query: [Character] = []
        var matchIndex: Int?
        var matchOffset = 0
        var hasFailed = false
        let savedBuffer: [Character]
        let savedCursor: Int
    }

    /// Edits lines on the terminal `inputFD`/`outputFD` (default stdin/stdout).
    /// `historyPath` nil = no persistence (`--no-history`); `historyLimit` caps the
    /// entries kept in memory and in the file. History file problems never fail the editor.
    package init(
        prompt: String,
        inputFD: Int32 = 0,
        outputFD: Int32 = 1,
        historyPath: String?,
        historyLimit: Int = 1000
    ) {
        self.prompt = prompt
        self.inputFD = inputFD
        self.outputFD = outputFD
        self.history = History(path: historyPath, limit: historyLimit)
        self.input = TerminalInput(fd: inputFD)
    }

    /// Reads one line. On a terminal it edits in raw mode and restores the terminal mode
    /// before returning; non-blank lines are added to history (no consecutive duplicates)
    /// and appended to the history file. Lines read from a non-terminal are not recorded.
    package func readLine() -> LineEditorResult {
        // The editor writes to the descriptor directly: put buffered `print` output first.
        fflush(nil)
        let isTerminal = Terminal.isTerminal(inputFD) && Terminal.isTerminal(outputFD)
        let isDumb = getenv("TERM").map { String(cString: $0) } == "dumb"
        if isTerminal, !isDumb, let rawMode = Terminal.enterRawMode(inputFD) {
            input.watchesRedrawNotifications = true
            defer {
                input.watchesRedrawNotifications = false
                rawMode.restore()
            }
            let result = editLine()
            if case .line(let text) = result { history.add(text) }
            return result
        }
        if isTerminal { write(prompt) }
        return readPlainLine()
    }

    // MARK: - Editing loop

    private func editLine() -> LineEditorResult {
        buffer = []
        cursor = 0
        scrollStart = 0
        historyIndex = history.entries.count
        draft = []
        search = nil
        refresh()
        while true {
            switch input.nextKey() {
            case .endOfInput:
                write("\r\n")
                return buffer.isEmpty ? .endOfInput : .line(String(buffer))
            case .interrupted:
                // Possibly resumed after Ctrl-Z, or a signal handler printed: redraw.
                refresh()
            case .key(let key):
                if search == nil || !handleSearchKey(key), let result = handle(key) { return result }
                // A paste arrives as many keys at once: draw once they are all applied.
                if !input.hasBufferedBytes { refresh() }
            }
        }
    }

    /// Applies one key to the line (the caller redraws); returns a result when the key
    /// ends the line.
    private func handle(_ key: EditorKey) -> LineEditorResult? {
        switch key {
        case .insert(let character):
            buffer.insert(character, at: cursor)
            cursor += 1
        case .enter:
            // Keys pasted with the Enter were applied without a redraw, and an accepted
            // Ctrl-R match still shows the search line: show the line as accepted first.
            refresh()
            write("\r\n")
            return .line(String(buffer))
        case .interrupt:
            refresh()
            write("^C\r\n")
            return .cancelled
        case .deleteForwardOrEnd where buffer.isEmpty:
            write("\r\n")
            return .endOfInput
        case .deleteForward, .deleteForwardOrEnd:
            if cursor < buffer.count { buffer.remove(at: cursor) }
        case .backspace:
            if cursor > 0 {
                cursor -= 1
                buffer.remove(at: cursor)
            }
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(buffer.count, cursor + 1)
        case .home: cursor = 0
        case .end: cursor = buffer.count
        case .wordLeft: cursor = wordStart(before: cursor, isWordCharacter: \.isAlphanumericOrUnderscore)
        case .wordRight: cursor = wordEnd(after: cursor)
        case .killToEnd: buffer.removeSubrange(cursor...)
        case .killToStart:
            buffer.removeSubrange(..<cursor)
            cursor = 0
        case .deleteWordBackward:
            let start = wordStart(before: cursor) { !$0.isWhitespace }
            buffer.removeSubrange(start..<cursor)
            cursor = start
        case .historyPrevious: showHistoryEntry(at: historyIndex - 1)
        case .historyNext: showHistoryEntry(at: historyIndex + 1)
        case .clearScreen: write("\u{1B}[H\u{1B}[2J")
        case .reverseSearch: search = ReverseSearch(savedBuffer: buffer, savedCursor: cursor)
        case .suspend: Terminal.suspendProcess(controllingTerminal: inputFD)
        case .abort, .ignored: break
        }
        return nil
    }

    private func wordStart(before index: Int, isWordCharacter: (Character) -> Bool) -> Int {
        var start = index
        while start > 0, !isWordCharacter(buffer[start - 1]) { start -= 1 }
        while start > 0, isWordCharacter(buffer[start - 1]) { start -= 1 }
        return start
    }

    private func wordEnd(after index: Int) -> Int {
        var end = index
        while end < buffer.count, !buffer[end].isAlphanumericOrUnderscore { end += 1 }
        while end < buffer.count, buffer[end].isAlphanumericOrUnderscore { end += 1 }
        return end
    }

    private func showHistoryEntry(at index: Int) {
        let entries = history.entries
        guard index >= 0, index <= entries.count, index != historyIndex else { return }
        if historyIndex == entries.count { draft = buffer }
        historyIndex = index
        buffer = index == entries.count ? draft : Array(entries[index])
        cursor = buffer.count
    }

    // MARK: - Reverse search

    /// Applies a key while searching (the caller redraws). Returns false when the key ends
    /// the search and must then be handled as an editing key on the accepted line.
    private func handleSearchKey(_ key: EditorKey) -> Bool {
        guard var state = search else { return false }
        switch key {
        case .insert(let character):
            state.query.append(character)
            findMatch(for: &state, from: state.matchIndex ?? history.entries.count - 1)
        case .backspace:
            guard !state.query.isEmpty else { break }
            state.query.removeLast()
            state.matchIndex = nil
            state.hasFailed = false
            if !state.query.isEmpty { findMatch(for: &state, from: history.entries.count - 1) }
        case .reverseSearch:
            if let matchIndex = state.matchIndex {
                findMatch(for: &state, from: matchIndex - 1, skipping: history.entries[matchIndex])
            }
        case .abort:
            buffer = state.savedBuffer
            cursor = state.savedCursor
            search = nil
            return true
        default:
            acceptSearch(state)
            return false
        }
        search = state
        return true
    }

    /// Looks for the newest entry at or before `start` containing the query (ignoring
    /// case) and different from `shownEntry`, so Ctrl-R never seems to stand still. On
    /// failure the previous match stays shown, as in readline.
    private func findMatch(for state: inout ReverseSearch, from start: Int, skipping shownEntry: String? = nil) {
        let entries = history.entries
        var index = min(start, entries.count - 1)
        while index >= 0 {
            if entries[index] != shownEntry, let offset = Self.offset(of: state.query, in: Array(entries[index])) {
                state.matchIndex = index
                state.matchOffset = offset
                state.hasFailed = false
                return
            }
            index -= 1
        }
        state.hasFailed = true
    }

    private static func offset(of query: [Character], in text: [Character]) -> Int? {
        guard !query.isEmpty, query.count <= text.count else { return nil }
        let foldedQuery = query.map { $0.lowercased() }
        let foldedText = text.map { $0.lowercased() }
        return (0...(text.count - query.count)).first { start in
            foldedQuery.indices.allSatisfy { foldedText[start + $0] == foldedQuery[$0] }
        }
    }

    private func acceptSearch(_ state: ReverseSearch) {
        search = nil
        scrollStart = 0
        guard let matchIndex = state.matchIndex else { return }
        if historyIndex == history.entries.count { draft = state.savedBuffer }
        historyIndex = matchIndex
        buffer = Array(history.entries[matchIndex])
        cursor = state.matchOffset
    }

    // MARK: - Drawing

    /// Redraws the prompt and line (or the search line) and places the cursor.
    private func refresh() {
        let columns = Terminal.columns(of: outputFD) ?? 80
        if let search {
            let status = search.hasFailed ? "(failed reverse-i-search)" : "(reverse-i-search)"
            let prefix = "\(status)'\(String(search.query))': "
            let shown = search.matchIndex.map { Array(history.entries[$0]) } ?? search.savedBuffer
            let shownCursor = search.matchIndex == nil ? search.savedCursor : search.matchOffset
            draw(prefix: prefix, text: shown, cursor: shownCursor, columns: columns)
        } else {
            draw(prefix: prompt, text: buffer, cursor: cursor, columns: columns)
        }
    }

    private func draw(prefix: String, text: [Character], cursor: Int, columns: Int) {
        let widths = text.map(Terminal.displayWidth(of:))
        let prefixWidth = Terminal.displayWidth(of: prefix)
        // Keep the last column free: writing there leaves some terminals about to wrap.
        let available = max(1, columns - prefixWidth - 1)
        if widths.reduce(0, +) <= available {
            scrollStart = 0
        } else {
            // Scroll just enough to show the cursor, then back while the rest still fits.
            scrollStart = min(scrollStart, cursor)
            var widthBeforeCursor = widths[scrollStart..<cursor].reduce(0, +)
            while widthBeforeCursor > available {
                widthBeforeCursor -= widths[scrollStart]
                scrollStart += 1
            }
            var widthFromStart = widths[scrollStart...].reduce(0, +)
            while scrollStart > 0, widthFromStart + widths[scrollStart - 1] <= available {
                scrollStart -= 1
                widthFromStart += widths[scrollStart]
            }
        }
        var end = scrollStart
        var usedWidth = 0
        while end < text.count, usedWidth + widths[end] <= available {
            usedWidth += widths[end]
            end += 1
        }
        let cursorColumn = prefixWidth + widths[scrollStart..<cursor].reduce(0, +)
        var output = "\r" + prefix + String(text[scrollStart..<end]) + "\u{1B}[K\r"
        if cursorColumn > 0 { output += "\u{1B}[\(cursorColumn)C" }
        write(output)
    }

    // MARK: - Plain input and output

    private func readPlainLine() -> LineEditorResult {
        var bytes: [UInt8] = []
        reading: while true {
            switch input.nextByte() {
            case .byte(UInt8(ascii: "\n")): break reading
            case .byte(let byte): bytes.append(byte)
            case .endOfInput:
                if bytes.isEmpty { return .endOfInput }
                break reading
            case .interrupted, .timeout: continue
            }
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return .line(String(decoding: bytes, as: UTF8.self))
    }

    private func write(_ text: String) {
        // A failed write means the terminal went away; the next read reports end of input.
        Terminal.writeFully(text, to: outputFD)
    }
}

extension Character {
    /// Letters, digits and `_`: what Alt-B/Alt-F treat as part of a word.
    fileprivate var isAlphanumericOrUnderscore: Bool {
        isLetter || isNumber || self == "_"
    }
}
