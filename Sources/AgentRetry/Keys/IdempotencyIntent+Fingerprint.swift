import Crypto

extension IdempotencyIntent {
    /// SHA-256 of the intent's ``identityForm()`` in lower-case hex: the
    /// ``IdempotencyRecord/intentFingerprint`` of its records, whatever the secret their keys were
    /// derived under. Reconciliation recognises a record by it: the fingerprint of an intent rebuilt
    /// from what the PSP holds (a PaymentIntent's `metadata[task_id]`) equals the record's.
    public func identityFingerprint() throws(JSONValue.CanonicalizationError) -> String {
        SHA256.hash(data: try self.identityForm()).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}
