import AgentRetry
import Foundation

/// The Stripe PaymentIntent calls of a checkout task: create (anchored on the PaymentIntent id),
/// confirm, retrieve; form-encoded, with Stripe's `Idempotency-Key`.
struct StripeCheckout: Sendable, CustomReflectable {
    let client: IdempotentClient
    let baseURL: String
    let apiKey: String

    var customMirror: Mirror { Mirror(self, children: ["baseURL": self.baseURL, "apiKey": "redacted"]) }

    func headers() -> HTTPHeaders {
        [
            "Authorization": "Bearer \(self.apiKey)", "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        ]
    }

    /// The form body of `fields`, in their order, percent-encoded.
    static func formBody(_ fields: [(String, String)]) -> String {
        fields.map { Self.encode($0.0) + "=" + Self.encode($0.1) }.joined(separator: "&")
    }

    /// POSTs `fields` for `intent`.
    func post(
        _ path: String,
        fields: [(String, String)],
        intent: IdempotencyIntent,
        anchored: Bool = false,
        reconcile: (@Sendable (IdempotencyRecord) async throws -> HTTPResponse?)? = nil
    ) async throws(StripeCheckoutError) -> (IdempotentResult, HTTPResponse) {
        let request = HTTPRequest(
            method: .post,
            url: self.baseURL + path,
            headers: self.headers(),
            body: Array(Self.formBody(fields).utf8)
        )
        var anchor: (@Sendable (HTTPResponse) -> String?)?
        if anchored { anchor = { (response: HTTPResponse) -> String? in StripePaymentIntent(response.body)?.id } }
        let result: IdempotentResult
        do {
            result = try await self.client.send(
                request,
                intent: intent,
                profile: .stripe,
                reconcile: reconcile,
                anchor: anchor
            )
        } catch {
            throw StripeCheckoutError(idempotentCall: error)
        }
        guard let response = result.response, result.status != .pending else {
            throw StripeCheckoutError(
                code: .pending,
                message: "the outcome of \(intent.operation) is unknown after the retries",
                call: result
            )
        }
        return (result, response)
    }

    /// `GET /v1/payment_intents/{id}`; `nil` on 404.
    func retrieve(_ id: String) async throws(StripeCheckoutError) -> StripePaymentIntent? {
        let response: HTTPResponse
        do {
            response = try await SafeRead(client: self.client).get(
                "\(self.baseURL)/v1/payment_intents/\(try ACPClient.pathSegment(id))",
                headers: ["Authorization": "Bearer \(self.apiKey)", "Accept": "application/json"]
            )
        } catch {
            let code: StripeCheckoutError.Code = error.code == .invalidArgument ? .invalidArgument : .unreachable
            throw StripeCheckoutError(code: code, message: error.message, underlying: error)
        }
        if response.status == 404 { return nil }
        guard (200..<300).contains(response.status), let intent = StripePaymentIntent(response.body) else {
            throw StripeCheckoutError(
                code: response.status < 300 ? .malformedResponse : .refused,
                message: "retrieving PaymentIntent \(id) answered \(response.status)",
                status: response.status
            )
        }
        return intent
    }

    /// The PaymentIntent a task created, found by listing (newest first, up to 1,000) and matching
    /// `metadata[task_id]` and `metadata[generation]`: how a create whose key replays a saved 5xx
    /// is settled without sending it again. Real Stripe accounts would use the Search API.
    func findCreated(taskID: String, generation: Int) async throws -> HTTPResponse? {
        var after: String?
        for _ in 0..<10 {
            let query = "limit=100" + (after.map { "&starting_after=\($0)" } ?? "")
            let response = try await SafeRead(client: self.client).get(
                "\(self.baseURL)/v1/payment_intents?\(query)",
                headers: ["Authorization": "Bearer \(self.apiKey)", "Accept": "application/json"]
            )
            guard response.status == 200, let page = try? JSONValue(parsing: response.body),
                let data = page["data"]?.arrayValue
            else { return nil }
            if let found = data.first(where: {
                $0["metadata"]?["task_id"]?.stringValue == taskID
                    && $0["metadata"]?["generation"]?.stringValue == String(generation)
            }) {
                return HTTPResponse(
                    status: 200,
                    headers: ["Content-Type": "application/json"],
                    body: found.serialized(),
                    wireSends: 0
                )
            }
            guard page["has_more"] == true, let last = data.last?["id"]?.stringValue else { return nil }
            after = last
        }
        return nil
    }

    /// What a confirm with `token` did, read off the PaymentIntent: how a confirm whose key replays
    /// a saved 5xx is settled. Paid: a 200 with the PaymentIntent. Declined with this card: the
    /// 402 Stripe would have sent. Canceled: a 400. Anything else: `nil` (still unknown).
    func findConfirmed(_ id: String, token: String) async throws -> HTTPResponse? {
        guard let intent = try await self.retrieve(id) else { return nil }
        return Self.confirmAnswer(intent) { $0 == token }
    }

    /// The answer a confirm with a credential `isToken` recognises would have had, read off
    /// `intent`; `nil` while it cannot be told (see ``findConfirmed(_:token:)``).
    static func confirmAnswer(_ intent: StripePaymentIntent, paidWith isToken: (String) -> Bool) -> HTTPResponse? {
        let headers: HTTPHeaders = ["Content-Type": "application/json"]
        if intent.isPaid {
            return HTTPResponse(status: 200, headers: headers, body: intent.json.serialized(), wireSends: 0)
        }
        if let error = intent.lastPaymentError(where: isToken) {
            var body = error.objectValue ?? [:]
            body["payment_intent"] = intent.json
            return HTTPResponse(
                status: 402,
                headers: headers,
                body: JSONValue.object(["error": .object(body)]).serialized(),
                wireSends: 0
            )
        }
        if intent.status == .canceled {
            let error: JSONValue = [
                "error": [
                    "type": "invalid_request_error", "code": "payment_intent_unexpected_state",
                    "message": "This PaymentIntent is canceled.", "payment_intent": intent.json,
                ]
            ]
            return HTTPResponse(status: 400, headers: headers, body: error.serialized(), wireSends: 0)
        }
        return nil
    }

    /// The error message of a Stripe error body (`{"error": {"message": ...}}`).
    static func errorMessage(_ body: [UInt8]) -> String? {
        (try? JSONValue(parsing: body))?["error"]?["message"]?.stringValue
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~[]")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
