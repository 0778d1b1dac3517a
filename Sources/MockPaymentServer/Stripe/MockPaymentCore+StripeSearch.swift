import AgentRetry
import Foundation
import Synchronization

extension MockPaymentCore {
    /// `GET /v1/payment_intents/search`: the PaymentIntents that match `query`, newest first, in
    /// Stripe's search pages (`limit` 1 to 100, default 10; `page` the previous page's `next_page`).
    func searchPaymentIntents(_ request: MockRequest) -> MockResponse {
        let family = RouteFamily.stripe
        guard let text = request.query["query"] else {
            return family.error(
                400,
                code: "parameter_missing",
                message: "Missing required param: query.",
                param: "query"
            )
        }
        let query: StripeSearchQuery
        do {
            query = try StripeSearchQuery(text)
        } catch {
            return family.error(400, code: "parameter_invalid", message: error.message, param: "query")
        }
        return self.state.withLock { state in
            let ids = state.paymentIntentOrder.reversed().filter { id in
                state.paymentIntents[id].map(query.matches) ?? false
            }
            return Self.searchPage(request, query: text, ids: ids) { state.paymentIntents[$0]?.json }
        }
    }

    /// One page of a Stripe search: `ids` newest first. A `page` token names the last id of the page
    /// before and the query it was made for; one made for another query, or unknown, is refused.
    static func searchPage(
        _ request: MockRequest,
        query: String,
        ids: [String],
        render: (String) -> JSONValue?
    ) -> MockResponse {
        let family = RouteFamily.stripe
        let limitText = request.query["limit"] ?? "10"
        guard let limit = Int(limitText), (1...100).contains(limit) else {
            return family.error(
                400,
                code: "parameter_invalid_integer",
                message: "Invalid integer: limit must be between 1 and 100.",
                param: "limit"
            )
        }
        var remaining = ids[...]
        if let token = request.query["page"] {
            guard let after = Self.pageAfter(token, query: query), let index = ids.firstIndex(of: after) else {
                return family.error(
                    400,
                    code: "parameter_invalid",
                    message: "Invalid page: not a next_page of this query.",
                    param: "page"
                )
            }
            remaining = ids[(index + 1)...]
        }
        let page = Array(remaining.prefix(limit))
        let hasMore = remaining.count > limit
        let next: JSONValue = hasMore ? .string(Self.pageToken(after: page[page.count - 1], query: query)) : .null
        return .json(
            200,
            [
                "object": "search_result", "url": "/v1/payment_intents/search", "has_more": .bool(hasMore),
                "next_page": next, "data": .array(page.compactMap(render)),
            ]
        )
    }

    /// The `next_page` token after `id`: `page_` and the base64url of the query and the id.
    private static func pageToken(after id: String, query: String) -> String {
        let encoded = Data((query + "\n" + id).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "page_" + encoded
    }

    /// The id a page token continues after, if it is one of ours for `query`.
    private static func pageAfter(_ token: String, query: String) -> String? {
        guard token.hasPrefix("page_"), token.count <= 4096 else { return nil }
        var base64 = String(token.dropFirst(5)).replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
            return nil
        }
        let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == query else { return nil }
        return String(parts[1])
    }
}
