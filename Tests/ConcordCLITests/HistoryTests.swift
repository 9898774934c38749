import ConcordCLI
import Foundation
import Glibc
import Testing

/// A fresh directory under the temporary directory, removed by `remove()`.
private struct ScratchDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "concord-history-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        mkdir(path, 0o700)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

private func contents(of path: String) -> String? {
    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
}

/// `history.add(line)`; #expect cannot call a mutating method itself.
private func add(_ line: String, to history: inout History) -> Bool {
    history.add(line)
}

@Suite("History")
struct HistoryTests {
    @Test func skipsBlankLinesAndConsecutiveDuplicates() {
        var history = History(path: nil, limit: 10)
        #expect(add("one", to: &history))
        #expect(!add("one", to: &history))
        #expect(!add("", to: &history))
        #expect(!add("   ", to: &history))
        #expect(add("two", to: &history))
        #expect(add("one", to: &history))
        #expect(history.entries == ["one", "two", "one"])
    }

    @Test func keepsOnlyTheNewestEntriesUpToTheLimit() {
        var history = History(path: nil, limit: 3)
        for entry in ["a", "b", "c", "d", "e"] { history.add(entry) }
        #expect(history.entries == ["c", "d", "e"])
        var none = History(path: nil, limit: 0)
        #expect(!add("a", to: &none))
        #expect(none.entries.isEmpty)
    }

    @Test func persistsAcrossInstancesWithEscapes() {
        let directory = ScratchDirectory()
        defer { directory.remove() }
        let path = directory.file("history")
        var first = History(path: path, limit: 10)
        first.add("plain")
        first.add("two\nlines")
        first.add(#"back\slash \n literal"#)
        #expect(first.path == path)
        let second = History(path: path, limit: 10)
        #expect(second.entries == ["plain", "two\nlines", #"back\slash \n literal"#])
        #expect(contents(of: path) == "plain\ntwo\\nlines\n" + #"back\\slash \\n literal"# + "\n")
    }

    @Test func loadingTruncatesTheFileToTheLimit() {
        let directory = ScratchDirectory()
        defer { directory.remove() }
        let path = directory.file("history")
        #expect(FileManager.default.createFile(atPath: path, contents: Data("1\n2\n3\n4\n5\n".utf8)))
        var history = History(path: path, limit: 2)
        #expect(history.entries == ["4", "5"])
        #expect(contents(of: path) == "4\n5\n")
        history.add("6")
        #expect(history.entries == ["5", "6"])
        #expect(History(path: path, limit: 2).entries == ["5", "6"])
    }

    @Test func createsAMissingParentDirectory() {
        let directory = ScratchDirectory()
        defer { directory.remove() }
        let path = directory.file("state/history")
        var history = History(path: path, limit: 5)
        history.add("query")
        #expect(contents(of: path) == "query\n")
    }

    @Test func unwritablePathTurnsPersistenceOff() {
        let directory = ScratchDirectory()
        defer { directory.remove() }
        let regularFile = directory.file("file")
        #expect(FileManager.default.createFile(atPath: regularFile, contents: Data("x".utf8)))
        // A path below a regular file can be neither created nor opened, even by root.
        var history = History(path: regularFile + "/sub/history", limit: 5)
        #expect(add("still works", to: &history))
        #expect(history.path == nil)
        #expect(add("in memory", to: &history))
        #expect(history.entries == ["still works", "in memory"])
    }

    @Test func unreadablePathTurnsPersistenceOff() {
        let directory = ScratchDirectory()
        defer { directory.remove() }
        var history = History(path: directory.path, limit: 5)  // a directory, not a file
        #expect(history.path == nil)
        #expect(add("query", to: &history))
        #expect(history.entries == ["query"])
    }

    @Test func encodingRoundTrips() {
        for entry in ["", "a", "\\", "\n", "\r\n", #"\n"#, "tail\\", "ünïcödé 日本"] {
            let encoded = History.encode(entry)
            #expect(!encoded.contains("\n") && !encoded.contains("\r"))
            #expect(History.decode(Substring(encoded)) == entry)
        }
    }
}
