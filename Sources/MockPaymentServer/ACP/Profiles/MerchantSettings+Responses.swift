import AgentRetry

extension MerchantSettings {
    /// An error in this profile's envelope.
    func error(
        _ status: Int,
        code: String,
        message: String,
        param: String? = nil,
        extra: [String: JSONValue] = [:]
    ) -> MockResponse {
        self.behaviour.envelope.error(status, code: code, message: message, param: param, extra: extra)
    }

    /// How this profile answers a replay, a reused key and a key in flight.
    var idempotencyAnswers: IdempotencyAnswers {
        let behaviour = self.behaviour
        return IdempotencyAnswers(
            mismatch: self.error(
                behaviour.mismatch.status,
                code: behaviour.mismatch.code,
                message: "Idempotency-Key has already been used with a different request body"
            ),
            inFlight: self.error(
                409,
                code: "idempotency_in_flight",
                message: "A request with this Idempotency-Key is currently being processed"
            ).with(header: "Retry-After", "1"),
            replayHeader: behaviour.replayHeader
        )
    }

    /// The answer to a body that cannot be read.
    func rejection(_ problem: RequestProblem) -> MockResponse {
        switch (problem.kind, self.behaviour.unknownMembers) {
        case (.missing, .forbidden), (.extra, .forbidden):
            ErrorEnvelope.validation([problem])
        case (.unknownItem, _):
            self.error(400, code: self.behaviour.unknownItemCode, message: problem.message, param: problem.param)
        default:
            self.error(400, code: "invalid", message: problem.message, param: problem.param)
        }
    }

    /// Under a profile that forbids unknown members: the members `body` lacks or should not have
    /// for `kind` in `version`, as pydantic lists them (missing first, then extra).
    func memberProblems(_ body: JSONValue, kind: ACPRequestKind, version: ACPVersion) -> [RequestProblem] {
        guard self.behaviour.unknownMembers == .forbidden, let members = body.objectValue else { return [] }
        let allowed = kind.allowedMembers(in: version)
        let missing = kind.requiredMembers(in: version).filter { members[$0] == nil }.map {
            RequestProblem.missing([.string($0)], message: "\($0) is required", in: body)
        }
        let extra = members.keys.filter { !allowed.contains($0) }.sorted().map {
            RequestProblem(
                kind: .extra,
                location: [.string($0)],
                message: "\($0) is not permitted",
                input: members[$0] ?? .null
            )
        }
        return missing + extra
    }

    /// Under a profile that refuses them: the 409 for the first item out of stock.
    func outOfStockRefusal(_ items: [SessionChanges.ItemReference]?) -> MockResponse? {
        guard self.behaviour.outOfStock == .refused, let item = items?.first(where: { !$0.product.inStock }) else {
            return nil
        }
        let location = RequestProblem(kind: .invalid, location: item.location, message: "")
        return self.error(
            409,
            code: "out_of_stock",
            message: "\(item.product.name) is out of stock.",
            param: location.param
        )
    }
}
