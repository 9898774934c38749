import ConcordCLI
import ConcordTestSupport
import Foundation
import Glibc
import Testing

/// Key sequences as a terminal sends them.
private enum Keys {
    static let enter = "\r"
    static let left = "\u{1B}[D"
    static let right = "\u{1B}[C"
    static let leftApplication = "\u{1B}OD"
    static let up = "\u{1B}[A"
    static let down = "\u{1B}[B"
    static let home = "\u{1B}[H"
    static let end = "\u{1B}[F"
    static let homeTilde = "\u{1B}[1~"
    static let endTilde = "\u{1B}[4~"
    static let delete = "\u{1B}[3~"
    static let backspace = "\u{7F}"
    static let controlH = "\u{8}"
    static let controlA = "\u{1}"
    static let controlC = "\u{3}"
    static let controlD = "\u{4}"
    static let controlE = "\u{5}"
    static let controlG = "\u{7}"
    static let controlK = "\u{B}"
    static let controlR = "\u{12}"
    static let controlU = "\u{15}"
    static let controlW = "\u{17}"
}

/// A LineEditor reading the slave side of a pseudo-terminal on a background thread, while
/// the test types on the master side.
private final class EditorHarness: @unchecked Sendable {
    static let prompt = "test> "
    let terminal: PseudoTerminal
    let editor: LineEditor
    let originalMode: termios

    init(historyPath: String? = nil, columns: Int = 80) throws {
        terminal = try PseudoTerminal.open(columns: columns, rows: 24)
        editor = LineEditor(
            prompt: Self.prompt,
            inputFD: terminal.slaveFD,
            outputFD: terminal.slaveFD,
            historyPath: historyPath
        )
        originalMode = try terminal.slaveTermios()
    }

    /// Everything the editor drew during the last `readLine(typing:)`.
    private(set) var lastOutput = ""

    /// Starts `readLine()`, waits until the editor has put the terminal in raw mode, types
    /// each key (one write each, then calls `afterTyping` with it) and returns the result,
    /// or nil if the editor did not finish within the timeout.
    func readLine(typing keys: [String], afterTyping: (String) -> Void = { _ in }) -> LineEditorResult? {
        let finished = DispatchSemaphore(value: 0)
        let box = ResultBox()
        Thread { [self] in
            box.value = editor.readLine()
            finished.signal()
        }.start()
        // Keys typed before raw mode would be echoed and line-edited by the tty itself.
        guard waitForRawMode() else { return nil }
        for key in keys {
            terminal.write(key)
            afterTyping(key)
            usleep(2_000)
        }
        guard finished.wait(timeout: .now() + 10) == .success else {
            terminal.write(Keys.controlC)  // release the thread
            _ = finished.wait(timeout: .now() + 10)
            return nil
        }
        lastOutput = terminal.drain(timeout: 0.05)
        return box.value
    }

    func waitForRawMode() -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while deadline.timeIntervalSinceNow > 0 {
            if let cooked = try? terminal.slaveIsCooked(), !cooked { return true }
            usleep(1_000)
        }
        return false
    }

    /// True when the slave has the settings it had before the first `readLine()`.
    func modeIsRestored() throws -> Bool {
        PseudoTerminal.sameMode(try terminal.slaveTermios(), originalMode)
    }
}

/// What the test's SIGHUP handler saw; written only in signal context, read after.
private struct HangupObservation {
    var terminalFD: Int32 = -1
    var count: sig_atomic_t = 0
    var sawCanonicalMode: sig_atomic_t = 0
}

nonisolated(unsafe) private var hangupObservation = HangupObservation()

private func recordHangup(_: Int32) {
    hangupObservation.count += 1
    var settings = termios()
    if tcgetattr(hangupObservation.terminalFD, &settings) == 0, settings.c_lflag & tcflag_t(ICANON) != 0 {
        hangupObservation.sawCanonicalMode = 1
    }
}

private final class ResultBox: @unchecked Sendable {
    var value: LineEditorResult?
}

