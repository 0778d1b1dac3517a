import MCP

/// The tools `agent-retry mcp` offers a model: their names, what the model is told of them, and
/// their input schemas. Every tool is keyed on its `task_id`, never on the tool-call id.
enum MCPToolCatalog {
    /// `checkout`: runs or resumes a task's anchored checkout.
    static let checkout = "checkout"
    /// `checkout_status`: what the store knows of a task, nothing sent.
    static let checkoutStatus = "checkout_status"
    /// `pay`: one Stripe-compatible PaymentIntent for an amount, created and confirmed.
    static let pay = "pay"
    /// `refund`: one Stripe-compatible refund of a PaymentIntent, for an amount.
    static let refund = "refund"
    /// Every tool, in the order `tools/list` gives them.
    static let names = [checkout, checkoutStatus, pay, refund]

    /// What every paying tool tells the model about retrying.
    static let retryRule =
        "Safe to retry: calling it again with the SAME task_id (after a timeout, an error, a crash of this "
        + "server or a re-planned turn) resumes the same purchase and never opens a second session or pays "
        + "twice. To retry, ALWAYS reuse the task_id of the first call; NEVER invent a new task_id to retry. "
        + "A new task_id is a new, separate purchase. A status of pending or in_progress_elsewhere means: call "
        + "again later with the same task_id and the same arguments."

    /// What the refund tool tells the model about retrying.
    static let refundRetryRule =
        "Safe to retry: calling it again with the SAME task_id and the same arguments (after a timeout, an "
        + "error, a crash of this server or a re-planned turn) resumes the same refund and never refunds twice. "
        + "To retry, ALWAYS reuse the task_id of the first call; NEVER invent a new task_id to retry. A new "
        + "task_id is a new, separate refund. A status of pending or in_progress_elsewhere means: call again "
        + "later with the same task_id and the same arguments."

    /// The tools named in `names`, in catalog order.
    static func tools(_ names: [String]) -> [Tool] {
        Self.names.filter(names.contains).compactMap(Self.tool(named:))
    }

    static func tool(named name: String) -> Tool? {
        switch name {
        case Self.checkout:
            Tool(
                name: Self.checkout,
                title: "Check a cart out, exactly once",
                description: "Buys the cart for the task task_id at the configured merchant and pays with "
                    + "payment_token. Returns status (completed, declined, needs_input, rejected, pending, "
                    + "conflict, ...), order_id or payment_intent_id, checkout_session_id, reason and messages. "
                    + Self.retryRule + " The same task_id with another cart is a conflict, not a second purchase.",
                inputSchema: Self.object(
                    ["task_id": Self.taskID, "cart": Self.cart, "payment_token": Self.paymentToken],
                    required: ["task_id", "cart"]
                ),
                annotations: .init(destructiveHint: true, idempotentHint: true, openWorldHint: true)
            )
        case Self.checkoutStatus:
            Tool(
                name: Self.checkoutStatus,
                title: "What is known of a checkout task",
                description: "Reads what the local store knows of task task_id (not_started, creating, "
                    + "create_refused, anchored, completed, declined) and the last outcome this server "
                    + "returned for it. Sends nothing to the merchant. Give the task's payment_token (and, "
                    + "for ACP, its cart) to look up its completion too.",
                inputSchema: Self.object(
                    ["task_id": Self.taskID, "cart": Self.cart, "payment_token": Self.paymentToken],
                    required: ["task_id"]
                ),
                annotations: .init(readOnlyHint: true, idempotentHint: true, openWorldHint: false)
            )
        case Self.pay:
            Tool(
                name: Self.pay,
                title: "Pay an amount, exactly once",
                description: "Creates and confirms one Stripe-compatible PaymentIntent of amount (integer minor "
                    + "units, e.g. cents) in currency with payment_method, for the task task_id. Returns "
                    + "status and payment_intent_id. " + Self.retryRule,
                inputSchema: Self.object(
                    [
                        "task_id": Self.taskID,
                        "amount": ["type": "integer", "minimum": 1, "description": "Minor units (cents)."],
                        "currency": ["type": "string", "pattern": "^[A-Za-z]{3}$", "description": "ISO 4217."],
                        "payment_method": ["type": "string", "minLength": 1, "description": "A PaymentMethod id."],
                    ],
                    required: ["task_id", "amount", "currency", "payment_method"]
                ),
                annotations: .init(destructiveHint: true, idempotentHint: true, openWorldHint: true)
            )
        case Self.refund:
            Self.refundTool
        default: nil
        }
    }

    static let refundTool = Tool(
        name: Self.refund,
        title: "Refund a payment, exactly once",
        description: "Refunds amount (integer minor units, e.g. cents) of the Stripe-compatible PaymentIntent "
            + "payment_intent (such as the payment_intent_id pay returned), once, for the refund task task_id. "
            + "Returns status: succeeded; processing (created, settling at the PSP); failed (created, then failed "
            + "at the PSP); rejected (refused, nothing refunded: rejection.code says why, such as amount_too_large "
            + "or charge_not_refundable); pending; conflict; ... with refund_id, refund_status, amount and reason. "
            + Self.refundRetryRule + " One task_id is one refund: the same task_id with another payment_intent or "
            + "amount is a conflict, not a second refund; a second partial refund needs its own task_id. The "
            + "task_id may be the one of the pay call being refunded. Refunds do not count against the spending "
            + "limits.",
        inputSchema: Self.object(
            [
                "task_id": [
                    "type": "string", "minLength": 1, "maxLength": 200,
                    "description": "The id of this refund, chosen once. Reuse it on every retry of this refund.",
                ],
                "payment_intent": [
                    "type": "string", "minLength": 1, "maxLength": 255,
                    "description": "The PaymentIntent to refund (pi_...).",
                ],
                "amount": ["type": "integer", "minimum": 1, "description": "Minor units (cents) to refund."],
            ],
            required: ["task_id", "payment_intent", "amount"]
        ),
        annotations: .init(destructiveHint: true, idempotentHint: true, openWorldHint: true)
    )

    static func object(_ properties: [String: Value], required: [String]) -> Value {
        [
            "type": "object", "properties": .object(properties), "required": .array(required.map(Value.string)),
            "additionalProperties": false,
        ]
    }

    static let taskID: Value = [
        "type": "string", "minLength": 1, "maxLength": 200,
        "description": "The id of the purchase, chosen once per task. Reuse it on every retry of this purchase.",
    ]

    static let paymentToken: Value = [
        "type": "string", "minLength": 1,
        "description": "The payment credential (an ACP token, a Stripe PaymentMethod); else the cart's payment_token.",
    ]

    static let cart: Value = [
        "type": "object",
        "description": "What is bought, in the agent-retry cart format (Documentation/CLI.md).",
        "required": ["currency", "line_items"],
        "properties": [
            "currency": ["type": "string", "description": "ISO 4217, e.g. usd."],
            "line_items": [
                "type": "array", "minItems": 1,
                "items": [
                    "type": "object", "required": ["id"],
                    "properties": [
                        "id": ["type": "string", "minLength": 1],
                        "quantity": ["type": "integer", "minimum": 1, "maximum": 1000],
                        "unit_amount": ["type": "integer", "minimum": 0, "description": "Minor units."],
                        "name": ["type": "string"],
                    ],
                ],
            ],
            "buyer": ["type": "object"],
            "fulfillment_details": ["type": "object"],
            "fulfillment_option_id": ["type": "string"],
            "payment_token": ["type": "string"],
        ],
    ]
}
