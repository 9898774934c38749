import Glibc

/// Turns SIGINT (Ctrl-C while a query runs) into a flag that long-running work polls, so
/// an interrupt stops the query and returns to the REPL prompt instead of ending the process.
///
/// The flag is a `sig_atomic_t` in memory allocated once: the handler only stores to it,
/// readers load it on every `isSet` call. Like the sqlite3 shell, if interrupts pile up
/// unanswered (a third SIGINT while the flag is still set) the process ends the default
/// way, so work that never polls can still be stopped from the keyboard.
package enum InterruptFlag {
    /// Interrupts received since the last `reset()` at which the process gives up waiting.
    package static let terminatingCount = 3

    /// Installs the SIGINT handler. Idempotent and thread-safe. Blocking system calls
    /// interrupted by the signal are restarted (SA_RESTART).
    package static func install() {
        _ = installation
    }

    /// True when SIGINT arrived (or `set()` was called) since the last `reset()`.
    package static var isSet: Bool {
        interruptCount.pointee != 0
    }

    /// Clears the flag. Call it before starting work that will poll `isSet`.
    package static func reset() {
        interruptCount.pointee = 0
    }

    /// Raises the flag without a signal, for callers that cancel work programmatically.
    package static func set() {
        interruptCount.pointee = 1
    }

    nonisolated(unsafe) fileprivate static let interruptCount: UnsafeMutablePointer<sig_atomic_t> = {
        let count = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
        count.initialize(to: 0)
        return count
    }()

    private static let installation: Void = {
        _ = interruptCount
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handleInterrupt
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        sigaction(SIGINT, &action, nil)
    }()
}

/// Runs in signal context: only stores and async-signal-safe calls.
private func handleInterrupt(_ signal: Int32) {
    let count = InterruptFlag.interruptCount
    count.pointee &+= 1
    if count.pointee >= Int32(InterruptFlag.terminatingCount) {
        Terminal.restoreAllForExit()
        Terminal.raiseWithDefaultAction(signal)
    }
}
