import NIOCore

/// Where a connection is in its exchange with the server.
enum ConnectionPhase {
    /// No request under way: waiting for the next one (or the first).
    case betweenRequests
    /// A request's head has come and the rest has not: the client is sending it.
    case receiving
    /// The whole request has come and the server has not answered yet: it is processing, or a
    /// `latency` or `stall_after_commit` fault holds the answer.
    case answering
}

extension MockHTTPHandler {
    /// The idle timeout (an `IdleStateHandler` at the head of the pipeline saw no read and no
    /// write for ``MockPaymentServer/Configuration/idleTimeout``) closes a connection that waits
    /// between requests or whose client stopped sending one, never one whose answer the server
    /// holds: a stall longer than the timeout is still delivered.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is IdleStateHandler.IdleStateEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        if self.phase != .answering {
            context.close(promise: nil)
        }
    }
}
