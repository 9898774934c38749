import Foundation
import Glibc

/// A pseudo-terminal for tests: a master side the test writes keys to and reads the
/// screen output from, and a slave side that either a spawned process uses as its
/// controlling terminal (stdin, stdout, stderr) or in-process code reads and writes.
///
/// The pty is opened with `posix_openpt`/`grantpt`/`unlockpt`/`ptsname_r` (what glibc's
/// `openpty` does); Swift's Glibc module hides those declarations, so they are looked up
/// with `dlsym`. A spawned child is a session leader (`POSIX_SPAWN_SETSID`) that opens
/// the slave by name, which makes it the child's controlling terminal: Ctrl-C written in
/// cooked mode reaches it as SIGINT, as it would from a real keyboard.
///
/// Not thread-safe: use one instance from one thread.
package final class PseudoTerminal {
    /// The master side: keys written here are the slave's input; its output is read here.
    package let masterFD: Int32
    /// The slave side, kept open by this object for termios checks and in-process use.
    package let slaveFD: Int32
    /// The slave's device path, e.g. `/dev/pts/3`.
    package let slavePath: String
    /// The spawned process, if any.
    package private(set) var processID: pid_t?
    /// Everything read from the master so far.
    package private(set) var transcript: [UInt8] = []

    private var consumedCount = 0
    private var exitStatus: Int32?

    /// Errors from setting up the pty or spawning the child.
    package struct Failure: Error, CustomStringConvertible {
        /// The call that failed and why.
        package let description: String
    }

    private init(masterFD: Int32, slaveFD: Int32, slavePath: String) {
        self.masterFD = masterFD
        self.slaveFD = slaveFD
        self.slavePath = slavePath
    }

    /// A new pty of the given size, both sides open in this process (in-process use:
    /// hand `slaveFD` to the code under test).
    package static func open(columns: Int = 80, rows: Int = 24) throws -> PseudoTerminal {
        let functions = try PtyFunctions.load()
        let master = functions.openMaster(O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw Failure(description: "posix_openpt: \(String(cString: strerror(errno)))") }
        var name = [CChar](repeating: 0, count: 128)
        guard functions.grant(master) == 0, functions.unlock(master) == 0,
            functions.slaveName(master, &name, name.count) == 0
        else {
            close(master)
            throw Failure(description: "grantpt/unlockpt/ptsname_r: \(String(cString: strerror(errno)))")
        }
        let path = name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let slave = Glibc.open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard slave >= 0 else {
            close(master)
            throw Failure(description: "open \(path): \(String(cString: strerror(errno)))")
        }
        let terminal = PseudoTerminal(masterFD: master, slaveFD: slave, slavePath: path)
        terminal.resize(columns: columns, rows: rows)
        return terminal
    }

    /// Runs `executable` (a path; PATH is not searched) with `arguments` and exactly
    /// `environment` on a new pty of the given size, with the pty as stdin, stdout and stderr. With `newSession` (the default)
    /// the child leads a new session whose controlling terminal is the pty; without it the
    /// child stays in the caller's session and process group, which keeps stop signals
    /// (SIGTSTP) effective: the kernel discards them for a session leader spawned this way,
    /// since its process group is orphaned.
    package static func spawn(
        executable: String,
        arguments: [String],
        environment: [String: String],
        columns: Int,
        rows: Int,
        newSession: Bool = true
    ) throws -> PseudoTerminal {
        let terminal = try open(columns: columns, rows: rows)
        var attributes = posix_spawnattr_t()
        var actions = posix_spawn_file_actions_t()
        posix_spawnattr_init(&attributes)
        posix_spawn_file_actions_init(&actions)
        defer {
            posix_spawnattr_destroy(&attributes)
            posix_spawn_file_actions_destroy(&actions)
        }
        // glibc's POSIX_SPAWN_SETSID (spawn.h, _GNU_SOURCE only, so not imported). glibc
        // runs setsid before the file actions, so the open below acquires the terminal.
        let setSessionFlag: Int16 = 0x80
        // The child starts with default signal dispositions whatever the test runner set.
        var defaultSignals = sigset_t()
        sigfillset(&defaultSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        let flags = (newSession ? setSessionFlag : 0) | Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        guard posix_spawnattr_setflags(&attributes, flags) == 0 else {
            throw Failure(description: "posix_spawnattr_setflags: POSIX_SPAWN_SETSID unsupported")
        }
        posix_spawn_file_actions_addopen(&actions, 0, terminal.slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw Failure(description: "posix_spawn \(executable): \(String(cString: strerror(status)))")
        }
        terminal.processID = pid
        return terminal
    }

    /// Sets the window size the slave reports (TIOCSWINSZ); a spawned child gets SIGWINCH.
    package func resize(columns: Int, rows: Int) {
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(masterFD, UInt(TIOCSWINSZ), &size)
    }

    /// Types `text` (UTF-8; control keys as `"\u{3}"`, escape sequences as `"\u{1B}[D"`).
    package func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let count = bytes.withUnsafeBytes { Glibc.write(masterFD, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(count)
        }
    }

    /// Reads output until the text not yet returned by an earlier call contains `needle`,
    /// then returns that text up to and including the first `needle` and marks it
    /// returned; later output stays for the next call. Returns nil if `needle` did not
    /// appear within `timeout` seconds (the output read so far stays available, and is in
    /// `transcript`).
    package func readUntil(_ needle: String, timeout: Double) -> String? {
        let needleBytes = Array(needle.utf8)
        let deadline = Date().addingTimeInterval(timeout)
        var searchStart = consumedCount
        while true {
            if let end = Self.endOfFirst(needleBytes, in: transcript, from: searchStart) {
                let text = String(decoding: transcript[consumedCount..<end], as: UTF8.self)
                consumedCount = end
                return text
            }
            searchStart = max(consumedCount, transcript.count - needleBytes.count + 1)
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0, readAvailable(waitingUpTo: remaining) else { return nil }
        }
    }

    private static func endOfFirst(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty else { return start }
        guard bytes.count - start >= needle.count else { return nil }
        for candidate in start...(bytes.count - needle.count)
        where bytes[candidate..<(candidate + needle.count)].elementsEqual(needle) {
            return candidate + needle.count
        }
        return nil
    }

    /// Reads whatever output arrives within `timeout` seconds and returns the text not yet
    /// returned by `readUntil`/`drain`, marking it returned.
    package func drain(timeout: Double = 0.1) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while deadline.timeIntervalSinceNow > 0, readAvailable(waitingUpTo: deadline.timeIntervalSinceNow) {}
        let pending = String(decoding: transcript[consumedCount...], as: UTF8.self)
        consumedCount = transcript.count
        return pending
    }

    /// Waits for one chunk of output; false on timeout or when the master is closed.
    private func readAvailable(waitingUpTo seconds: Double) -> Bool {
        var descriptor = pollfd(fd: masterFD, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(max(1, (seconds * 1000).rounded(.up))))
        if ready < 0 { return errno == EINTR }
        guard ready > 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { read(masterFD, $0.baseAddress, $0.count) }
        guard count > 0 else { return false }
        transcript.append(contentsOf: chunk[0..<count])
        return true
    }

    /// Waits up to `timeout` seconds for the spawned process to end. Returns its exit
    /// status, or 128 + the signal number if a signal ended it (as shells report), or nil
    /// if it is still running (or nothing was spawned).
    package func waitForExit(timeout: Double) -> Int32? {
        if let exitStatus { return exitStatus }
        guard let processID else { return nil }
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            var status: Int32 = 0
            let result = waitpid(processID, &status, WNOHANG)
            if result == processID {
                let signal = status & 0x7F
                exitStatus = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
                return exitStatus
            }
            if result < 0, errno != EINTR { return nil }
            _ = readAvailable(waitingUpTo: 0.01)  // keep the child from blocking on a full pty
        } while deadline.timeIntervalSinceNow > 0
        return nil
    }

    /// Sends `signal` to the spawned process.
    package func sendSignal(_ signal: Int32) {
        if let processID, exitStatus == nil { kill(processID, signal) }
    }

    /// The slave's current terminal settings (tcgetattr).
    package func slaveTermios() throws -> termios {
        var settings = termios()
        guard tcgetattr(slaveFD, &settings) == 0 else {
            throw Failure(description: "tcgetattr: \(String(cString: strerror(errno)))")
        }
        return settings
    }

    /// True when the slave is in cooked mode: canonical input with echo.
    package func slaveIsCooked() throws -> Bool {
        let settings = try slaveTermios()
        return settings.c_lflag & tcflag_t(ICANON) != 0 && settings.c_lflag & tcflag_t(ECHO) != 0
    }

    /// True when two settings agree on every mode flag and control character.
    package static func sameMode(_ first: termios, _ second: termios) -> Bool {
        var first = first
        var second = second
        let sameControlCharacters = withUnsafeBytes(of: &first.c_cc) { firstBytes in
            withUnsafeBytes(of: &second.c_cc) { firstBytes.elementsEqual($0) }
        }
        return first.c_iflag == second.c_iflag && first.c_oflag == second.c_oflag
            && first.c_cflag == second.c_cflag && first.c_lflag == second.c_lflag && sameControlCharacters
    }

    deinit {
        if let processID, exitStatus == nil {
            kill(processID, SIGKILL)
            var status: Int32 = 0
            waitpid(processID, &status, 0)
        }
        close(masterFD)
        close(slaveFD)
    }
}

/// The pty functions glibc declares only under `_XOPEN_SOURCE`, found at run time.
private struct PtyFunctions {
    typealias DescriptorFunction = @convention(c) (Int32) -> Int32
    typealias NameFunction = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32

    let openMaster: DescriptorFunction
    let grant: DescriptorFunction
    let unlock: DescriptorFunction
    let slaveName: NameFunction

    static func load() throws -> PtyFunctions {
        let library = dlopen(nil, RTLD_NOW)
        func symbol(_ name: String) throws -> UnsafeMutableRawPointer {
            guard let address = dlsym(library, name) else { throw PseudoTerminal.Failure(description: "dlsym \(name)") }
            return address
        }
        return PtyFunctions(
            openMaster: unsafeBitCast(try symbol("posix_openpt"), to: DescriptorFunction.self),
            grant: unsafeBitCast(try symbol("grantpt"), to: DescriptorFunction.self),
            unlock: unsafeBitCast(try symbol("unlockpt"), to: DescriptorFunction.self),
            slaveName: unsafeBitCast(try symbol("ptsname_r"), to: NameFunction.self)
        )
    }
}
