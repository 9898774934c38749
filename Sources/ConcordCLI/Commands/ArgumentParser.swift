/// A usage or argument error: one line, exit code 2.
package struct UsageError: Error, CustomStringConvertible {
    /// What is wrong.
    package var message: String
    /// The command whose usage to show.
    package var command: String

    /// Creates an error.
    package init(_ message: String, command: String) {
        self.message = message
        self.command = command
    }

    /// The one-line message.
    package var description: String { message }
}

/// Declares the options of one command.
package struct OptionSpec {
    /// Long name without dashes (`limit`).
    package var name: String
    /// Short name (`k`), if any.
    package var short: Character?
    /// Whether it takes a value (else it is a flag).
    package var takesValue: Bool
    /// Help text (one line).
    package var help: String
    /// Value placeholder for help (`N`, `DIR`).
    package var valueName: String

    /// A flag.
    package static func flag(_ name: String, short: Character? = nil, _ help: String) -> OptionSpec {
        OptionSpec(name: name, short: short, takesValue: false, help: help, valueName: "")
    }

    /// An option with a value.
    package static func value(_ name: String, short: Character? = nil, _ valueName: String, _ help: String)
        -> OptionSpec
    {
        OptionSpec(name: name, short: short, takesValue: true, help: help, valueName: valueName)
    }
}

/// Parsed arguments of one command: options by long name, positionals in order.
package struct ParsedArguments {
    /// Values of options given (last one wins); flags map to "".
    package var options: [String: String] = [:]
    /// Positional arguments.
    package var positionals: [String] = []

    /// Whether a flag was given.
    package func flag(_ name: String) -> Bool { options[name] != nil }

    /// An option's value.
    package func value(_ name: String) -> String? { options[name] }

    /// An integer option in a range, or nil if absent.
    package func integer(_ name: String, in range: ClosedRange<Int>, command: String) throws -> Int? {
        guard let text = options[name] else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError(
                "--\(name) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'",
                command: command)
        }
        return number
    }

    /// A decimal option, or nil if absent.
    package func decimal(_ name: String, command: String) throws -> Double? {
        guard let text = options[name] else { return nil }
        guard let number = Double(text), number.isFinite, number >= 0 else {
            throw UsageError("--\(name) takes a non-negative number, not '\(text)'", command: command)
        }
        return number
    }
}

/// Hand-written parsing in the manner of swift-argument-parser: `--name value`,
/// `--name=value`, `-k 10`, `-k10`, flags, and `--` ending options.
package enum ArgumentParser {
    /// Parses `arguments` (without the command name) against `specs`.
    package static func parse(_ arguments: [String], specs: [OptionSpec], command: String) throws -> ParsedArguments {
        var result = ParsedArguments()
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") || isNegativeNumber(argument) {
                result.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            var name: String
            var inlineValue: String?
            let spec: OptionSpec
            if argument.hasPrefix("--") {
                let body = argument.dropFirst(2)
                if let equals = body.firstIndex(of: "=") {
                    name = String(body[..<equals])
                    inlineValue = String(body[body.index(after: equals)...])
                } else {
                    name = String(body)
                }
                guard let found = specs.first(where: { $0.name == name }) else {
                    throw UsageError("unknown option '--\(name)'", command: command)
                }
                spec = found
            } else {
                let letter = argument[argument.index(after: argument.startIndex)]
                guard let found = specs.first(where: { $0.short == letter }) else {
                    throw UsageError("unknown option '-\(letter)'", command: command)
                }
                spec = found
                name = found.name
                var rest = argument.dropFirst(2)
                // `-k=10` means the same as `-k 10` and `-k10`.
                if rest.first == "=" { rest = rest.dropFirst() }
                if !rest.isEmpty {
                    guard found.takesValue else {
                        throw UsageError("option '-\(letter)' takes no value", command: command)
                    }
                    inlineValue = String(rest)
                }
            }
            if spec.takesValue {
                if let inlineValue {
                    result.options[spec.name] = inlineValue
                } else {
                    guard index < arguments.count else {
                        throw UsageError("option '--\(spec.name)' needs a value (\(spec.valueName))", command: command)
                    }
                    result.options[spec.name] = arguments[index]
                    index += 1
                }
            } else {
                if inlineValue != nil {
                    throw UsageError("option '--\(spec.name)' is a flag and takes no value", command: command)
                }
                result.options[spec.name] = ""
            }
        }
        return result
    }

    private static func isNegativeNumber(_ text: String) -> Bool {
        text.count > 1 && text.hasPrefix("-") && Int(text.dropFirst()) != nil
    }
}
