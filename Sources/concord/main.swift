import ConcordCLI
import Foundation

exit(ConcordCommand.run(Array(CommandLine.arguments.dropFirst())))
