import AgentRetry
import Foundation
import Synchronization

/// Standard output of a command: one JSON object per invocation, unless a protocol owns it.
enum CommandOutput {
    /// Writes `json` and a newline on standard output, unless a protocol took standard output
    /// over (``takeOver()``), when it goes to standard error instead.
    static func report(_ json: JSONValue) {
        let line = Data(json.serialized() + [UInt8(ascii: "\n")])
        if Self.taken.withLock({ $0 }) {
            FileHandle.standardError.write(line)
        } else {
            FileHandle.standardOutput.write(line)
        }
    }

    /// Says that standard output now carries a protocol (`agent-retry mcp`'s JSON-RPC): an error
    /// after this point is not mixed into it.
    static func takeOver() {
        Self.taken.withLock { $0 = true }
    }

    private static let taken = Mutex(false)
}
