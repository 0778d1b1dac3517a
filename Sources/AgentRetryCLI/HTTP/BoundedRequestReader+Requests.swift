import Foundation
import NIOCore
import NIOHTTP1

extension BoundedRequestReader {
    /// Reads a connection's requests one at a time, each body at most `maximumBodySize` bytes: a
    /// whole request goes to `handle`, which answers it and says whether the connection stays open;
    /// one over the bound goes to `tooLarge`, which answers it before the connection closes; a body
    /// hopelessly over it closes the connection unanswered.
    static func readRequests(
        _ inbound: NIOAsyncChannelInboundStream<HTTPServerRequestPart>,
        maximumBodySize: Int,
        tooLarge: (HTTPRequestHead) async throws -> Void,
        handle: (HTTPRequestHead, Data?) async throws -> Bool
    ) async throws {
        var reader = BoundedRequestReader(maximumBodySize: maximumBodySize)
        for try await part in inbound {
            switch reader.read(part) {
            case nil:
                continue
            case .abandon?:
                return
            case .tooLarge(let head)?:
                try await tooLarge(head)
                return
            case .request(let head, let body)?:
                guard try await handle(head, body) else { return }
            }
        }
    }
}
