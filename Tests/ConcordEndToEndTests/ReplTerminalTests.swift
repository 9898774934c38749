import ConcordTestSupport
import Foundation
import Glibc
import Testing

/// The REPL and styled output on a pseudo-terminal: the `concord` binary runs with the pty
/// as its controlling terminal, the test types keys on the master side and reads the screen.
@Suite("concord on a terminal end to end")
struct ReplTerminalTests {
    /// Generous: debug builds and parallel tests on two cores.
    static let timeout = 60.0

    /// An environment for a terminal session (no NO_COLOR unless asked for).
    static func environment(_ workspace: CLIWorkspace, noColor: Bool = false) -> [String: String] {
        var environment = ["TERM": "xterm-256color", "HOME": workspace.url.path, "PATH": "/usr/bin:/bin"]
        if noColor { environment["NO_COLOR"] = "1" }
        return environment
    }

    /// Reads until `needle` appears in the output not yet read, or fails the test.
    @discardableResult
    static func expectScreen(
        _ terminal: PseudoTerminal, _ needle: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        guard let text = terminal.readUntil(needle, timeout: timeout) else {
            let tail = String(decoding: terminal.transcript.suffix(2_000), as: UTF8.self)
            Issue.record(
                "timed out waiting for \(needle.debugDescription); screen ends: \(tail.debugDescription)",
                sourceLocation: sourceLocation)
            throw SetupFailure(description: "no \(needle.debugDescription) on the screen")
        }
        return text
    }

    /// Types `text` and Enter; returns what the REPL printed up to its next prompt.
    static func submit(
        _ terminal: PseudoTerminal, _ text: String = "", sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        terminal.write(text + "\r")
        try expectScreen(terminal, "\r\n", sourceLocation: sourceLocation)  // the end of the accepted line
        return try expectScreen(terminal, "concord> ", sourceLocation: sourceLocation)
    }

