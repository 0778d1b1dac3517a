import AgentRetry
import Foundation

/// Shows the session model in one version family's response shape.
protocol ACPSessionRenderer: Sendable {
    /// The session (`CheckoutSession`, or `CheckoutSessionWithOrder` once completed).
    func session(_ session: CheckoutSession, baseURL: String) -> JSONValue
}

extension ACPVersion {
    /// The renderer of this version.
    var renderer: any ACPSessionRenderer {
        switch self.family {
        case .fulfillmentAddress: FulfillmentAddressSessionRenderer()
        case .fulfillmentDetails: FulfillmentDetailsSessionRenderer(version: self)
        case .handlers: HandlerSessionRenderer(version: self)
        }
    }
}
