import AgentRetry

/// A merchant's definitive refusal of one step, read by its code and envelope
/// (`ErrorResponseBody`): what `rejected` and refusal-caused `needs_input` outcomes carry.
public struct CheckoutRejection: Sendable, Hashable {
    /// The step refused: `create`, `update`, `complete` or `confirm`.
    public var step: String
    /// The HTTP status.
    public var status: Int
    /// The merchant's code (or type), such as `out_of_stock` or `invalid_request`.
    public var code: String?
    /// The merchant's message.
    public var message: String?
    /// The refused fields of a validation error, or the one `param` named.
    public var fields: [ErrorResponseBody.FieldError]
    /// The ACP version the refused request was sent in; `nil` over Stripe.
    public var apiVersion: ACPVersion?

    /// Creates a rejection.
    public init(
        step: String,
        status: Int,
        code: String? = nil,
        message: String? = nil,
        fields: [ErrorResponseBody.FieldError] = [],
        apiVersion: ACPVersion? = nil
    ) {
        self.step = step
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.apiVersion = apiVersion
    }

    /// The rejection a response's status and body tell.
    init(step: String, status: Int, body: ErrorResponseBody?, apiVersion: ACPVersion?) {
        var fields = body?.fields ?? []
        if fields.isEmpty, let param = body?.param { fields = [ErrorResponseBody.FieldError(path: param)] }
        self.init(
            step: step,
            status: status,
            code: body?.code ?? body?.type,
            message: body?.message,
            fields: fields,
            apiVersion: apiVersion
        )
    }

    /// The refusal in words: the status, the code, the message.
    var summary: String {
        var text = "\(self.status)"
        if let code { text += " \(code)" }
        if let message { text += ": \(message)" }
        return text
    }
}
