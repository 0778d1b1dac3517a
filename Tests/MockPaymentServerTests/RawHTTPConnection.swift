import AgentRetry
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// A plain TCP connection to a server on 127.0.0.1: requests written as bytes (any `Host`, any
/// `Origin`, any version, or none at all), answers parsed as they arrive, and the server's close
/// observed. What a browser, a rebinding page or a client that holds its connection open sends.
struct RawHTTPConnection: Sendable {
    /// An answer read off the connection.
    struct Response: Sendable {
        let status: Int
        let headers: [(name: String, value: String)]
        let body: [UInt8]

        /// The first value of a header, compared case-insensitively.
        func header(_ name: String) -> String? {
            self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The body as JSON (`null` when it is not).
        var json: JSONValue { (try? JSONValue(parsing: self.body)) ?? .null }

        var text: String { String(decoding: self.body, as: UTF8.self) }
    }

    /// The bytes received and not yet read as a response.
    final class Inbox: Sendable {
        let bytes = Mutex<[UInt8]>([])
    }

    /// Appends what arrives to the inbox.
    final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let inbox: Inbox

        init(_ inbox: Inbox) { self.inbox = inbox }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = self.unwrapInboundIn(data)
            self.inbox.bytes.withLock { $0.append(contentsOf: buffer.readableBytesView) }
        }
    }

    let channel: any Channel
    let port: Int
    private let inbox: Inbox

    /// Connects to 127.0.0.1:`port`, and writes `first` (if any) as soon as it is connected, on the
    /// event loop: so that a short idle timeout cannot close the connection before it is sent,
    /// however late this test's task next runs.
    static func open(port: Int, sending first: String? = nil) async throws -> RawHTTPConnection {
        let inbox = Inbox()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(inbox))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .flatMap { channel in
                guard let first else { return channel.eventLoop.makeSucceededFuture(channel) }
                return channel.writeAndFlush(ByteBuffer(string: first)).map { channel }
            }
            .get()
        return RawHTTPConnection(channel: channel, port: port, inbox: inbox)
    }

    /// The bytes of a request (see ``request(_:_:host:headers:body:version:)``), to `port`.
    static func requestText(
        _ method: String,
        _ path: String,
        port: Int,
        host: String? = "",
        headers: [(String, String)] = [],
        body: String = "",
        version: String = "HTTP/1.1"
    ) -> String {
        var text = "\(method) \(path) \(version)\r\n"
        if let host { text += "Host: \(host.isEmpty ? "127.0.0.1:\(port)" : host)\r\n" }
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { text += "Content-Length: \(body.utf8.count)\r\n" }
        return text + "\r\n" + body
    }

    /// Writes `text` as it is.
    func send(_ text: String) async throws {
        try await self.channel.writeAndFlush(ByteBuffer(string: text))
    }

    /// Sends a request and reads its answer. `host` defaults to this connection's
    /// `127.0.0.1:PORT`; `nil` sends none. A body gets its `Content-Length`.
    func request(
        _ method: String,
        _ path: String,
        host: String? = "",
        headers: [(String, String)] = [],
        body: String = "",
        version: String = "HTTP/1.1"
    ) async throws -> Response {
        let text = Self.requestText(
            method,
            path,
            port: self.port,
            host: host,
            headers: headers,
            body: body,
            version: version
        )
        try await self.send(text)
        return try await self.response()
    }

    /// The next whole response on the connection; throws when none has come within `limit` (a
    /// liveness bound, not a speed test) or the connection closed first.
    func response(within limit: Duration = .seconds(20)) async throws -> Response {
        let deadline = ContinuousClock.now + limit
        while true {
            if let response = self.inbox.bytes.withLock({ Self.take(from: &$0) }) { return response }
            guard ContinuousClock.now < deadline, self.channel.isActive else {
                if let response = self.inbox.bytes.withLock({ Self.take(from: &$0) }) { return response }
                throw RawHTTPError(message: "no whole response (closed: \(!self.channel.isActive))")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Whether the server closes the connection within `limit`.
    func closedByServer(within limit: Duration = .seconds(20)) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while self.channel.isActive {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Closes the connection from this side.
    func close() async {
        try? await self.channel.close()
    }

    /// Takes one whole response (head and `Content-Length` body) off the front of `bytes`.
    private static func take(from bytes: inout [UInt8]) -> Response? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else { return nil }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines[0].split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        let start = end + separator.count
        guard bytes.count >= start + length else { return nil }
        let body = Array(bytes[start..<(start + length)])
        bytes.removeFirst(start + length)
        return Response(status: status, headers: headers, body: body)
    }
}

/// A raw connection that did not get what it waited for.
struct RawHTTPError: Error, CustomStringConvertible {
    let message: String
    var description: String { self.message }
}
