import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// One request a ``WebhookReceiver`` got.
struct ReceivedWebhook: Sendable {
    let path: String
    /// Header names lowercased.
    let headers: [String: String]
    let body: [UInt8]

    var text: String { String(decoding: self.body, as: UTF8.self) }
}

/// A tiny HTTP/1.1 server on 127.0.0.1:0 that records every request and answers the status
/// `answer` gives it (the request and how many came before it).
final class WebhookReceiver: Sendable {
    typealias Answer = @Sendable (ReceivedWebhook, Int) -> Int

    private let received = Mutex<[ReceivedWebhook]>([])
    private let answer: Answer
    private let channel: Mutex<(any Channel)?> = Mutex(nil)

    private init(answer: @escaping Answer) {
        self.answer = answer
    }

    /// The URL of `path` on this receiver.
    func url(_ path: String = "/hooks") -> String {
        let port = self.channel.withLock { $0?.localAddress?.port } ?? 0
        return "http://127.0.0.1:\(port)\(path)"
    }

    /// The requests so far.
    var requests: [ReceivedWebhook] { self.received.withLock { $0 } }

    /// Records `request` and returns the status to answer.
    func record(_ request: ReceivedWebhook) -> Int {
        let index = self.received.withLock { list in
            list.append(request)
            return list.count - 1
        }
        return self.answer(request, index)
    }

    /// Waits until `count` requests came (or `timeout` passed) and returns them.
    func waitFor(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [ReceivedWebhook] {
        let deadline = ContinuousClock.now + timeout
        while self.requests.count < count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return self.requests
    }

    /// Runs `body` with a receiver answering `answer` (200 to everything by default).
    static func with<Result>(
        answer: @escaping Answer = { _, _ in 200 },
        _ body: (WebhookReceiver) async throws -> Result
    ) async throws -> Result {
        let receiver = WebhookReceiver(answer: answer)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(WebhookReceiverHandler(receiver: receiver))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        receiver.channel.withLock { $0 = channel }
        do {
            let result = try await body(receiver)
            try await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }
}
