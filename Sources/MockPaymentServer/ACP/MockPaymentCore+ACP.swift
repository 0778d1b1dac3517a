import AgentRetry
import Foundation
import Synchronization

extension MockPaymentCore {
    /// A POST endpoint under `/checkout_sessions`.
    enum ACPWrite: Sendable {
        case create
        case update(String)
        case complete(String)
        case cancel(String)

        var kind: ACPRequestKind {
            switch self {
            case .create: .create
            case .update: .update
            case .complete: .complete
            case .cancel: .cancel
            }
        }
    }

    /// The ACP merchant endpoints, in every version spoken, with the idempotency rules of ACP §6
    /// as the merchant profile bends them.
    func prepareACP(_ request: MockRequest) -> PreparedResponse {
        let merchant = self.merchant.withLock { $0 }
        if request.path == "/.well-known/acp.json" {
            return .respond(self.discovery(request, merchant: merchant), replayed: false)
        }
        do throws(RejectedRequest) {
            let segments = try Self.checkoutSegments(request, merchant: merchant)
            let apiKey = try self.acpCaller(request, merchant: merchant)
            let headerVersion = try Self.headerVersion(request, merchant: merchant)
            let now = self.clock.now()
            if request.method == "GET" {
                return .respond(try self.readSession(request, segments, headerVersion, merchant, now), replayed: false)
            }
            guard request.method == "POST" else {
                throw Self.rejection(
                    merchant,
                    405,
                    "method_not_allowed",
                    "\(request.method) is not allowed on \(request.path)"
                )
            }
            // A tool call of the MCP binding may go without a key when the endpoint allows it.
            let keyless = request.idempotencyKeyOptional && request.header("idempotency-key") == nil
            let key = keyless ? nil : try Self.idempotencyKey(request, merchant: merchant)
            let body = try Self.jsonObject(request, merchant: merchant)
            let write = try Self.write(request, segments, merchant: merchant)
            let version = headerVersion ?? merchant.version(ofShape: body, kind: write.kind)
            let scope = key.map {
                IdempotencyRecords.Scope(family: "acp", caller: apiKey, endpoint: "POST \(request.path)", key: $0)
            }
            return self.idempotent(
                scope: scope,
                fingerprint: merchant.behaviour.comparesRawBytes ? .raw(request.body) : .json(body),
                family: .acp,
                answers: merchant.idempotencyAnswers,
                effect: self.effect(write, body, version: version, key: key, merchant: merchant, now: now)
            )
        } catch {
            return .respond(error.response, replayed: false)
        }
    }

    private static func rejection(
        _ merchant: MerchantSettings,
        _ status: Int,
        _ code: String,
        _ message: String,
        param: String? = nil,
        extra: [String: JSONValue] = [:]
    ) -> RejectedRequest {
        RejectedRequest(response: merchant.error(status, code: code, message: message, param: param, extra: extra))
    }

    /// The path's segments, when it names a checkout session route.
    private static func checkoutSegments(
        _ request: MockRequest,
        merchant: MerchantSettings
    ) throws(RejectedRequest) -> [String] {
        let segments = request.segments.map(String.init)
        guard segments.first == "checkout_sessions", segments.count <= 3 else {
            throw Self.rejection(merchant, 404, "not_found", "No route for \(request.method) \(request.path)")
        }
        return segments
    }

    private func acpCaller(_ request: MockRequest, merchant: MerchantSettings) throws(RejectedRequest) -> String {
        guard let apiKey = self.apiKey(of: request) else {
            throw Self.rejection(
                merchant,
                401,
                "unauthorized",
                "A Bearer token is required in the Authorization header"
            )
        }
        return apiKey
    }

    /// The version `API-Version` names, as the profile reads it; `nil` when the profile ignores it.
    private static func headerVersion(
        _ request: MockRequest,
        merchant: MerchantSettings
    ) throws(RejectedRequest) -> ACPVersion? {
        let header = request.header("api-version")
        let spoken = header.flatMap(ACPVersion.init(rawValue:)).flatMap { merchant.speaks($0) ? $0 : nil }
        switch merchant.behaviour.versionHeader {
        case .ignored:
            return nil
        case .lenient:
            guard header != nil else { return merchant.newest }
            guard let spoken else {
                throw RejectedRequest(
                    response: MockResponse(
                        status: 500,
                        headers: [("Content-Type", "text/plain; charset=utf-8")],
                        body: Array("Internal Server Error".utf8)
                    )
                )
            }
            return spoken
        case .required:
            let supported = ["supported_versions": merchant.supportedVersionsNewestFirst]
            guard let header else {
                throw Self.rejection(
                    merchant,
                    400,
                    "missing_api_version",
                    "The API-Version header is required",
                    extra: supported
                )
            }
            guard let spoken else {
                throw Self.rejection(
                    merchant,
                    400,
                    "unsupported_api_version",
                    "API-Version \(header) is not supported",
                    extra: supported
                )
            }
            return spoken
        }
    }

    private static func idempotencyKey(
        _ request: MockRequest,
        merchant: MerchantSettings
    ) throws(RejectedRequest) -> String {
        guard let key = request.header("idempotency-key"), !key.isEmpty else {
            throw Self.rejection(
                merchant,
                400,
                "idempotency_key_required",
                "Idempotency-Key header is required on all POST requests"
            )
        }
        guard key.utf8.count <= 255 else {
            throw Self.rejection(
                merchant,
                400,
                "invalid_idempotency_key",
                "Idempotency-Key must be at most 255 characters"
            )
        }
        return key
    }

    /// The body as a JSON object (an empty body is `{}`).
    private static func jsonObject(
        _ request: MockRequest,
        merchant: MerchantSettings
    ) throws(RejectedRequest) -> JSONValue {
        let body: JSONValue
        do {
            body = request.body.isEmpty ? .object([:]) : try JSONValue(parsing: request.body)
        } catch {
            throw Self.rejection(
                merchant,
                400,
                "invalid_json",
                "The request body is not valid JSON: \(error.message)",
                param: "$"
            )
        }
        guard case .object = body else {
            throw Self.rejection(merchant, 400, "invalid_request", "The request body must be a JSON object", param: "$")
        }
        return body
    }

    private static func write(
        _ request: MockRequest,
        _ segments: [String],
        merchant: MerchantSettings
    ) throws(RejectedRequest) -> ACPWrite {
        switch (segments.count, segments.last) {
        case (1, _): return .create
        case (2, _): return .update(segments[1])
        case (3, "complete"): return .complete(segments[1])
        case (3, "cancel"): return .cancel(segments[1])
        default: throw Self.rejection(merchant, 404, "not_found", "No route for \(request.method) \(request.path)")
        }
    }

    /// The change a POST makes, run under the state lock with its idempotency record.
    private func effect(
        _ write: ACPWrite,
        _ body: JSONValue,
        version: ACPVersion?,
        key: String?,
        merchant: MerchantSettings,
        now: Date
    ) -> @Sendable (inout MockState) -> MockResponse {
        let request = ACPWriteRequest(body: body, version: version, merchant: merchant, now: now)
        switch write {
        case .create: return { state in self.createSession(request, state: &state) }
        case .update(let id): return { state in self.updateSession(id, request, state: &state) }
        case .complete(let id): return { state in self.completeSession(id, request, key: key, state: &state) }
        case .cancel(let id): return { state in self.cancelSession(id, request, state: &state) }
        }
    }
}
