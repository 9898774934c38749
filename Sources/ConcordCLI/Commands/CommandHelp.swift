/// Usage and help text of each command.
package enum CommandHelp {
    /// Options every command that reads an index takes.
    static let indexOption = OptionSpec.value(
        "index", "DIR", "index directory (default $CONCORD_INDEX or index-data/index)")
    static let helpOption = OptionSpec.flag("help", short: "h", "show this help")

    /// The one-line usage of a command.
    package static func usageLine(_ command: String) -> String {
        switch command {
        case "index":
            return "concord index PATH... [--index DIR] [--memory-mb N] [--format text|markdown|jsonl] [--strict]"
        case "search":
            return "concord search QUERY [-k N] [--offset N] [--and] [--json] [--explain] [--count] [--index DIR]"
        case "repl": return "concord repl [--index DIR] [--no-history] [-k N] [--and]"
        case "show": return "concord show ID[#PARA] [--json] [--cite] [--index DIR]"
        case "delete": return "concord delete ID... [--index DIR]"
        case "merge": return "concord merge [--index DIR]"
        case "stats": return "concord stats [--json] [--index DIR]"
        case "check": return "concord check [--deep] [--index DIR]"
        case "analyze": return "concord analyze TEXT [--json] [--no-stem]"
        case "series": return "concord series [NAME] [--all] [-k N] [--json] [--index DIR]"
        case "history": return "concord history TEXT [--series NAME] [--threshold X] [--json] [--index DIR]"
        case "diff": return "concord diff A [B] [--changes] [--threshold X] [--json] [--index DIR]"
        case "similar": return "concord similar TEXT|ID#PARA [-k N] [--candidates N] [--json] [--index DIR]"
        default: return "concord [COMMAND] [OPTIONS]"
        }
    }

    /// Full help of a command: usage, what it does, options.
    package static func help(_ command: String, summary: String, options: [OptionSpec]) -> String {
        var lines = ["usage: " + usageLine(command), "", summary, "", "options:"]
        for option in options {
            var left = "--" + option.name
            if let short = option.short { left = "-\(short), " + left }
            if option.takesValue { left += " " + option.valueName }
            lines.append("  " + left.padding(toLength: 26, withPad: " ", startingAt: 0) + option.help)
        }
        return lines.joined(separator: "\n")
    }
}
