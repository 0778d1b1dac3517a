import NIOCore
import NIOHTTP1

/// Answers one connection's requests the way each request's path asks for.
final class FaultyHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: FaultyHTTPServer
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var requestsOnConnection = 0

    init(server: FaultyHTTPServer) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body.clear()
        case .body(var chunk):
            self.body.writeBuffer(&chunk)
        case .end:
            guard let head = self.head else { return }
            self.requestsOnConnection += 1
            let (path, query) = Self.split(head.uri)
            self.server.recordRequest(path: path)
            self.respond(context: context, head: head, path: path, query: query)
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, path: String, query: [String: String]) {
        let count = Int(query["count"] ?? "") ?? 0
        switch path {
        case "/echo":
            var text = "\(head.method) \(head.uri)\n"
            for (name, value) in head.headers { text += "\(name): \(value)\n" }
            text += "\n" + String(buffer: self.body)
            self.send(context, status: .ok, body: text)
        case _ where path.hasPrefix("/status/"):
            let code = Int(path.dropFirst("/status/".count)) ?? 500
            self.send(context, status: HTTPResponseStatus(statusCode: code), body: "status \(code)")
        case "/bytes":
            self.send(context, status: .ok, body: String(repeating: "x", count: count))
        case "/chunked":
            self.sendChunked(context, count: count)
        case "/truncate":
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: "100")
            context.write(
                self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                promise: nil
            )
            context.write(
                self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: String(repeating: "y", count: 50))))),
                promise: nil
            )
            context.flush()
            context.close(promise: nil)
        case "/weird-version":
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: "2")
            let head = HTTPResponseHead(version: HTTPVersion(major: 1, minor: 7), status: .ok, headers: headers)
            context.write(self.wrapOutboundOut(.head(head)), promise: nil)
            context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
            context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
        case "/drop":
            context.close(promise: nil)
        case "/drop-on-reused":
            if self.requestsOnConnection > 1 {
                context.close(promise: nil)
            } else {
                self.send(context, status: .ok, body: "ok")
            }
        case "/stall":
            break
        case "/delay":
            let milliseconds = Int64(query["ms"] ?? "") ?? 0
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .milliseconds(milliseconds)) {
                let (handler, context) = loopBound.value
                handler.send(context, status: .ok, body: "delayed")
            }
        default:
            self.send(context, status: .ok, body: "ok")
        }
    }

    private func send(_ context: ChannelHandlerContext, status: HTTPResponseStatus, body: String) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
        headers.add(name: "Content-Type", value: "text/plain")
        context.write(
            self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
            promise: nil
        )
        context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
    }

    private func sendChunked(_ context: ChannelHandlerContext, count: Int) {
        var headers = HTTPHeaders()
        headers.add(name: "Transfer-Encoding", value: "chunked")
        context.write(
            self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
            promise: nil
        )
        var remaining = count
        while remaining > 0 {
            let size = min(remaining, 64 * 1024)
            context.write(
                self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(repeating: UInt8(ascii: "z"), count: size)))),
                promise: nil
            )
            remaining -= size
        }
        context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
    }

    private static func split(_ uri: String) -> (path: String, query: [String: String]) {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1)
                query[String(keyValue[0])] = keyValue.count == 2 ? String(keyValue[1]) : ""
            }
        }
        return (String(parts[0]), query)
    }
}
