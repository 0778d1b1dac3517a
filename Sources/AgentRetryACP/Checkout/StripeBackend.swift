import AgentRetry

/// Stripe PaymentIntents: create with `metadata[task_id]` (anchored on the PaymentIntent id), then
/// confirm with the credential; every read a safe GET of the PaymentIntent.
struct StripeBackend: CheckoutBackend {
    static let createOperation = "stripe.payment_intent.create"

    let task: CheckoutTask
    let stripe: StripeCheckout

    static func place(_ anchor: String?, in outcome: inout CheckoutOutcome) { outcome.paymentIntentID = anchor }

    func session(of resource: StripePaymentIntent) -> CheckoutSession? { nil }

    /// The create form of a generation.
    func createFields(_ run: CheckoutRun, generation: Int) -> [(String, String)] {
        [
            ("amount", String(run.cart.amount ?? 0)), ("currency", run.cart.currency),
            ("metadata[cart_digest]", run.cart.digest),
            ("metadata[generation]", String(generation)), ("metadata[task_id]", run.taskID),
        ]
    }

    func createIntent(_ run: CheckoutRun, generation: Int) -> IdempotencyIntent {
        Self.createIntent(
            namespace: self.task.configuration.namespace,
            taskID: run.taskID,
            merchant: self.stripe.baseURL,
            generation: generation
        )
    }

    /// The create intent of task `taskID`'s generation at the PSP `merchant`.
    static func createIntent(namespace: String, taskID: String, merchant: String, generation: Int) -> IdempotencyIntent
    {
        IdempotencyIntent(
            namespace: namespace,
            operation: Self.createOperation,
            inputs: ["task_id": .string(taskID), "merchant": .string(merchant)],
            generation: generation
        )
    }

    /// The operation of the confirm step's intent.
    static let confirmOperation = "stripe.payment_intent.confirm"

    /// The confirm step's intent: the anchor, the step and the body by its fingerprint (never the
    /// token itself).
    func confirmIntent(_ anchor: String, run: CheckoutRun) -> IdempotencyIntent {
        Self.confirmIntent(
            namespace: self.task.configuration.namespace,
            taskID: run.taskID,
            merchant: self.stripe.baseURL,
            paymentIntent: anchor,
            body: RequestFingerprint.form(StripeCheckout.formBody([("payment_method", run.token)]))
        )
    }

    /// The confirm intent of task `taskID` for `paymentIntent`, whose body has the fingerprint `body`.
    static func confirmIntent(
        namespace: String,
        taskID: String,
        merchant: String,
        paymentIntent: String,
        body: RequestFingerprint
    ) -> IdempotencyIntent {
        IdempotencyIntent(
            namespace: namespace,
            operation: Self.confirmOperation,
            inputs: [
                "merchant": .string(merchant), "task_id": .string(taskID),
                "payment_intent": .string(paymentIntent), "body_sha256": .string(body.rawValue),
            ]
        )
    }

    func keptCreate(
        _ run: CheckoutRun,
        generation: Int,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutKeptCreate<StripePaymentIntent>? {
        let intent = self.createIntent(run, generation: generation)
        guard let record = try await self.task.storedRecord(intent, profile: .stripe, log: log) else { return nil }
        let sameCart =
            record.requestFingerprint.body
            == .form(StripeCheckout.formBody(self.createFields(run, generation: generation)))
        var anchor: CheckoutAnchor<StripePaymentIntent>?
        if record.state == .succeeded, let id = record.anchor, let body = record.outcome?.body,
            let created = StripePaymentIntent(body)
        {
            anchor = CheckoutAnchor(id: id, apiVersion: nil, created: created)
        }
        return CheckoutKeptCreate(record: record, anchor: anchor, sameCart: sameCart)
    }

    func create(
        _ run: CheckoutRun,
        generation: Int,
        log: inout CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutCreateAnswer<StripePaymentIntent> {
        let stripe = self.stripe
        let taskID = run.taskID
        let call: IdempotentResult
        let response: HTTPResponse
        do {
            (call, response) = try await stripe.post(
                "/v1/payment_intents",
                fields: self.createFields(run, generation: generation),
                intent: self.createIntent(run, generation: generation),
                anchored: true,
                reconcile: { _ in try await stripe.findCreated(taskID: taskID, generation: generation) }
            )
        } catch {
            log.note(error)
            return .outcome(try log.settle(error, step: "create"))
        }
        log.note(call)
        await self.task.emit(.step("create", status: response.status))
        guard (200..<300).contains(response.status) else {
            return .outcome(try log.settle(Self.refusal(response, call: call), step: "create"))
        }
        guard let created = StripePaymentIntent(response.body) else {
            throw log.error(.merchant, "the PSP's create response is not a PaymentIntent")
        }
        return .created(CheckoutAnchor(id: created.id, apiVersion: nil, created: created), created)
    }

    /// A non-2xx answer as the backend's error.
    static func refusal(_ response: HTTPResponse, call: IdempotentResult?) -> StripeCheckoutError {
        let body = ErrorResponseBody(response)
        return StripeCheckoutError(
            code: .refused,
            message: "the PSP answered \(response.status)\(body?.message.map { ": \($0)" } ?? "")",
            status: response.status,
            body: body,
            call: call
        )
    }

    func read(
        _ anchor: CheckoutAnchor<StripePaymentIntent>,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> StripePaymentIntent? {
        do {
            let found = try await self.stripe.retrieve(anchor.id)
            await self.task.emit(.step("retrieve", status: found == nil ? 404 : 200))
            return found
        } catch {
            throw log.error(
                .merchant,
                "retrieving PaymentIntent \(anchor.id) failed: \(error.message)",
                underlying: error
            )
        }
    }

    func phase(
        of intent: StripePaymentIntent,
        anchor: CheckoutAnchor<StripePaymentIntent>,
        run: CheckoutRun
    ) -> CheckoutPhase {
        if intent.isPaid { return .completed }
        switch intent.status {
        case .canceled: return .canceled
        case .processing: return .inProgress
        case .requiresPaymentMethod, .requiresConfirmation:
            guard let error = intent.lastPaymentError(of: run.token) else { return .readyToPay }
            return .declined([Self.declinedMessage(error["message"]?.stringValue)])
        default: return .needsInput("the PaymentIntent is \(intent.status)", [])
        }
    }

    /// An ACP-style `payment_declined` message for a Stripe decline.
    static func declinedMessage(_ text: String?) -> ACPMessage {
        ACPMessage(uncheckedMembers: [
            "type": "error", "code": "payment_declined", "content_type": "plain",
            "content": .string(text ?? "Your card was declined."),
        ])
    }
}
