extension IdempotencyRecord {
    /// Whether no request was ever put on the wire under this record's key: it is `prepared`
    /// (the attempt is written `inFlight` before a byte leaves) with no attempt counted. Such a
    /// record may take another request than the one it was made for, under its lease.
    package var neverSent: Bool {
        self.state == .prepared && self.attempts == 0
    }
}
