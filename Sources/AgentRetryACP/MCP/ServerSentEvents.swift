/// The data of the events in a `text/event-stream` body, as the HTML standard's parser reads them:
/// lines end in LF, CRLF or CR; `data:` lines of one event join with LF; a blank line dispatches
/// the event; comments and other fields are skipped. An event the stream did not finish (no blank
/// line before its end) is dropped, as the standard says: a truncated answer is no answer.
enum ServerSentEvents {
    /// The data of each complete event in `body`, in order.
    static func data(in body: [UInt8]) -> [String] {
        var events: [String] = []
        var lines: [String] = []
        var sawData = false
        for line in Self.lines(body) {
            if line.isEmpty {
                if sawData { events.append(lines.joined(separator: "\n")) }
                lines = []
                sawData = false
                continue
            }
            guard line.hasPrefix("data") else { continue }
            let rest = line.dropFirst(4)
            guard rest.isEmpty || rest.first == ":" else { continue }
            var value = rest.dropFirst()
            if value.first == " " { value = value.dropFirst() }
            lines.append(String(value))
            sawData = true
        }
        return events
    }

    /// The lines of `body`, each without its end; the last one only if it ended.
    private static func lines(_ body: [UInt8]) -> [String] {
        var lines: [String] = []
        var start = 0
        var index = 0
        while index < body.count {
            let byte = body[index]
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                lines.append(String(decoding: body[start..<index], as: UTF8.self))
                if byte == UInt8(ascii: "\r"), index + 1 < body.count, body[index + 1] == UInt8(ascii: "\n") {
                    index += 1
                }
                start = index + 1
            }
            index += 1
        }
        return lines
    }
}