private func temporaryPath(_ name: String) -> String {
    NSTemporaryDirectory() + "concord-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
}

@Suite("Line editor on a pseudo-terminal", .serialized)
struct LineEditorTests {
    @Test func insertsInTheMiddleAfterMovingLeft() throws {
        let harness = try EditorHarness()
        let result = harness.readLine(typing: ["hello", Keys.left, Keys.leftApplication, "X", Keys.enter])
        #expect(result == .line("helXlo"))
        #expect(try harness.modeIsRestored())
        #expect(try harness.terminal.slaveIsCooked())
    }

    @Test func homeAndEndKeysInEveryEncoding() throws {
        let harness = try EditorHarness()
        #expect(
            harness.readLine(typing: ["world", Keys.controlA, "hello ", Keys.controlE, "!", Keys.enter])
                == .line("hello world!")
        )
        #expect(harness.readLine(typing: ["b", Keys.home, "a", Keys.end, "c", Keys.enter]) == .line("abc"))
        #expect(harness.readLine(typing: ["b", Keys.homeTilde, "a", Keys.endTilde, "c", Keys.enter]) == .line("abc"))
        #expect(harness.readLine(typing: ["b", "\u{1B}OH", "a", "\u{1B}OF", "c", Keys.enter]) == .line("abc"))
        #expect(try harness.modeIsRestored())
    }

    @Test func killKeysAndDeleteWord() throws {
        let harness = try EditorHarness()
        let killToEnd = ["abc def", Keys.controlA, Keys.right, Keys.right, Keys.right, Keys.controlK, Keys.enter]
        #expect(harness.readLine(typing: killToEnd) == .line("abc"))
        let killToStart = ["abc def", Keys.left, Keys.left, Keys.left, Keys.controlU, Keys.enter]
        #expect(harness.readLine(typing: killToStart) == .line("def"))
        #expect(harness.readLine(typing: ["one two  three", Keys.controlW, Keys.enter]) == .line("one two  "))
        #expect(
            harness.readLine(typing: ["one two  three", Keys.controlW, Keys.controlW, Keys.enter]) == .line("one ")
        )
        #expect(try harness.modeIsRestored())
    }

    @Test func wordMovement() throws {
        let harness = try EditorHarness()
        let altKeys = ["alpha beta_gamma", "\u{1B}b", "\u{1B}b", "<", "\u{1B}f", ">", Keys.enter]
        #expect(harness.readLine(typing: altKeys) == .line("<alpha> beta_gamma"))
        let controlArrows = ["one two", "\u{1B}[1;5D", "[", Keys.home, "\u{1B}[1;5C", "]", Keys.enter]
        #expect(harness.readLine(typing: controlArrows) == .line("one] [two"))
    }

    @Test func pasteIsAppliedBeforeOneRedraw() throws {
        let harness = try EditorHarness()
        let pasted = String(repeating: "0123456789", count: 300)
        #expect(harness.readLine(typing: [pasted + Keys.enter]) == .line(pasted))
        let redraws = harness.lastOutput.components(separatedBy: "\r" + EditorHarness.prompt).count - 1
        #expect(redraws <= 3, "\(redraws) redraws for one paste")
    }

    @Test func backspaceAndDeleteKeys() throws {
        let harness = try EditorHarness()
        let keys = ["abcde", Keys.backspace, Keys.controlH, Keys.home, Keys.delete, Keys.controlD, Keys.enter]
        #expect(harness.readLine(typing: keys) == .line("c"))
        #expect(try harness.modeIsRestored())
    }

    @Test func multiByteCharactersAreOneCursorStep() throws {
        let harness = try EditorHarness()
        #expect(
            harness.readLine(typing: ["héllo wörld", Keys.left, Keys.left, Keys.backspace, Keys.enter])
                == .line("héllo wöld")
        )
        #expect(harness.readLine(typing: ["日本語", Keys.left, "X", Keys.enter]) == .line("日本X語"))
        #expect(try harness.modeIsRestored())
    }

    @Test func cursorColumnCountsWideCharactersAsTwo() throws {
        let harness = try EditorHarness()
        let finished = DispatchSemaphore(value: 0)
        Thread { [harness] in
            _ = harness.editor.readLine()
            finished.signal()
        }.start()
        #expect(harness.waitForRawMode())
        harness.terminal.write("日本")
        // Prompt (6 columns) + two wide characters (4 columns).
        #expect(harness.terminal.readUntil("\u{1B}[10C", timeout: 10) != nil)
        harness.terminal.write(Keys.enter)
        #expect(finished.wait(timeout: .now() + 10) == .success)
    }

    @Test func longLinesScrollWithinTheTerminalWidth() throws {
        let columns = 20
        let harness = try EditorHarness(columns: columns)
        let text = String(repeating: "abcdefghij", count: 4)
        let result = harness.readLine(typing: [text, Keys.home, "<", Keys.end, ">", Keys.enter])
        #expect(result == .line("<" + text + ">"))
        let screen = String(decoding: harness.terminal.transcript, as: UTF8.self)
        for redraw in screen.components(separatedBy: "\r") {
            let drawn = redraw.components(separatedBy: "\u{1B}[K").first ?? ""
            #expect(Terminal.displayWidth(of: drawn) < columns, "redraw too wide: \(drawn)")
        }
    }

    @Test func historyRecallKeepsTheEditedLine() throws {
        let harness = try EditorHarness()
        #expect(harness.readLine(typing: ["first", Keys.enter]) == .line("first"))
        #expect(harness.readLine(typing: ["second", Keys.enter]) == .line("second"))
        let browse = ["draft", Keys.up, Keys.up, Keys.down, Keys.down, Keys.enter]
        #expect(harness.readLine(typing: browse) == .line("draft"))
        let recallAndEdit = [Keys.up, Keys.up, Keys.backspace, "ST", Keys.enter]
        #expect(harness.readLine(typing: recallAndEdit) == .line("seconST"))
        #expect(harness.editor.history.entries == ["first", "second", "draft", "seconST"])
        #expect(try harness.modeIsRestored())
    }

    @Test func reverseSearchFindsOlderEntries() throws {
        let harness = try EditorHarness()
        for line in ["old match one", "beta", "newer match two", "gamma"] {
            #expect(harness.readLine(typing: [line, Keys.enter]) == .line(line))
        }
        #expect(harness.readLine(typing: [Keys.controlR, "match", Keys.enter]) == .line("newer match two"))
        #expect(harness.lastOutput.contains("(reverse-i-search)'match': newer match two"))
        #expect(
            harness.readLine(typing: [Keys.controlR, "MATCH", Keys.controlR, Keys.enter]) == .line("old match one")
        )
        #expect(
            harness.readLine(typing: ["typed", Keys.controlR, "bet", Keys.controlG, "!", Keys.enter]) == .line("typed!")
        )
        #expect(harness.readLine(typing: [Keys.controlR, "bet", Keys.controlE, "X", Keys.enter]) == .line("betaX"))
        #expect(harness.readLine(typing: [Keys.controlR, "zzz", Keys.enter]) == .line(""))
        #expect(harness.lastOutput.contains("(failed reverse-i-search)'zzz'"))
        #expect(try harness.modeIsRestored())
    }

    @Test func escapeAloneCancelsTheSearch() throws {
        let harness = try EditorHarness()
        #expect(harness.readLine(typing: ["beta", Keys.enter]) == .line("beta"))
        let keys = ["typed", Keys.controlR, "bet", "\u{1B}", "!", Keys.enter]
        let result = harness.readLine(typing: keys) { key in
            // A lone Escape is told from a sequence by the silence after it.
            if key == "\u{1B}" { usleep(300_000) }
        }
        #expect(result == .line("typed!"))
    }

    @Test func controlLClearsTheScreenAndRedraws() throws {
        let harness = try EditorHarness()
        #expect(harness.readLine(typing: ["abc", "\u{C}", "d", Keys.enter]) == .line("abcd"))
        #expect(harness.lastOutput.contains("\u{1B}[H\u{1B}[2J\r" + EditorHarness.prompt + "abc\u{1B}[K"))
    }

    @Test func controlCCancelsAndTheNextLineWorks() throws {
        let harness = try EditorHarness()
        #expect(harness.readLine(typing: ["abandoned", Keys.controlC]) == .cancelled)
        #expect(harness.lastOutput.contains("^C"))
        #expect(try harness.modeIsRestored())
        #expect(harness.readLine(typing: ["next", Keys.enter]) == .line("next"))
        #expect(harness.editor.history.entries == ["next"])
    }

    @Test func controlDOnAnEmptyLineEndsInput() throws {
        let harness = try EditorHarness()
        #expect(harness.readLine(typing: [Keys.controlD]) == .endOfInput)
        #expect(try harness.modeIsRestored())
    }

    @Test func signalHandlersInstalledBeforeEditingRunOnACookedTerminal() throws {
        let harness = try EditorHarness()
        hangupObservation.terminalFD = harness.terminal.slaveFD
        var recordingAction = sigaction()
        recordingAction.__sigaction_handler.sa_handler = recordHangup
        sigemptyset(&recordingAction.sa_mask)
        var originalAction = sigaction()
        sigaction(SIGHUP, &recordingAction, &originalAction)
        defer { sigaction(SIGHUP, &originalAction, nil) }

        let drawnLine = "test> abc\u{1B}[K"
        var isDrawn = false
        var isRedrawn = false
        let result = harness.readLine(typing: ["abc", "d", Keys.enter]) { key in
            guard key == "abc" else { return }
            isDrawn = harness.terminal.readUntil(drawnLine, timeout: 10) != nil
            kill(getpid(), SIGHUP)
            // After the handler, raw mode comes back and the line is drawn again.
            isRedrawn = harness.terminal.readUntil(drawnLine, timeout: 10) != nil
        }
        #expect(result == .line("abcd"))
        #expect(hangupObservation.count == 1)
        #expect(hangupObservation.sawCanonicalMode == 1)
        #expect(isDrawn && isRedrawn)
        #expect(try harness.modeIsRestored())
    }

    @Test func interruptSignalSetsTheFlag() {
        InterruptFlag.install()
        InterruptFlag.reset()
        defer { InterruptFlag.reset() }
        #expect(!InterruptFlag.isSet)
        kill(getpid(), SIGINT)  // not raise(): this thread may block signals
        var waits = 0
        while !InterruptFlag.isSet, waits < 1000 {
            usleep(1_000)
            waits += 1
        }
        #expect(InterruptFlag.isSet)
        InterruptFlag.reset()
        #expect(!InterruptFlag.isSet)
    }

    @Test func historyPersistsAcrossEditors() throws {
        let path = temporaryPath("history")
        defer { unlink(path) }
        let first = try EditorHarness(historyPath: path)
        #expect(first.readLine(typing: ["one", Keys.enter]) == .line("one"))
        #expect(first.readLine(typing: ["two", Keys.enter]) == .line("two"))
        let second = try EditorHarness(historyPath: path)
        #expect(second.readLine(typing: [Keys.up, Keys.up, Keys.enter]) == .line("one"))
    }

    @Test func pipedInputReadsPlainLinesWithoutPrompt() throws {
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        #expect(pipe(&input) == 0 && pipe(&output) == 0)
        defer { for fd in input + output { close(fd) } }
        let text = "first\nsecond\r\n\n\u{1B}[Dlast"
        _ = text.utf8CString.withUnsafeBufferPointer { write(input[1], $0.baseAddress, $0.count - 1) }
        close(input[1])
        input[1] = -1
        let editor = LineEditor(prompt: "p> ", inputFD: input[0], outputFD: output[1], historyPath: nil)
        let results = (0..<6).map { _ in editor.readLine() }
        #expect(
            results == [.line("first"), .line("second"), .line(""), .line("\u{1B}[Dlast"), .endOfInput, .endOfInput]
        )
        var descriptor = pollfd(fd: output[0], events: Int16(POLLIN), revents: 0)
        #expect(poll(&descriptor, 1, 0) == 0, "nothing may be written for piped input")
        #expect(editor.history.entries.isEmpty)
    }
}

