import Glibc

/// Progress of long work (index, merge, check) on standard error.
///
/// On a terminal it redraws one line, at most ten times a second,
/// `[=====>    ] 1,234 docs  12.3 MB  45.6 MB/s  ETA 0:12` (the bar and ETA only when the
/// total size is known), and clears it at `finish(summary:)`. When the output is not a
/// terminal it prints nothing until `finish(summary:)`, which prints the summary line.
/// In both cases the summary line is the only text left behind.
package struct ProgressBar {
    /// Where the bar is drawn (default standard error).
    package let outputFD: Int32
    /// Whether the bar is drawn at all; otherwise only the summary is printed.
    package let isTerminal: Bool
    /// The total number of bytes of the work, when known in advance.
    package let totalBytes: Int64?
    /// The plural noun counted, e.g. "docs".
    package let itemName: String

    private let startTime = monotonicSeconds()
    private var lastDrawTime: Double?
    private var itemCount = 0
    private var byteCount: Int64 = 0
    private var isBarShown = false
    private var isFinished = false

    /// Minimum time between two redraws.
    private static let redrawInterval = 0.1

    /// A bar for work of `totalBytes` (nil if unknown) counting `itemName`, drawn on
    /// `outputFD`; `isTerminal` nil means "whether `outputFD` is a terminal".
    package init(totalBytes: Int64? = nil, itemName: String = "docs", outputFD: Int32 = 2, isTerminal: Bool? = nil) {
        self.totalBytes = totalBytes
        self.itemName = itemName
        self.outputFD = outputFD
        self.isTerminal = isTerminal ?? Terminal.isTerminal(outputFD)
    }

    /// Records the progress so far (running totals, not increments) and redraws the bar if
    /// the last redraw is more than a tenth of a second old.
    package mutating func update(items: Int, bytes: Int64) {
        itemCount = items
        byteCount = bytes
        guard isTerminal, !isFinished else { return }
        let now = Self.monotonicSeconds()
        if let lastDrawTime, now - lastDrawTime < Self.redrawInterval { return }
        draw(at: now)
    }

    /// Prints `line` (a warning, a skipped file) above the bar, which is then redrawn.
    package mutating func log(_ line: String) {
        if isBarShown { Terminal.writeFully("\r\u{1B}[K", to: outputFD) }
        Terminal.writeFully(line + "\n", to: outputFD)
        if isBarShown { draw(at: Self.monotonicSeconds()) }
    }

    /// Clears the bar and prints `summary` on its own line (nothing if it is empty).
    /// Later calls to any method print nothing more.
    package mutating func finish(summary: String) {
        guard !isFinished else { return }
        isFinished = true
        if isBarShown { Terminal.writeFully("\r\u{1B}[K", to: outputFD) }
        isBarShown = false
        if !summary.isEmpty { Terminal.writeFully(summary + "\n", to: outputFD) }
    }

    /// Seconds since the bar was created.
    package var elapsedSeconds: Double {
        Self.monotonicSeconds() - startTime
    }

    private mutating func draw(at now: Double) {
        lastDrawTime = now
        isBarShown = true
        let line = Self.statusLine(
            items: itemCount,
            itemName: itemName,
            bytes: byteCount,
            totalBytes: totalBytes,
            elapsedSeconds: now - startTime,
            columns: Terminal.columns(of: outputFD) ?? 80
        )
        Terminal.writeFully("\r" + line + "\u{1B}[K", to: outputFD)
    }

    /// The bar's text, at most `columns - 1` characters so it never wraps. The rate and
    /// ETA appear once a fifth of a second has passed; the bar needs a known total and
    /// room for at least ten cells.
    package static func statusLine(
        items: Int,
        itemName: String,
        bytes: Int64,
        totalBytes: Int64?,
        elapsedSeconds: Double,
        columns: Int
    ) -> String {
        var status = "\(formatCount(items)) \(itemName)  \(formatBytes(bytes))"
        let rate = elapsedSeconds >= 0.2 ? Double(bytes) / elapsedSeconds : nil
        if let rate {
            status += "  \(formatBytes(Int64(rate)))/s"
        }
        if let totalBytes, let rate, rate > 0, bytes > 0 {
            let remaining = Double(max(0, totalBytes - bytes)) / rate
            status += "  ETA \(formatDuration(remaining))"
        }
        let room = columns - 1
        let barCells = min(30, room - status.count - 3)
        if let totalBytes, totalBytes > 0, barCells >= 10 {
            let fraction = min(1, max(0, Double(bytes) / Double(totalBytes)))
            let filled = Int(fraction * Double(barCells))
            let bar =
                filled >= barCells
                ? String(repeating: "=", count: barCells)
                : String(repeating: "=", count: filled) + ">" + String(repeating: " ", count: barCells - filled - 1)
            status = "[\(bar)] " + status
        }
        return String(status.prefix(max(0, room)))
    }

    /// `1234567` as `"1,234,567"`.
    package static func formatCount(_ count: Int) -> String {
        let digits = String(count.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return count < 0 ? "-" + grouped : grouped
    }

    /// A byte count in decimal units with one decimal: `"512 B"`, `"12.3 MB"`.
    package static func formatBytes(_ bytes: Int64) -> String {
        let units = ["kB", "MB", "GB", "TB"]
        guard bytes >= 1000 else { return "\(bytes) B" }
        var value = Double(bytes) / 1000
        var unit = 0
        while value >= 999.95, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// Seconds as `"m:ss"`, or `"h:mm:ss"` from an hour up.
    package static func formatDuration(_ seconds: Double) -> String {
        let total = seconds.isFinite ? Int(min(seconds, 359_999).rounded()) : 0
        let (hours, minutes, secs) = (total / 3600, total % 3600 / 60, total % 60)
        let paddedSeconds = secs < 10 ? "0\(secs)" : "\(secs)"
        if hours == 0 { return "\(minutes):\(paddedSeconds)" }
        let paddedMinutes = minutes < 10 ? "0\(minutes)" : "\(minutes)"
        return "\(hours):\(paddedMinutes):\(paddedSeconds)"
    }

    private static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
