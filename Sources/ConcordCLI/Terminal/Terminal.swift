import Glibc

/// Terminal queries and raw-mode switching for the line editor and the progress bar.
///
/// While any terminal is in raw mode its original settings are kept in a small
/// process-wide table that signal handlers and an `atexit` hook can read, so the terminal
/// is put back on every way out: a normal return, `exit()`, a terminating signal
/// (SIGINT, SIGTERM, SIGHUP, SIGQUIT left at their default action), and a stop signal
/// (SIGTSTP, SIGTTIN, SIGTTOU), after which raw mode comes back when the process resumes.
package enum Terminal {
    /// True when `fd` refers to a terminal.
    package static func isTerminal(_ fd: Int32) -> Bool {
        isatty(fd) == 1
    }

    /// The window size of the terminal `fd` (ioctl `TIOCGWINSZ`), or nil when `fd` is not
    /// a terminal or reports a zero width.
    package static func windowSize(of fd: Int32) -> (columns: Int, rows: Int)? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return (Int(size.ws_col), Int(size.ws_row))
    }

    /// The width of the terminal `fd` in columns, or nil when it is unknown.
    package static func columns(of fd: Int32) -> Int? {
        windowSize(of: fd)?.columns
    }

    /// Puts the terminal `fd` in raw mode: no echo, no line buffering, no signal keys,
    /// no CR/LF translation on input or output, reads return after one byte.
    /// Returns nil when `fd` is not a terminal or its settings cannot be changed.
    /// Typed-ahead input is kept. The returned value restores the original settings
    /// when `restore()` is called or when it is deinitialized.
    package static func enterRawMode(_ fd: Int32) -> RawMode? {
        var original = termios()
        guard isTerminal(fd), tcgetattr(fd, &original) == 0 else { return nil }
        var raw = original
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_oflag &= ~tcflag_t(OPOST)
        raw.c_cflag |= tcflag_t(CS8)
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        withUnsafeMutableBytes(of: &raw.c_cc) { controlCharacters in
            controlCharacters[Int(VMIN)] = 1
            controlCharacters[Int(VTIME)] = 0
        }
        guard let slot = RawModeRegistry.register(fd: fd, original: original, raw: raw) else {
            return nil
        }
        // TCSANOW, not TCSAFLUSH: a flush would drop keys typed (or pasted) before the prompt.
        while tcsetattr(fd, TCSANOW, &raw) != 0 {
            if errno == EINTR { continue }
            RawModeRegistry.unregister(slot: slot)
            return nil
        }
        return RawMode(fd: fd, slot: slot, original: original)
    }

    /// A descriptor that becomes readable each time a signal handler gave the terminals
    /// back and took them again (a stop and resume, or a chained handler) while in raw
    /// mode. The line editor polls it beside its input to know the screen needs a redraw;
    /// a self-pipe, because a signal arriving just before a blocking read interrupts nothing.
    static var redrawNotificationFD: Int32 {
        RawModeRegistry.redrawPipe.pointee.read
    }

    /// Empties `redrawNotificationFD`.
    static func consumeRedrawNotifications() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while read(redrawNotificationFD, &bytes, bytes.count) > 0 {}
    }

    /// Stops the process the way Ctrl-Z does in a shell, restoring the terminal first and
    /// raw mode again on resume. Does nothing unless `fd` is the controlling terminal and
    /// the process is in its foreground group (a pty driven by a test must not stop it).
    package static func suspendProcess(controllingTerminal fd: Int32) {
        guard tcgetpgrp(fd) == getpgrp() else { return }
        raise(SIGTSTP)
    }

    /// The number of columns `text` occupies on a terminal: SGR/CSI escape sequences take
    /// none, combining marks none, East Asian wide characters and emoji two, others one.
    package static func displayWidth(of text: String) -> Int {
        var width = 0
        var insideEscape = false
        var afterEscape = false
        for character in text {
            if afterEscape {
                afterEscape = false
                insideEscape = character == "["
                continue
            }
            if insideEscape {
                // A CSI sequence ends with a byte in 0x40...0x7E.
                if let scalar = character.unicodeScalars.first, (0x40...0x7E).contains(scalar.value) {
                    insideEscape = false
                }
                continue
            }
            if character == "\u{1B}" {
                afterEscape = true
                continue
            }
            width += displayWidth(of: character)
        }
        return width
    }

    /// The number of columns one character occupies (see `displayWidth(of: String)`).
    package static func displayWidth(of character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: break
        }
        if scalar.properties.isEmojiPresentation { return 2 }
        return wideRanges.contains { $0.contains(scalar.value) } ? 2 : 1
    }

    /// East Asian Wide and Fullwidth blocks (Hangul Jamo, CJK, Hangul, fullwidth forms).
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
        0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
        0xFFE0...0xFFE6, 0x20000...0x3FFFD,
    ]

    /// Puts back every terminal currently in raw mode. Async-signal-safe: used by the
    /// terminating paths of signal handlers and by the `atexit` hook.
    static func restoreAllForExit() {
        RawModeRegistry.restoreAll()
    }
}

