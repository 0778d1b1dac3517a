import AgentRetry

/// What one checkout protocol does, as the one ``CheckoutFlow`` drives it: create (anchored on the
/// returned id), read the resource by its anchor, tell its phase, advance it, and answer what the
/// store kept. Nothing here assumes HTTP paths: a backend over JSON-RPC (MCP) is another backend,
/// not another flow.
package protocol CheckoutBackend: Sendable {
    /// What the task creates and then reads: an ACP checkout session, a Stripe PaymentIntent.
    associatedtype Resource: Sendable

    /// Sets the anchor where the backend's outcomes carry it (`checkoutSessionID`, `paymentIntentID`).
    static func place(_ anchor: String?, in outcome: inout CheckoutOutcome)

    /// The resource as an ACP session, for outcomes; `nil` when it is none.
    func session(of resource: Resource) -> CheckoutSession?

    /// What the store kept of generation `generation`'s create, if anything: its record, the anchor
    /// when it succeeded, and whether it was made for this cart (the create body's fingerprint).
    func keptCreate(
        _ run: CheckoutRun,
        generation: Int,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutKeptCreate<Resource>?

    /// Creates generation `generation`'s resource, anchored on its id (negotiating what the
    /// protocol needs), or the outcome when the merchant refused.
    func create(
        _ run: CheckoutRun,
        generation: Int,
        log: inout CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutCreateAnswer<Resource>

    /// The resource by its anchor: a safe read; `nil` when the merchant does not know it (404).
    func read(_ anchor: CheckoutAnchor<Resource>, log: CheckoutLog) async throws(CheckoutTaskError) -> Resource?

    /// Where `resource` is, for the task `run`.
    func phase(of resource: Resource, anchor: CheckoutAnchor<Resource>, run: CheckoutRun) -> CheckoutPhase

    /// The next step for a resource in phase `needsUpdate` or `readyToPay`.
    func advance(
        _ resource: Resource,
        anchor: CheckoutAnchor<Resource>,
        run: CheckoutRun,
        log: inout CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutStepAnswer<Resource>

    /// The completion step kept for `anchor` with this credential, if any: answered from the
    /// store, with no request.
    func keptCompletion(
        _ anchor: CheckoutAnchor<Resource>,
        run: CheckoutRun,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutKeptCompletion<Resource>?
}
