import Foundation

/// The webhook receiver's log: one line per event on standard error. Lines name dedup keys, tasks
/// and statuses, never a secret, a signature or a body.
enum WebhookLog {
    static func write(_ line: String) {
        FileHandle.standardError.write(Data("agent-retry webhooks: \(line)\n".utf8))
    }
}
