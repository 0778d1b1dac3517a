import AgentRetry

extension MerchantSettings {
    /// The version a body is read in when `API-Version` is ignored: the first spoken candidate;
    /// a shape of a version not spoken is read as the newest spoken (whose parser refuses it);
    /// `nil` when the shape does not tell, so the session's own version answers.
    func version(ofShape body: JSONValue, kind: ACPRequestKind) -> ACPVersion? {
        guard let candidates = ACPRequestShape.candidates(body, kind: kind) else { return nil }
        return candidates.first(where: self.speaks) ?? self.newest
    }
}
