import AgentRetry
import ArgumentParser
import Foundation

extension PostCommand {
    /// The request the options describe, or a usage error: a body over `--max-body-bytes` (a file
    /// is read no further than that), an unreadable file, JSON that does not parse.
    func request() throws -> HTTPRequest {
        var request = HTTPRequest(method: .post, url: self.url)
        for (position, header) in self.headers.enumerated() {
            let (name, value) = try Self.parseHeader(header, position: position + 1)
            request.headers.add(name: name, value: value)
        }
        if let json = self.json {
            let body = try self.jsonBody(json)
            guard (try? JSONValue(parsing: body)) != nil else { throw ValidationError("--json is not valid JSON") }
            request.body = body
            if !request.headers.contains(name: "Content-Type") {
                request.headers.add(name: "Content-Type", value: "application/json")
            }
        } else {
            let encoded = self.formFields.map { field -> String in
                let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return Self.formEncode(String(parts[0])) + "="
                    + Self.formEncode(parts.count > 1 ? String(parts[1]) : "")
            }
            let body = Array(encoded.joined(separator: "&").utf8)
            guard body.count <= self.maxBodyBytes else { throw self.tooLarge("the --form body") }
            request.body = body
        }
        return request
    }

    /// A `--header` as a name and a value, or the usage error that says what is wrong with it
    /// (never quoting it: it may carry an API key).
    static func parseHeader(_ header: String, position: Int) throws -> (name: String, value: String) {
        let parts = header.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw ValidationError("--header \(position) must read 'Name: value'") }
        let name = String(parts[0]).trimmingCharacters(in: .whitespaces)
        let value = String(parts[1]).trimmingCharacters(in: .whitespaces)
        let isToken =
            !name.isEmpty
            && name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
        guard isToken else {
            throw ValidationError("--header \(position): the name is not an RFC 9110 token (no spaces or separators)")
        }
        guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
            throw ValidationError("--header \(position) (\(name)): the value contains CR, LF or NUL")
        }
        return (name, value)
    }

    /// The bytes of `--json`: the text itself, or the file after `@`, read no further than the limit.
    private func jsonBody(_ json: String) throws -> [UInt8] {
        guard json.hasPrefix("@") else {
            guard json.utf8.count <= self.maxBodyBytes else { throw self.tooLarge("the --json body") }
            return Array(json.utf8)
        }
        let path = String(json.dropFirst())
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ValidationError("cannot read \(json)") }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: self.maxBodyBytes + 1) ?? Data()
        } catch {
            throw ValidationError("cannot read \(json)")
        }
        guard data.count <= self.maxBodyBytes else { throw self.tooLarge(json) }
        return [UInt8](data)
    }

    private func tooLarge(_ what: String) -> ValidationError {
        ValidationError("\(what) is over \(self.maxBodyBytes) bytes (--max-body-bytes)")
    }

    private static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~[]")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
