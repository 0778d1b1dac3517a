import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM for the servers `mcp --http` and `webhooks listen`, delivered through Dispatch rather than an
/// async-unsafe handler: the first starts a clean shutdown (``first``), another one during it ends
/// the process at once with status 1 (the keys of any run cut short are persisted: a retry resumes it).
final class ShutdownSignals {
    /// Yields the first signal's number, then ends. Iterate it once.
    let first: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    /// Watches SIGINT and SIGTERM; `log` writes a line to the command's log.
    init(log: @escaping @Sendable (String) -> Void) {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let received = SignalCount()
        self.first = stream
        self.sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                let count = received.value.withLock { count in
                    count += 1
                    return count
                }
                guard count == 1 else {
                    log("signal \(number) again: exiting at once")
                    exit(1)
                }
                continuation.yield(number)
                continuation.finish()
            }
            source.resume()
            return source
        }
    }

    deinit {
        for source in self.sources { source.cancel() }
    }
}

/// How many signals came.
private final class SignalCount: Sendable {
    let value = Mutex(0)
}
