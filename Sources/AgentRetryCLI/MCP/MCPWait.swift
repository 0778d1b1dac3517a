import Synchronization

/// Waits for a task's value, or stops waiting when the waiting task is cancelled: the awaited
/// task itself goes on (an MCP `notifications/cancelled` stops the caller's wait, never the
/// checkout, whose persisted keys the next call resumes).
enum MCPWait {
    /// `task`'s value, or `nil` when the caller was cancelled first.
    static func value<T: Sendable>(of task: Task<T, Never>) async -> T? {
        let waiter = Waiter<T>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiter.arm(continuation)
                Task { waiter.resume(await task.value) }
            }
        } onCancel: {
            waiter.resume(nil)
        }
    }

    /// One continuation, resumed once, by whichever comes first: the value or the cancellation.
    private final class Waiter<T: Sendable>: Sendable {
        enum State {
            case idle
            case armed(CheckedContinuation<T?, Never>)
            case finished(T?)
            case resumed
        }

        private let state = Mutex(State.idle)

        func arm(_ continuation: CheckedContinuation<T?, Never>) {
            let early: T?? = self.state.withLock { state in
                guard case .finished(let value) = state else {
                    state = .armed(continuation)
                    return nil
                }
                state = .resumed
                return .some(value)
            }
            if let early { continuation.resume(returning: early) }
        }

        func resume(_ value: T?) {
            let continuation: CheckedContinuation<T?, Never>? = self.state.withLock { state in
                switch state {
                case .idle:
                    state = .finished(value)
                    return nil
                case .armed(let continuation):
                    state = .resumed
                    return continuation
                case .finished, .resumed:
                    return nil
                }
            }
            continuation?.resume(returning: value)
        }
    }
}
