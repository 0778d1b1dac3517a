import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Progress of a run on standard error: a bar redrawn in place on a terminal, a plain line every
/// tenth of the tasks otherwise (logs, CI).
final class DemoProgress: Sendable {
    private let label: String
    private let total: Int
    private let done = Mutex(0)
    private let interactive = isatty(STDERR_FILENO) == 1

    init(label: String, total: Int) {
        self.label = label
        self.total = max(1, total)
        self.draw(0)
    }

    func advance(by count: Int) {
        let now = self.done.withLock { value -> Int in
            value += count
            return value
        }
        self.draw(now)
    }

    func finish(_ summary: String) {
        self.write(self.interactive ? "\r\u{1B}[2K\(self.label): \(summary)\n" : "\(self.label): \(summary)\n")
    }

    private func draw(_ done: Int) {
        if self.interactive {
            let width = 30
            let filled = done * width / self.total
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            self.write("\r\u{1B}[2K\(self.label) [\(bar)] \(done)/\(self.total) tasks")
        } else if done % max(1, self.total / 10) == 0 || done == self.total {
            self.write("\(self.label): \(done)/\(self.total) tasks\n")
        }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
