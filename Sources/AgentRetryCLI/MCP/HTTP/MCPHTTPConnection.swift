import Foundation
import MCP
import NIOCore
import NIOHTTP1

/// One HTTP/1.1 connection of `agent-retry mcp --http`: reads its requests one at a time (the
/// pipelining handler before it keeps them in order), has ``MCPHTTPSessions`` answer each, and
/// writes the answer, an SSE stream chunk by chunk as the SDK yields it.
enum MCPHTTPConnection {
    typealias Channel = LoopbackHTTPServer.Connection

    /// Serves `connection` until the client closes it, a request asks to close, or the server does.
    static func serve(_ connection: Channel, sessions: MCPHTTPSessions) async {
        let limit = sessions.configuration.maximumBodySize
        try? await connection.executeThenClose { inbound, outbound in
            try await BoundedRequestReader.readRequests(inbound, maximumBodySize: limit) { head in
                let refused = HTTPResponse.error(
                    statusCode: 413,
                    .invalidRequest("Payload Too Large: the body is over \(limit) bytes")
                )
                try await Self.write(refused, to: head, outbound: outbound, channel: connection.channel, close: true)
            } handle: { head, body in
                let request = BoundedRequestReader.request(head, body: body)
                let response = await sessions.handle(request)
                let id = response.headers[HTTPHeaderName.sessionID]
                let written: Void? = try? await Self.write(
                    response,
                    to: head,
                    outbound: outbound,
                    channel: connection.channel,
                    close: !head.isKeepAlive
                )
                await sessions.finish(request, sessionID: id)
                return written != nil && head.isKeepAlive
            }
        }
    }

    /// Writes `response` to the request `request`; `close` says `Connection: close`.
    private static func write(
        _ response: HTTPResponse,
        to request: HTTPRequestHead,
        outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        channel: any NIOCore.Channel,
        close: Bool
    ) async throws {
        var headers = HTTPHeaders(response.headers.map { ($0.key, $0.value) })
        if close { headers.replaceOrAdd(name: "connection", value: "close") }
        guard case .stream(let stream, _) = response else {
            let body = response.bodyData ?? Data()
            headers.replaceOrAdd(name: "content-length", value: String(body.count))
            try await outbound.write(.head(Self.head(response, request, headers)))
            if !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            try await outbound.write(.end(nil))
            return
        }
        try await outbound.write(.head(Self.head(response, request, headers)))
        // An SSE stream ends when its response is routed or its session closes, not when the client
        // goes away: the connection's closing stops the copy.
        let copy = Task {
            for try await chunk in stream { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: chunk)))) }
        }
        channel.closeFuture.whenComplete { _ in copy.cancel() }
        try await copy.value
        try await outbound.write(.end(nil))
    }

    private static func head(
        _ response: HTTPResponse,
        _ request: HTTPRequestHead,
        _ headers: HTTPHeaders
    )
        -> HTTPResponseHead
    {
        HTTPResponseHead(version: request.version, status: .init(statusCode: response.statusCode), headers: headers)
    }
}
