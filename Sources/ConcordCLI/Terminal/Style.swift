import Glibc

/// ANSI text styles (SGR escape sequences) for terminal output.
///
/// Every helper takes `enabled:` and returns the text unchanged when it is false; the
/// default is whether standard output should be styled. Pass `Style.standardErrorEnabled`
/// for text written to standard error.
package enum Style {
    /// True when text written to `fd` may carry styles: `fd` is a terminal and the
    /// `NO_COLOR` environment variable is unset or empty (https://no-color.org).
    package static func enabled(for fd: Int32) -> Bool {
        guard Terminal.isTerminal(fd) else { return false }
        guard let noColor = getenv("NO_COLOR") else { return true }
        return noColor.pointee == 0
    }

    /// `enabled(for: 1)`, decided once per process.
    package static let standardOutputEnabled = enabled(for: STDOUT_FILENO)

    /// `enabled(for: 2)`, decided once per process.
    package static let standardErrorEnabled = enabled(for: STDERR_FILENO)

    /// `text` in bold.
    package static func bold(_ text: String, enabled: Bool = standardOutputEnabled) -> String {
        apply("1", to: text, enabled: enabled)
    }

    /// `text` dimmed (faint).
    package static func dim(_ text: String, enabled: Bool = standardOutputEnabled) -> String {
        apply("2", to: text, enabled: enabled)
    }

    /// `text` underlined.
    package static func underline(_ text: String, enabled: Bool = standardOutputEnabled) -> String {
        apply("4", to: text, enabled: enabled)
    }

    /// `text` in red (errors).
    package static func red(_ text: String, enabled: Bool = standardOutputEnabled) -> String {
        apply("31", to: text, enabled: enabled)
    }

    /// `text` in green.
    package static func green(_ text: String, enabled: Bool = standardOutputEnabled) -> String {
        apply("32", to: text, enabled: enabled)
    }

    /// `text` in yellow (warnings).
    package static func yellow(_ text: String, enabled: Bool = standardOutputEnabled) -> String {
        apply("33", to: text, enabled: enabled)
    }

    /// `text` in blue.
    package static func blue(_ text: String, enabled: Bool = standardOutputEnabled) -> String {
        apply("34", to: text, enabled: enabled)
    }

    /// `text` in magenta.
    package static func magenta(_ text: String, enabled: Bool = standardOutputEnabled) -> String {
        apply("35", to: text, enabled: enabled)
    }

    /// `text` in cyan.
    package static func cyan(_ text: String, enabled: Bool = standardOutputEnabled) -> String {
        apply("36", to: text, enabled: enabled)
    }

    /// `text` wrapped in `ESC [ parameters m` and a reset; `parameters` is an SGR list
    /// such as `"1;31"` (bold red). Empty text stays empty so no stray codes are written.
    package static func apply(_ parameters: String, to text: String, enabled: Bool) -> String {
        guard enabled, !text.isEmpty else { return text }
        return "\u{1B}[\(parameters)m\(text)\u{1B}[0m"
    }
}
