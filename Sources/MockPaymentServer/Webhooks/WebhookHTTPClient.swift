import NIOCore
import NIOHTTP1
import NIOPosix

/// A one-request-per-connection HTTP/1.1 client for webhook deliveries, on SwiftNIO: nothing
/// blocks a thread, and connecting plus the response share one timeout.
enum WebhookHTTPClient {
    /// Why a POST got no response.
    struct Failure: Error, Sendable, CustomStringConvertible {
        /// What went wrong, opaque so more can be added.
        struct Code: Hashable, Sendable {
            let name: String
            /// The connection could not be made.
            static let connectFailed = Code(name: "connect_failed")
            /// The connection closed before a whole response came.
            static let noResponse = Code(name: "no_response")
            /// No response within the timeout.
            static let timeout = Code(name: "timeout")
            /// The delivery was cancelled.
            static let cancelled = Code(name: "cancelled")
        }

        let code: Code
        var description: String { self.code.name }
    }

    /// POSTs `body` to `host:port` `target` and returns the response's status.
    static func post(
        host: String,
        port: Int,
        target: String,
        headers: [(name: String, value: String)],
        body: [UInt8],
        timeout: TimeAmount = .seconds(5)
    ) async throws(Failure) -> Int {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let promise = loop.makePromise(of: Int.self)
        let timer = loop.scheduleTask(in: timeout) { promise.fail(Failure(code: .timeout)) }
        defer { timer.cancel() }
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(WebhookResponseHandler(promise: promise))
                    }
                }
                .connect(host: host, port: port)
                .get()
        } catch {
            promise.fail(Failure(code: .connectFailed))
            throw Failure(code: .connectFailed)
        }
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        head.headers.add(name: "User-Agent", value: "mock-payment-server-webhooks")
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Content-Length", value: String(body.count))
        head.headers.add(name: "Connection", value: "close")
        for header in headers { head.headers.add(name: header.name, value: header.value) }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        do {
            // A cancelled delivery (endpoints removed, server shut down) stops waiting at once.
            let status = try await withTaskCancellationHandler {
                try await promise.futureResult.get()
            } onCancel: {
                promise.fail(CancellationError())
            }
            channel.close(promise: nil)
            return status
        } catch {
            channel.close(promise: nil)
            if error is CancellationError { throw Failure(code: .cancelled) }
            throw (error as? Failure) ?? Failure(code: .noResponse)
        }
    }
}
