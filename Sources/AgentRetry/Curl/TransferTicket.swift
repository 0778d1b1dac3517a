import Synchronization

/// Settles the race between a task's cancellation and the hand-over of its request to the loop.
///
/// `withTaskCancellationHandler` may run its cancellation handler before, during or after the
/// operation hands the request over. Exactly one side wins: a request cancelled before hand-over is
/// never handed over, and one cancelled after is aborted by the loop.
final class TransferTicket: Sendable {
    private enum State { case created, handedOver, cancelled }

    let id: UInt64
    private let state = Mutex(State.created)

    init(id: UInt64) {
        self.id = id
    }

    /// Marks the request handed over; `false` when cancellation came first.
    func handOver() -> Bool {
        self.state.withLock { state in
            guard state == .created else { return false }
            state = .handedOver
            return true
        }
    }

    /// Whether cancellation has come, at any point.
    var isCancelled: Bool {
        self.state.withLock { $0 == .cancelled }
    }

    /// Marks the request cancelled; `true` when it was already handed over and the loop must abort it.
    func cancel() -> Bool {
        self.state.withLock { state in
            defer { state = .cancelled }
            return state == .handedOver
        }
    }
}