@Suite("Progress bar and styles")
struct TerminalOutputTests {
    @Test func progressBarOffTerminalPrintsOnlyTheSummary() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        var bar = ProgressBar(totalBytes: 1000, outputFD: fds[1])
        #expect(!bar.isTerminal)
        for step in 1...50 {
            bar.update(items: step, bytes: Int64(step * 20))
        }
        bar.finish(summary: "indexed 50 docs in 0.1 s")
        bar.finish(summary: "again")
        close(fds[1])
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = read(fds[0], &bytes, bytes.count)
        #expect(String(decoding: bytes[0..<max(0, count)], as: UTF8.self) == "indexed 50 docs in 0.1 s\n")
    }

    @Test func progressBarOnTerminalDrawsAtMostTenTimesASecondThenClears() throws {
        let terminal = try PseudoTerminal.open(columns: 80, rows: 24)
        var bar = ProgressBar(totalBytes: 2_000_000, outputFD: terminal.slaveFD)
        #expect(bar.isTerminal)
        let start = Date()
        bar.update(items: 1234, bytes: 1_000_000)
        for step in 1...20_000 {
            bar.update(items: 1234 + step, bytes: 1_000_000 + Int64(step))
        }
        let elapsed = Date().timeIntervalSince(start)
        bar.finish(summary: "done")
        let screen = terminal.drain(timeout: 0.5)
        #expect(screen.hasPrefix("\r[===============>              ] 1,234 docs  1.0 MB\u{1B}[K"))
        let draws = screen.components(separatedBy: "\r[").count - 1
        #expect(draws >= 1 && draws <= Int(elapsed / 0.1) + 1, "\(draws) draws in \(elapsed) s")
        #expect(screen.hasSuffix("\r\u{1B}[Kdone\r\n"))
    }

    @Test func statusLineFormat() {
        let line = ProgressBar.statusLine(
            items: 1234,
            itemName: "docs",
            bytes: 12_300_000,
            totalBytes: 24_600_000,
            elapsedSeconds: 2,
            columns: 80
        )
        #expect(line == "[===============>              ] 1,234 docs  12.3 MB  6.2 MB/s  ETA 0:02")
        let narrow = ProgressBar.statusLine(
            items: 5,
            itemName: "docs",
            bytes: 10,
            totalBytes: 100,
            elapsedSeconds: 0,
            columns: 13
        )
        #expect(narrow == "5 docs  10 B")
        #expect(ProgressBar.formatCount(1_234_567) == "1,234,567")
        #expect(ProgressBar.formatCount(999) == "999")
        #expect(ProgressBar.formatBytes(999_999) == "1.0 MB")
        #expect(ProgressBar.formatDuration(3725) == "1:02:05")
    }

    @Test func stylesAreOffWhenDisabled() {
        #expect(Style.bold("x", enabled: false) == "x")
        #expect(Style.red("x", enabled: true) == "\u{1B}[31mx\u{1B}[0m")
        #expect(Style.dim("", enabled: true) == "")
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        #expect(!Style.enabled(for: fds[1]))
        close(fds[0])
        close(fds[1])
    }

    @Test func displayWidthSkipsEscapesAndCountsWideCharacters() {
        #expect(Terminal.displayWidth(of: Style.bold("abc", enabled: true)) == 3)
        #expect(Terminal.displayWidth(of: "日本") == 4)
        #expect(Terminal.displayWidth(of: "e\u{301}") == 1)
    }
}
