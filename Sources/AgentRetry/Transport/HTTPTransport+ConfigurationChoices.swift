extension HTTPTransport.Configuration {
    /// TLS settings.
    public struct TLS: Sendable, Hashable {
        /// How the server's certificate is checked. Defaults to ``CertificateVerification-swift.struct/full``.
        public var certificateVerification: CertificateVerification
        /// A PEM file of CA certificates to trust instead of the system store. Defaults to `nil`.
        public var caBundlePath: String?

        /// Creates TLS settings.
        public init(certificateVerification: CertificateVerification = .full, caBundlePath: String? = nil) {
            self.certificateVerification = certificateVerification
            self.caBundlePath = caBundlePath
        }
    }

    /// How the server's certificate is checked.
    public struct CertificateVerification: Sendable, Hashable, CustomStringConvertible {
        enum Mode: Hashable { case full, skipHostname, skipAll }
        let mode: Mode

        /// The chain is verified against the trusted CAs and the name against the URL's host. The default.
        public static let full = CertificateVerification(mode: .full)
        /// The chain is verified, the host name is not. Insecure: any certificate of a trusted CA passes.
        public static let insecureSkipHostnameCheck = CertificateVerification(mode: .skipHostname)
        /// Nothing is verified. Insecure: for test servers with self-signed certificates only.
        public static let insecureSkipAll = CertificateVerification(mode: .skipAll)

        /// The choice's name.
        public var description: String {
            switch self.mode {
            case .full: "full"
            case .skipHostname: "insecureSkipHostnameCheck"
            case .skipAll: "insecureSkipAll"
            }
        }
    }

    /// Which HTTP versions the transport speaks.
    public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
        enum Mode: Hashable { case http1Only, automatic }
        let mode: Mode

        /// HTTP/1.1 only.
        public static let http1Only = HTTPVersion(mode: .http1Only)
        /// HTTP/2 over TLS when the server offers it in ALPN, HTTP/1.1 otherwise. The default.
        public static let automatic = HTTPVersion(mode: .automatic)

        /// The choice's name.
        public var description: String {
            self.mode == .automatic ? "automatic" : "http1Only"
        }
    }

    /// Whether libcurl may re-send a request whose reused keep-alive connection died before any
    /// response byte arrived.
    ///
    /// libcurl does such a re-send by itself, on a fresh connection. The server may have read and
    /// processed the first send before the connection died, so for a payment `POST` the re-send is a
    /// second submission. Whatever the choice, every send is counted in ``HTTPResponse/wireSends`` and
    /// ``HTTPTransportError/wireSends``; a re-send that the choice forbids ends the request with
    /// ``HTTPTransportError/Code-swift.struct/resendPrevented``, classed
    /// ``FailureClass/mayHaveBeenProcessed``, so the caller's retry policy decides with its
    /// idempotency key in hand.
    public struct StaleConnectionResend: Sendable, Hashable, CustomStringConvertible {
        enum Mode: Hashable { case never, idempotentMethodsOnly, always }
        let mode: Mode

        /// Never re-send.
        public static let never = StaleConnectionResend(mode: .never)
        /// Re-send only methods RFC 9110 calls idempotent (`GET`, `HEAD`, `PUT`, `DELETE`, ...). The default.
        public static let idempotentMethodsOnly = StaleConnectionResend(mode: .idempotentMethodsOnly)
        /// Let libcurl re-send any method, as it does by default (still counted).
        public static let always = StaleConnectionResend(mode: .always)

        /// Whether a request with this method may be re-sent.
        func allowsResend(of method: HTTPMethod) -> Bool {
            switch self.mode {
            case .never: false
            case .idempotentMethodsOnly: method.isIdempotent
            case .always: true
            }
        }

        /// The choice's name.
        public var description: String {
            switch self.mode {
            case .never: "never"
            case .idempotentMethodsOnly: "idempotentMethodsOnly"
            case .always: "always"
            }
        }
    }
}
