import AgentRetry
import AgentRetryWebhooks
import Foundation
import NIOCore
import NIOHTTP1

/// One connection of `webhooks listen`: each POST verified and recorded through the inbox, and
/// answered with the receipt's status and JSON; a body over the bound is 413, and its connection
/// closed.
enum WebhookReceiverConnection {
    /// Serves `connection` until the client closes it or a request asks to close; `received` is
    /// called after each new event is committed.
    static func serve(
        _ connection: LoopbackHTTPServer.Connection,
        inbox: WebhookInbox,
        maximumBodySize: Int,
        received: @escaping @Sendable () -> Void
    ) async {
        try? await connection.executeThenClose { inbound, outbound in
            try await BoundedRequestReader.readRequests(inbound, maximumBodySize: maximumBodySize) { head in
                let answer: JSONValue = [
                    "type": "invalid_request", "code": "payload_too_large",
                    "message": .string("the body is over \(maximumBodySize) bytes"),
                ]
                try await Self.write(413, answer, to: head, outbound: outbound, close: true)
            } handle: { head, body in
                let (status, answer) = await Self.answer(head, body: body, inbox: inbox, received: received)
                try await Self.write(status, answer, to: head, outbound: outbound, close: !head.isKeepAlive)
                return head.isKeepAlive
            }
        }
    }

    /// The answer to one whole request.
    static func answer(
        _ head: HTTPRequestHead,
        body: Data?,
        inbox: WebhookInbox,
        received: @Sendable () -> Void
    ) async -> (Int, JSONValue) {
        guard head.method == .POST else {
            return (405, ["type": "invalid_request", "code": "method_not_allowed", "message": "POST a webhook"])
        }
        let headers = AgentRetry.HTTPHeaders(head.headers.map { ($0.name, $0.value) })
        let receipt = await inbox.receive(
            headers: headers,
            body: body.map { [UInt8]($0) } ?? [],
            now: Date(),
            requestID: head.headers.first(name: "request-id")
        )
        if let event = receipt.event, receipt.error == nil {
            WebhookLog.write("received \(event.dedupKey)\(receipt.isNew ? "" : " again (duplicate)")")
            if receipt.isNew { received() }
        } else if let error = receipt.error {
            WebhookLog.write("answered \(receipt.status): \(error)")
        }
        return (receipt.status, receipt.body)
    }

    private static func write(
        _ status: Int,
        _ answer: JSONValue,
        to request: HTTPRequestHead,
        outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        close: Bool
    ) async throws {
        let body = answer.serialized()
        var headers = NIOHTTP1.HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(body.count))
        if close { headers.add(name: "connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: .init(statusCode: status), headers: headers)
        try await outbound.write(.head(head))
        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
        try await outbound.write(.end(nil))
    }
}
