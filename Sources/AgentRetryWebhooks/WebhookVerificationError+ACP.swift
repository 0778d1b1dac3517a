import AgentRetry

extension WebhookVerificationError {
    /// The body an ACP webhook receiver answers a refusal with, with status 401: `type`
    /// `invalid_request`, `code` `invalid_signature` and this error's message (which holds no secret
    /// and no signature), as the ACP webhook specification's examples show.
    public var acpErrorBody: JSONValue {
        .object([
            "type": .string("invalid_request"),
            "code": .string("invalid_signature"),
            "message": .string(self.message),
        ])
    }
}
