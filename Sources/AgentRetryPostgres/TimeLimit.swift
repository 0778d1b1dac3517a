import Synchronization

/// Waits for work at most a given time, without waiting for the work to notice: the work runs in
/// an unstructured task, which is cancelled, and left to end on its own, when the time is up.
enum TimeLimit {
    /// The work did not end in time.
    struct Exceeded: Error {}

    /// Whoever ends first (the work, or the timer) resumes the waiting caller, exactly once.
    private final class Race<T: Sendable>: Sendable {
        private enum State {
            case starting
            case waiting(CheckedContinuation<T, any Error>)
            case ended(Result<T, any Error>)
            case resumed
        }
        private let state = Mutex(State.starting)

        /// The caller starts waiting; resumed at once if the race already ended.
        func wait(_ continuation: CheckedContinuation<T, any Error>) {
            let ended: Result<T, any Error>? = self.state.withLock { state in
                if case .ended(let result) = state {
                    state = .resumed
                    return result
                }
                state = .waiting(continuation)
                return nil
            }
            if let ended { continuation.resume(with: ended) }
        }

        /// The first end wins; later ends are dropped.
        func end(_ result: Result<T, any Error>) {
            let continuation: CheckedContinuation<T, any Error>? = self.state.withLock { state in
                switch state {
                case .starting:
                    state = .ended(result)
                    return nil
                case .waiting(let continuation):
                    state = .resumed
                    return continuation
                case .ended, .resumed:
                    return nil
                }
            }
            continuation?.resume(with: result)
        }
    }

    /// The result of `work`, or ``Exceeded`` after `limit`.
    static func run<T: Sendable>(
        within limit: Duration,
        _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = Race<T>()
        let worker = Task {
            let result = await Result(catching: { try await work() })
            race.end(result)
        }
        let timer = Task {
            try await Task.sleep(for: limit)
            race.end(.failure(Exceeded()))
            worker.cancel()
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { race.wait($0) }
        } onCancel: {
            worker.cancel()
            race.end(.failure(CancellationError()))
        }
    }
}

extension Result where Failure == any Error {
    /// The result of async `body`.
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
