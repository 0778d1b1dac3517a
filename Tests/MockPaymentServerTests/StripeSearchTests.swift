import AgentRetry
import Foundation
import MockPaymentServer
import Testing

@Suite("Stripe's Search API for PaymentIntents: query subset, newest first, page tokens")
struct StripeSearchTests {
    /// Creates a PaymentIntent for `task`, confirmed with a visa card when `confirm`; returns its id.
    private static func create(
        _ server: MockPaymentServer,
        _ transport: HTTPTransport,
        task: String,
        confirm: Bool
    ) async throws -> String {
        let form =
            "amount=700&currency=usd&payment_method=pm_card_visa&confirm=\(confirm)"
            + "&metadata%5Btask_id%5D=\(task)"
        let response = try await transport.execute(stripePost(server, "/v1/payment_intents", form))
        #expect(response.status == 200)
        return try #require(response.json["id"]?.stringValue)
    }

    private static func search(
        _ server: MockPaymentServer,
        _ transport: HTTPTransport,
        _ query: String,
        extra: String = ""
    ) async throws -> HTTPResponse {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return try await transport.execute(stripeGet(server, "/v1/payment_intents/search?query=\(encoded)\(extra)"))
    }

    private static func ids(_ response: HTTPResponse) -> [String] {
        response.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    @Test("metadata['task_id'] finds a task's intents newest first, across pages of `limit`, to the end")
    func paginates() async throws {
        try await withMockServer { server, transport in
            var mine: [String] = []
            for index in 0..<5 {
                mine.append(try await Self.create(server, transport, task: "t-search", confirm: index % 2 == 0))
                _ = try await Self.create(server, transport, task: "t-other", confirm: true)
            }
            var seen: [String] = []
            var page = ""
            for expected in [(2, true), (2, true), (1, false)] {
                let response = try await Self.search(
                    server,
                    transport,
                    "metadata['task_id']:'t-search'",
                    extra: "&limit=2" + page
                )
                #expect(response.status == 200, "\(response.json)")
                #expect(response.json["object"] == "search_result")
                #expect(response.json["url"] == "/v1/payment_intents/search")
                #expect(response.json["has_more"] == .bool(expected.1))
                #expect(Self.ids(response).count == expected.0)
                seen += Self.ids(response)
                if expected.1 {
                    let token = try #require(response.json["next_page"]?.stringValue)
                    page = "&page=" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
                } else {
                    #expect(response.json["next_page"] == .null)
                }
            }
            #expect(seen == mine.reversed())
            let all = try await Self.search(server, transport, "metadata['task_id']:'t-search'")
            #expect(Self.ids(all) == mine.reversed())
            #expect(all.json["has_more"] == false)
        }
    }

    @Test("status:'succeeded' AND metadata narrows; double quotes work; nothing matching is an empty page")
    func filters() async throws {
        try await withMockServer { server, transport in
            let confirmed = try await Self.create(server, transport, task: "t-f", confirm: true)
            _ = try await Self.create(server, transport, task: "t-f", confirm: false)
            let both = try await Self.search(server, transport, "status:'succeeded' AND metadata['task_id']:'t-f'")
            #expect(Self.ids(both) == [confirmed])
            let double = try await Self.search(server, transport, #"metadata["task_id"]:"t-f" AND status:"succeeded""#)
            #expect(Self.ids(double) == [confirmed])
            let pending = try await Self.search(server, transport, "status:'requires_confirmation'")
            #expect(Self.ids(pending).count == 1)
            let none = try await Self.search(server, transport, "metadata['task_id']:'t-none'")
            #expect(none.status == 200)
            #expect(Self.ids(none).isEmpty)
            #expect(none.json["has_more"] == false)
            #expect(none.json["next_page"] == .null)
            // The retrieval route still works beside it.
            let one = try await transport.execute(stripeGet(server, "/v1/payment_intents/\(confirmed)"))
            #expect(one.json["id"] == .string(confirmed))
        }
    }

    @Test(
        "A query outside the subset is a 400 parameter_invalid on query, in Stripe's error shape",
        arguments: [
            "task_id:'x'", "metadata['task_id']:x", "metadata['task_id']:'x' OR status:'succeeded'",
            "metadata['task_id']~'x'", "status:'succeeded' and metadata['a']:'b'", "amount>100", "metadata[]:'x'",
            "metadata['']:'x'", "status:'a'b'", "status:'succeeded'AND status:'x'", "-status:'succeeded'",
            "status:'succeeded' AND ", " status:'succeeded'", String(repeating: "a", count: 1001),
        ]
    )
    func badQuery(_ query: String) async throws {
        try await withMockServer { server, transport in
            let response = try await Self.search(server, transport, query)
            #expect(response.status == 400)
            #expect(response.json["error"]?["type"] == "invalid_request_error")
            #expect(response.json["error"]?["code"] == "parameter_invalid")
            #expect(response.json["error"]?["param"] == "query")
            #expect(response.json["error"]?["message"]?.stringValue?.isEmpty == false)
        }
    }

    @Test("No query is parameter_missing (search is not an intent id); bad limits and page tokens are refused")
    func badParameters() async throws {
        try await withMockServer { server, transport in
            let missing = try await transport.execute(stripeGet(server, "/v1/payment_intents/search"))
            #expect(missing.status == 400)
            #expect(missing.json["error"]?["code"] == "parameter_missing")
            #expect(missing.json["error"]?["param"] == "query")
            for limit in ["0", "101", "x"] {
                let response = try await Self.search(server, transport, "status:'succeeded'", extra: "&limit=\(limit)")
                #expect(response.status == 400)
                #expect(response.json["error"]?["param"] == "limit")
            }
            for _ in 0..<2 { _ = try await Self.create(server, transport, task: "t-p", confirm: true) }
            let first = try await Self.search(server, transport, "status:'succeeded'", extra: "&limit=1")
            let token = try #require(first.json["next_page"]?.stringValue)
            let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let other = try await Self.search(server, transport, "metadata['task_id']:'t-p'", extra: "&page=\(encoded)")
            #expect(other.status == 400)
            #expect(other.json["error"]?["param"] == "page")
            for bad in ["garbage", "page_!!", "page_"] {
                let response = try await Self.search(server, transport, "status:'succeeded'", extra: "&page=\(bad)")
                #expect(response.status == 400)
                #expect(response.json["error"]?["code"] == "parameter_invalid")
                #expect(response.json["error"]?["param"] == "page")
            }
            let second = try await Self.search(
                server,
                transport,
                "status:'succeeded'",
                extra: "&limit=1&page=\(encoded)"
            )
            #expect(second.status == 200)
            #expect(Self.ids(second).count == 1)
            #expect(Self.ids(second) != Self.ids(first))
        }
    }
}