extension Terminal {
    /// Writes all of `text` to `fd`, retrying after signals and short writes. Returns false
    /// when the descriptor fails (closed terminal, full disk).
    @discardableResult
    static func writeFully(_ text: String, to fd: Int32) -> Bool {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            bytes = bytes.dropFirst(count)
        }
        return true
    }

    /// Delivers `signal` with its default action now, from inside its own handler.
    static func raiseWithDefaultAction(_ signal: Int32) {
        var defaultAction = sigaction()
        sigemptyset(&defaultAction.sa_mask)
        sigaction(signal, &defaultAction, nil)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        sigaddset(&unblocked, signal)
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
        raise(signal)
    }
}

/// A terminal in raw mode. `restore()` (or deinitialization) puts its settings back.
package final class RawMode {
    /// The terminal file descriptor this value switched.
    package let fd: Int32
    private let slot: Int
    private var original: termios
    private var isRestored = false

    fileprivate init(fd: Int32, slot: Int, original: termios) {
        self.fd = fd
        self.slot = slot
        self.original = original
    }

    /// Restores the settings the terminal had before raw mode. Calling it again does nothing.
    package func restore() {
        guard !isRestored else { return }
        isRestored = true
        // Leave the table first so a signal arriving now cannot re-apply raw mode.
        RawModeRegistry.unregister(slot: slot)
        while tcsetattr(fd, TCSANOW, &original) != 0 && errno == EINTR {}
    }

    deinit {
        restore()
    }
}

/// One terminal in raw mode, laid out so a signal handler can read it without allocating.
private struct RawModeRecord {
    var isActive: sig_atomic_t
    var fd: Int32
    var original: termios
    var raw: termios
}

