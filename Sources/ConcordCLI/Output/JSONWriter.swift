/// Builds JSON text by hand (no Foundation): always valid, strings escaped per RFC 8259
/// (quotes, backslash, control characters as \uXXXX, and U+2028/U+2029 escaped so the
/// output is also safe to embed in JavaScript).
package enum JSON {
    /// A JSON value.
    package indirect enum Value {
        case string(String)
        case number(Double)
        case integer(Int64)
        case bool(Bool)
        case null
        case array([Value])
        case object([(String, Value)])
    }

    /// Compact serialization.
    package static func encode(_ value: Value) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    private static func write(_ value: Value, to out: inout String) {
        switch value {
        case .string(let text): writeString(text, to: &out)
        case .number(let number):
            if number.isFinite {
                out += number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
            } else {
                out += "null"
            }
        case .integer(let number): out += String(number)
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, (key, item)) in members.enumerated() {
                if index > 0 { out += "," }
                writeString(key, to: &out)
                out += ":"
                write(item, to: &out)
            }
            out += "}"
        }
    }

    /// Writes `text` as a JSON string literal.
    package static func writeString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
