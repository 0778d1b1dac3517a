import Foundation

/// The row codec: how every store turns a record into the columns of ``StoreColumn`` and back, so
/// that stores agree on the stored form and on the errors a bad row gives.
extension IdempotencyRecord {
    /// The record's value in `column`: instants as seconds since 1970, the outcome's headers as a
    /// JSON object of strings, and the format this version writes (``storageFormat``).
    package func storedValue(of column: StoreColumn) -> StoredValue {
        switch column {
        case .key: .text(self.key.rawValue)
        case .namespace: .text(self.namespace)
        case .operation: .text(self.operation)
        case .intentFingerprint: .text(self.intentFingerprint)
        case .requestFingerprint: .text(self.requestFingerprint.rawValue)
        case .profile: .text(self.profile)
        case .state: .text(self.state.rawValue)
        case .attempts: .integer(self.attempts)
        case .createdAt: .real(self.createdAt.timeIntervalSince1970)
        case .updatedAt: .real(self.updatedAt.timeIntervalSince1970)
        case .clientExpiresAt: .real(self.clientExpiresAt.timeIntervalSince1970)
        case .pspExpiresAt: .real(self.pspExpiresAt.timeIntervalSince1970)
        case .outcomeStatus: self.outcome.map { .integer($0.status) } ?? .null
        case .outcomeHeaders: self.outcome.map { .text(Self.storedHeaders($0.headers)) } ?? .null
        case .outcomeBody: self.outcome.map { .blob($0.body) } ?? .null
        case .anchor: self.anchor.map { .text($0) } ?? .null
        case .leaseOwner: self.leaseOwner.map { .text($0) } ?? .null
        case .leaseExpiresAt: self.leaseExpiresAt.map { .real($0.timeIntervalSince1970) } ?? .null
        case .format: .integer(Self.storageFormat)
        case .leaseHolderOwner, .leaseHolderHost, .leaseHolderBootID, .leaseHolderPIDNamespace, .leaseHolderPID,
            .leaseHolderStartTime, .leaseHolderSession:
            Self.storedValue(of: column, holder: self.leaseHolder)
        }
    }

    /// A lease holder's value in one of its columns (``StoreColumn/leaseHolder``); `NULL` in each
    /// without a holder, and in every process column without a process.
    package static func storedValue(of column: StoreColumn, holder: LeaseHolder?) -> StoredValue {
        let process = holder?.process
        let value: StoredValue? =
            switch column {
            case .leaseHolderOwner: holder.map { .text($0.owner) }
            case .leaseHolderHost: process.map { .text($0.host) }
            case .leaseHolderBootID: process.map { .text($0.bootID) }
            case .leaseHolderPIDNamespace: process.map { .text($0.pidNamespace) }
            case .leaseHolderPID: process.map { .integer($0.processID) }
            case .leaseHolderStartTime: process.map { .integer($0.startTime) }
            case .leaseHolderSession: holder?.session.map { .integer($0) }
            default: preconditionFailure("\(column) is not a lease holder's column")
            }
        return value ?? .null
    }

    /// The record's values in ``StoreColumn`` order: a whole row.
    package var storedValues: [StoredValue] { StoreColumn.allCases.map(self.storedValue(of:)) }

    /// Reads a stored row back.
    /// - Throws: ``IdempotencyStoreError`` `unsupportedSchema` for a row in a newer format than
    ///   ``storageFormat`` (checked first, whatever else the row holds); `corruptRecord`, naming the
    ///   key, for a missing, unreadable or `NULL` value where one must be, an unknown state, or
    ///   unreadable outcome headers.
    package init(_ row: StoredRow) throws(IdempotencyStoreError) {
        try Self.checkStoredFormat(try row.required(.format, \.integer), key: row.key)
        guard let state = State(rawValue: try row.required(.state, \.text)) else {
            throw row.corrupt("unknown state \(try row.required(.state, \.text))")
        }
        var outcome: Outcome?
        if let status = try row.optional(.outcomeStatus, \.integer) {
            let headers = try row.optional(.outcomeHeaders, \.text) ?? "{}"
            guard let object = (try? JSONValue(parsing: Array(headers.utf8)))?.objectValue else {
                throw row.corrupt("unreadable outcome headers")
            }
            let body = try row.optional(.outcomeBody, \.blob) ?? []
            outcome = Outcome(status: status, headers: object.compactMapValues(\.stringValue), body: body)
        }
        self.init(
            key: IdempotencyKey(rawValue: try row.required(.key, \.text)),
            namespace: try row.required(.namespace, \.text),
            operation: try row.required(.operation, \.text),
            intentFingerprint: try row.required(.intentFingerprint, \.text),
            requestFingerprint: RequestFingerprint(rawValue: try row.required(.requestFingerprint, \.text)),
            profile: try row.required(.profile, \.text),
            state: state,
            attempts: try row.required(.attempts, \.integer),
            createdAt: try row.date(.createdAt),
            updatedAt: try row.date(.updatedAt),
            clientExpiresAt: try row.date(.clientExpiresAt),
            pspExpiresAt: try row.date(.pspExpiresAt),
            outcome: outcome,
            anchor: try row.optional(.anchor, \.text),
            leaseOwner: try row.optional(.leaseOwner, \.text),
            leaseExpiresAt: try row.optionalDate(.leaseExpiresAt),
            leaseHolder: try Self.leaseHolder(in: row)
        )
    }

    /// The lease holder a row records: none without an owner, and no process unless all five of
    /// its columns are there.
    static func leaseHolder(in row: StoredRow) throws(IdempotencyStoreError) -> LeaseHolder? {
        guard let owner = try row.optional(.leaseHolderOwner, \.text) else { return nil }
        var process: ProcessIdentity?
        if let host = try row.optional(.leaseHolderHost, \.text),
            let bootID = try row.optional(.leaseHolderBootID, \.text),
            let namespace = try row.optional(.leaseHolderPIDNamespace, \.text),
            let processID = try row.optional(.leaseHolderPID, \.integer),
            let startTime = try row.optional(.leaseHolderStartTime, \.integer)
        {
            process = ProcessIdentity(
                host: host,
                bootID: bootID,
                pidNamespace: namespace,
                processID: processID,
                startTime: startTime
            )
        }
        return LeaseHolder(owner: owner, process: process, session: try row.optional(.leaseHolderSession, \.integer))
    }

    /// The outcome's headers as stored: a JSON object of strings.
    static func storedHeaders(_ headers: [String: String]) -> String {
        String(decoding: JSONValue.object(headers.mapValues(JSONValue.string)).serialized(), as: UTF8.self)
    }

    /// Checks a stored row's record format.
    /// - Throws: ``IdempotencyStoreError`` `unsupportedSchema` for a newer format than ``storageFormat``.
    static func checkStoredFormat(_ format: Int, key: String?) throws(IdempotencyStoreError) {
        guard format <= Self.storageFormat else {
            throw IdempotencyStoreError(
                code: .unsupportedSchema,
                message: """
                    record \(key ?? "?") is in format \(format), written by a newer AgentRetry \
                    (this one reads format \(Self.storageFormat))
                    """
            )
        }
    }
}