/// The process-wide table of raw terminals and the signal handlers that guard them.
///
/// Storage is allocated once, before any handler is installed, and never freed; handlers
/// only read it and call async-signal-safe functions (tcsetattr, sigaction, raise).
private enum RawModeRegistry {
    static let capacity = 8
    static let signalTableSize = 65
    static let guardedSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU]

    nonisolated(unsafe) static let records: UnsafeMutablePointer<RawModeRecord> = {
        let records = UnsafeMutablePointer<RawModeRecord>.allocate(capacity: capacity)
        records.initialize(
            repeating: RawModeRecord(isActive: 0, fd: -1, original: termios(), raw: termios()),
            count: capacity
        )
        return records
    }()
    /// The actions that were installed before ours, indexed by signal number.
    nonisolated(unsafe) static let previousActions: UnsafeMutablePointer<sigaction> = {
        let actions = UnsafeMutablePointer<sigaction>.allocate(capacity: signalTableSize)
        actions.initialize(repeating: sigaction(), count: signalTableSize)
        return actions
    }()
    /// Both ends non-blocking: the handler must never block, and a full pipe already
    /// says "redraw".
    nonisolated(unsafe) static let redrawPipe: UnsafeMutablePointer<(read: Int32, write: Int32)> = {
        let redrawPipe = UnsafeMutablePointer<(read: Int32, write: Int32)>.allocate(capacity: 1)
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            }
        }
        redrawPipe.initialize(to: (ends[0], ends[1]))
        return redrawPipe
    }()
    /// Guards `records` slot allocation, `activeCount` and handler installation.
    nonisolated(unsafe) static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()
    nonisolated(unsafe) static var activeCount = 0
    nonisolated(unsafe) static var isExitHookRegistered = false

    static func register(fd: Int32, original: termios, raw: termios) -> Int? {
        // Touch every lazily created global before a handler could need it.
        _ = (records, previousActions, redrawPipe)
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        guard let slot = (0..<capacity).first(where: { records[$0].isActive == 0 }) else { return nil }
        records[slot].fd = fd
        records[slot].original = original
        records[slot].raw = raw
        records[slot].isActive = 1
        if !isExitHookRegistered {
            isExitHookRegistered = true
            atexit { RawModeRegistry.restoreAll() }
        }
        activeCount += 1
        if activeCount == 1 {
            for signal in guardedSignals { installHandler(for: signal, saving: true) }
        }
        return slot
    }

    static func unregister(slot: Int) {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        guard records[slot].isActive != 0 else { return }
        records[slot].isActive = 0
        activeCount -= 1
        guard activeCount == 0 else { return }
        for signal in guardedSignals where isOurHandlerInstalled(for: signal) {
            // Only undo our own installation: someone may have installed a handler since.
            sigaction(signal, &previousActions[Int(signal)], nil)
        }
    }

    static func installHandler(for signal: Int32, saving: Bool) {
        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = handleTerminalSignal
        // No SA_RESTART: a blocked read must return EINTR so the editor can redraw on resume.
        action.sa_flags = SA_SIGINFO
        sigemptyset(&action.sa_mask)
        if saving {
            sigaction(signal, &action, &previousActions[Int(signal)])
        } else {
            sigaction(signal, &action, nil)
        }
    }

    static func isOurHandlerInstalled(for signal: Int32) -> Bool {
        var current = sigaction()
        guard sigaction(signal, nil, &current) == 0, current.sa_flags & SA_SIGINFO != 0 else { return false }
        let ours: @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void =
            handleTerminalSignal
        return unsafeBitCast(current.__sigaction_handler.sa_sigaction, to: Int.self)
            == unsafeBitCast(ours, to: Int.self)
    }

    static func restoreAll() {
        for slot in 0..<capacity where records[slot].isActive != 0 {
            tcsetattr(records[slot].fd, TCSANOW, &records[slot].original)
        }
    }

    /// Puts the active terminals back in raw mode and asks the editor to redraw.
    static func reapplyRawModes() {
        for slot in 0..<capacity where records[slot].isActive != 0 {
            tcsetattr(records[slot].fd, TCSANOW, &records[slot].raw)
        }
        var byte: UInt8 = 0
        _ = write(redrawPipe.pointee.write, &byte, 1)
    }
}

/// Runs in signal context while a terminal is raw: only async-signal-safe calls.
private func handleTerminalSignal(
    _ signal: Int32,
    _ info: UnsafeMutablePointer<siginfo_t>?,
    _ context: UnsafeMutableRawPointer?
) {
    guard signal > 0, signal < Int32(RawModeRegistry.signalTableSize) else { return }
    let previous = RawModeRegistry.previousActions[Int(signal)]
    let previousDisposition = unsafeBitCast(previous.__sigaction_handler.sa_handler, to: Int.self)
    let defaultDisposition = 0
    let ignoreDisposition = 1
    switch previousDisposition {
    case ignoreDisposition:
        return
    case defaultDisposition where signal == SIGTSTP || signal == SIGTTIN || signal == SIGTTOU:
        RawModeRegistry.restoreAll()
        Terminal.raiseWithDefaultAction(signal)  // stops here until SIGCONT
        RawModeRegistry.installHandler(for: signal, saving: false)
        RawModeRegistry.reapplyRawModes()
    case defaultDisposition:
        RawModeRegistry.restoreAll()
        Terminal.raiseWithDefaultAction(signal)  // terminates
    default:
        // Someone else handles it (InterruptFlag for SIGINT, Swift's crash reporter for
        // SIGQUIT). It may end the process or print, so it gets a cooked terminal; if the
        // process carries on, raw mode comes back and the editor redraws.
        RawModeRegistry.restoreAll()
        if previous.sa_flags & SA_SIGINFO != 0 {
            previous.__sigaction_handler.sa_sigaction?(signal, info, context)
        } else {
            previous.__sigaction_handler.sa_handler?(signal)
        }
        RawModeRegistry.reapplyRawModes()
    }
}