    /// The lines of screen text that start a hit ("1. ", "2. "...).
    static func hitLines(_ text: String) -> [String] {
        text.components(separatedBy: "\r\n").filter { $0.range(of: #"^\d+\. "#, options: .regularExpression) != nil }
    }

    @Test("type, recall with Up, edit, cancel with Ctrl-C, :k, :more, :help, :show, :json, exit with Ctrl-D")
    func editingSession() throws {
        let workspace = try CLIWorkspace.indexed()
        let initialMode = try PseudoTerminal.open().slaveTermios()
        let terminal = try PseudoTerminal.spawn(
            executable: ConcordProcess.executable("concord"),
            arguments: ["repl", "--no-history", "--index", workspace.indexPath],
            environment: Self.environment(workspace), columns: 120, rows: 40)

        let banner = try Self.expectScreen(terminal, "concord> ")
        #expect(banner.contains("5 documents"), "banner: \(banner.debugDescription)")
        #expect(try !terminal.slaveIsCooked(), "the line editor runs in raw mode")

        // A query, typed and submitted.
        terminal.write("human rights")
        try Self.expectScreen(terminal, "concord> human rights")
        let first = try Self.submit(terminal)
        #expect(first.contains("5 hits, showing 1–5"), "screen: \(first.debugDescription)")
        #expect(Self.hitLines(first).count == 5)
        #expect(first.contains("\u{1B}[1mhuman\u{1B}[0m"), "matches are bold on a terminal")

        // Up recalls it; Ctrl-E, typing, Backspace, Ctrl-A and typing edit it.
        terminal.write("\u{1B}[A")
        try Self.expectScreen(terminal, "concord> human rights\u{1B}[K")
        terminal.write("\u{5} year:20211")
        try Self.expectScreen(terminal, "concord> human rights year:20211\u{1B}[K")
        terminal.write("\u{7F}")
        try Self.expectScreen(terminal, "concord> human rights year:2021\u{1B}[K")
        terminal.write("\u{1}")
        try Self.expectScreen(terminal, "concord> human rights year:2021\u{1B}[K\r\u{1B}[9C")
        terminal.write("+")
        try Self.expectScreen(terminal, "concord> +human rights year:2021\u{1B}[K")
        let edited = try Self.submit(terminal)
        #expect(edited.contains("1 hit, showing 1–1"), "the edited query ran: \(edited.debugDescription)")
        #expect(edited.contains("A/RES/76/159"))

        // Ctrl-C cancels a partial line: nothing runs, a new prompt, and the line is not in history.
        terminal.write("partial line")
        try Self.expectScreen(terminal, "concord> partial line")
        terminal.write("\u{3}")
        try Self.expectScreen(terminal, "^C\r\n")
        let afterCancel = try Self.expectScreen(terminal, "concord> ")
        #expect(!afterCancel.contains("hit"), "a cancelled line runs no query: \(afterCancel.debugDescription)")
        #expect(try !terminal.slaveIsCooked())
        terminal.write("\u{1B}[A")
        try Self.expectScreen(terminal, "concord> +human rights year:2021\u{1B}[K")
        terminal.write("\u{15}")  // Ctrl-U
        try Self.expectScreen(terminal, "concord> \u{1B}[K")

        // :k 2, then a query shows at most two hits; :more shows the next page.
        #expect(try Self.submit(terminal, ":k 2").contains("showing 2 hits per page"))
        let paged = try Self.submit(terminal, "human rights")
        #expect(paged.contains("5 hits, showing 1–2"), "screen: \(paged.debugDescription)")
        #expect(Self.hitLines(paged).count == 2, "screen: \(paged.debugDescription)")
        let more = try Self.submit(terminal, ":more")
        #expect(more.contains("5 hits, showing 3–4"), "screen: \(more.debugDescription)")
        #expect(Self.hitLines(more).map { $0.prefix(3) } == ["3. ", "4. "])

        // :help and :show.
        let help = try Self.submit(terminal, ":help")
        #expect(help.contains(":k N") && help.contains(":more") && help.contains(":quit"))
        let shown = try Self.submit(terminal, ":show A/RES/76/159#OP3")
        #expect(shown.contains("Reaffirms that dialogue among cultures"), "screen: \(shown.debugDescription)")
        #expect(shown.contains("OP3"))
        #expect(!shown.contains("PP1"))

        // :json on: one JSON object per query, still paged by :k.
        _ = try Self.submit(terminal, ":json on")
        let jsonScreen = try Self.submit(terminal, "dialogue")
        let line = try #require(
            jsonScreen.components(separatedBy: "\r\n").first { $0.hasPrefix("{") },
            "screen: \(jsonScreen.debugDescription)")
        let object = try parseObject(line)
        try checkSearchSchema(object, query: "dialogue")
        #expect(object["total_hits"] as? Int == 5)
        #expect((object["hits"] as? [Any])?.count == 2)

        // Ctrl-D on an empty line exits with status 0 and the terminal is back in cooked mode.
        terminal.write("\u{4}")
        let status = terminal.waitForExit(timeout: Self.timeout)
        #expect(status == 0)
        #expect(try terminal.slaveIsCooked(), "ICANON and ECHO are restored")
        #expect(PseudoTerminal.sameMode(try terminal.slaveTermios(), initialMode), "every mode flag is restored")
    }

    @Test("a line pasted with its Enter is shown before its results")
    func pastedLine() throws {
        let workspace = try CLIWorkspace.indexed()
        let terminal = try PseudoTerminal.spawn(
            executable: ConcordProcess.executable("concord"),
            arguments: ["repl", "--no-history", "--index", workspace.indexPath],
            environment: Self.environment(workspace, noColor: true), columns: 100, rows: 30)
        try Self.expectScreen(terminal, "concord> ")
        terminal.write("genuine dialogue\r")
        let screen = try Self.expectScreen(terminal, "hit")
        #expect(screen.contains("concord> genuine dialogue"), "screen: \(screen.debugDescription)")
        try Self.expectScreen(terminal, "concord> ")
        terminal.write(":quit\r")
        #expect(terminal.waitForExit(timeout: Self.timeout) == 0)
        #expect(try terminal.slaveIsCooked())
    }

    @Test("search on a terminal bolds the matches; NO_COLOR turns styles off")
    func styledSearchOutput() throws {
        let workspace = try CLIWorkspace.indexed()
        func search(noColor: Bool) throws -> String {
            let terminal = try PseudoTerminal.spawn(
                executable: ConcordProcess.executable("concord"),
                arguments: ["search", "--index", workspace.indexPath, "-k", "2", "dialogue"],
                environment: Self.environment(workspace, noColor: noColor), columns: 100, rows: 30)
            let status = terminal.waitForExit(timeout: Self.timeout)
            #expect(status == 0)
            _ = terminal.drain(timeout: 0.2)
            return String(decoding: terminal.transcript, as: UTF8.self)
        }
        let styled = try search(noColor: false)
        #expect(styled.contains("\u{1B}[1mdialogue\u{1B}[0m"), "screen: \(styled.debugDescription)")
        #expect(styled.contains("5 hits, showing 1–2"))
        let plain = try search(noColor: true)
        #expect(plain.contains("dialogue"))
        #expect(!plain.contains("\u{1B}"), "screen: \(plain.debugDescription)")
    }
}
