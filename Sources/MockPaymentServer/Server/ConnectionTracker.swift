import NIOCore
import Synchronization

/// Keeps the open connections, so that shutdown can close them, and admits at most `limit` of
/// them to be served.
final class ConnectionTracker: Sendable {
    /// What becomes of a new connection.
    enum Admission {
        /// Served: fewer than the limit are.
        case served
        /// Over the limit: its first request is answered 503 `too_many_connections`, then it is closed.
        case refused
        /// Over the limit while ``ConnectionTracker/refusalLimit`` others are being refused: closed
        /// at once, unanswered.
        case dropped
    }

    /// How many connections over the limit may wait for their 503 at once.
    static let refusalLimit = 64

    private struct Open {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var served = 0
        var refused = 0
    }

    /// ``MockPaymentServer/Configuration/maximumConnections``.
    let limit: Int
    private let state = Mutex(Open())

    init(limit: Int) {
        self.limit = limit
    }

    var open: [any Channel] {
        self.state.withLock { Array($0.channels.values) }
    }

    /// Counts `channel` in, as served if fewer than the limit are; it is counted out when it closes.
    func admit(_ channel: any Channel) -> Admission {
        let id = ObjectIdentifier(channel)
        let limit = self.limit
        let admission = self.state.withLock { open -> Admission in
            open.channels[id] = channel
            if open.served < limit {
                open.served += 1
                return .served
            }
            if open.refused < Self.refusalLimit {
                open.refused += 1
                return .refused
            }
            return .dropped
        }
        channel.closeFuture.whenComplete { _ in
            self.state.withLock { open in
                open.channels[id] = nil
                switch admission {
                case .served: open.served -= 1
                case .refused: open.refused -= 1
                case .dropped: break
                }
            }
        }
        return admission
    }
}
