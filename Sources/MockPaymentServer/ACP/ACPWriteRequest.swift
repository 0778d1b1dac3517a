import AgentRetry
import Foundation

/// A POST to a checkout session route, as its effect reads it.
struct ACPWriteRequest: Sendable {
    let body: JSONValue
    /// The version the request is read and answered in; `nil` when neither `API-Version` nor the
    /// shape tells, so the session's own version does.
    let version: ACPVersion?
    let merchant: MerchantSettings
    let now: Date

    /// The version that answers for `session`.
    func version(for session: CheckoutSession) -> ACPVersion {
        self.version ?? session.version
    }

    /// Reads the body in `version`: first the members the profile checks, then the version's parser.
    func read<Parsed>(
        _ kind: ACPRequestKind,
        in version: ACPVersion,
        _ parse: (any ACPRequestParser, JSONValue) throws(RequestProblem) -> Parsed
    ) throws(RejectedRequest) -> Parsed {
        let problems = self.merchant.memberProblems(self.body, kind: kind, version: version)
        guard problems.isEmpty else { throw RejectedRequest(response: ErrorEnvelope.validation(problems)) }
        do {
            return try parse(version.parser, self.body)
        } catch {
            throw RejectedRequest(response: self.merchant.rejection(error))
        }
    }
}
