/// A task's anchor: the id its create returned, the protocol version it was created in, and the
/// resource as created.
package struct CheckoutAnchor<Resource: Sendable>: Sendable {
    /// The id: an ACP `checkout_session_id`, a PaymentIntent id.
    package var id: String
    /// The ACP version the resource was created in; `nil` over Stripe.
    package var apiVersion: ACPVersion?
    /// The resource as the create returned it.
    package var created: Resource
}
