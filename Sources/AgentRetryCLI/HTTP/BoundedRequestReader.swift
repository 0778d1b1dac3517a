import Foundation
import NIOCore
import NIOHTTP1

/// Collects one HTTP request at a time from a connection's parts (for `mcp --http` and `webhooks
/// listen`), keeping at most `maximumBodySize` bytes of its body. A larger body is read to its end
/// and dropped, so that the client, still sending, can read the 413 it gets; past `discardLimit`
/// the connection is given up.
struct BoundedRequestReader {
    /// What a request's parts came to.
    enum Outcome {
        /// A whole request, within the bound, and its body (`nil` when empty).
        case request(HTTPRequestHead, Data?)
        /// A request whose body was over the bound: answer 413 and close.
        case tooLarge(HTTPRequestHead)
        /// A body so far over the bound that reading on is pointless: close at once.
        case abandon
    }

    let maximumBodySize: Int
    /// How many bytes past the bound are read (and dropped) before giving up. Defaults to 16 MiB.
    var discardLimit = 16 << 20
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var discarded = 0
    private var tooLarge = false

    init(maximumBodySize: Int) {
        self.maximumBodySize = maximumBodySize
    }

    /// Takes one part; the outcome when the request is complete (or hopeless), else `nil`.
    mutating func read(_ part: HTTPServerRequestPart) -> Outcome? {
        switch part {
        case .head(let head):
            self.head = head
            self.body.clear()
            self.discarded = 0
            self.tooLarge = (Int(head.headers.first(name: "content-length") ?? "") ?? 0) > self.maximumBodySize
            return nil
        case .body(var chunk):
            if !self.tooLarge && self.body.readableBytes + chunk.readableBytes > self.maximumBodySize {
                self.tooLarge = true
                self.discarded = self.body.readableBytes
                self.body.clear()
            }
            guard self.tooLarge else {
                self.body.writeBuffer(&chunk)
                return nil
            }
            self.discarded += chunk.readableBytes
            return self.discarded > self.discardLimit ? .abandon : nil
        case .end:
            guard let head = self.head else { return nil }
            self.head = nil
            if self.tooLarge { return .tooLarge(head) }
            let body = self.body.readableBytes > 0 ? Data(self.body.readableBytesView) : nil
            self.body.clear()
            return .request(head, body)
        }
    }
}
