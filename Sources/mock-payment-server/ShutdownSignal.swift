import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Waits for SIGINT or SIGTERM, delivered through Dispatch rather than an async-unsafe handler.
enum ShutdownSignal {
    static func wait() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let queue = DispatchQueue(label: "mock-payment-server.signals")
            let once = ResumeOnce(continuation)
            let sources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: queue) }
            for source in sources {
                source.setEventHandler { once.resume() }
                source.resume()
            }
            // The sources must live until a signal comes.
            once.keep(sources)
        }
    }
}

/// Resumes a continuation once, whichever signal comes first.
private final class ResumeOnce: @unchecked Sendable {
    private var continuation: CheckedContinuation<Void, Never>?
    private var retained: [any DispatchSourceSignal] = []
    private let lock = NSLockLike()

    init(_ continuation: CheckedContinuation<Void, Never>) {
        self.continuation = continuation
    }

    func keep(_ sources: [any DispatchSourceSignal]) {
        self.lock.withLock { self.retained = sources }
    }

    func resume() {
        let continuation = self.lock.withLock { () -> CheckedContinuation<Void, Never>? in
            defer { self.continuation = nil }
            return self.continuation
        }
        continuation?.resume()
    }
}

/// A pthread mutex, so this file needs no Foundation.
private final class NSLockLike: @unchecked Sendable {
    private var mutex = pthread_mutex_t()

    init() { pthread_mutex_init(&self.mutex, nil) }
    deinit { pthread_mutex_destroy(&self.mutex) }

    func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&self.mutex)
        defer { pthread_mutex_unlock(&self.mutex) }
        return body()
    }
}
