import CurlTransport
import Foundation

/// One HTTP request, as the forge client makes it.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    public var url: URL
    public var headers: [(name: String, value: String)]
    public var body: Data?
    /// Seconds before the whole exchange is given up.
    public var timeout: Double

    public init(method: String = "GET", url: URL, headers: [(name: String, value: String)] = [], body: Data? = nil,
                timeout: Double = 20) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    public static func == (left: HTTPRequest, right: HTTPRequest) -> Bool {
        left.method == right.method && left.url == right.url && left.body == right.body
            && left.headers.map { "\($0.name): \($0.value)" } == right.headers.map { "\($0.name): \($0.value)" }
    }
}

/// One HTTP response: header names lower-cased (the last value of a repeated header wins).
public struct HTTPResponse: Sendable, Equatable {
    public let status: Int
    public let headers: [String: String]
    public let body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The headers of the last response in a raw block (redirects and `100 Continue` come first).
    static func parseHeaders(_ raw: String) -> [String: String] {
        var headers: [String: String] = [:]
        for line in raw.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }) {
            if line.hasPrefix("HTTP/") {
                headers = [:]
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty { headers[name] = value }
        }
        return headers
    }
}

/// What carries requests to the forge. The one relkit ships is `CurlHTTPTransport`.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse
}

/// A request that got no HTTP response.
public struct TransportError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case timedOut, unreachable, unavailable, other
    }

    public let kind: Kind
    /// What went wrong, in libcurl's words (never containing a header value).
    public let detail: String
}

/// libcurl, loaded on first use (see CurlTransport.h): relkit's start-up, and so
/// every git hook's, does not grow by the ~8 ms FoundationNetworking's link-time
/// libcurl costs at every start (docs/github.md has the measurements).
public struct CurlHTTPTransport: HTTPTransport {
    public init() {}

    /// The libcurl that was loaded, once a request was made.
    public static var library: String? { relkit_http_library().map { String(cString: $0) } }

    public func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
        let lines = request.headers.map { "\($0.name): \($0.value)" }
        var response = relkit_http_response()
        // The body with a NUL after it, so that even an empty body is a valid pointer.
        let body: [CChar]? = request.body.map { $0.map { CChar(bitPattern: $0) } + [0] }
        let started: Int32 = lines.withCStrings { headers in
            if let body {
                return body.withUnsafeBufferPointer {
                    relkit_http_perform(request.method, request.url.absoluteString, headers, lines.count, $0.baseAddress,
                                        body.count - 1, Int(max(1, request.timeout * 1000)), &response)
                }
            }
            return relkit_http_perform(request.method, request.url.absoluteString, headers, lines.count, nil, 0,
                                       Int(max(1, request.timeout * 1000)), &response)
        }
        defer { relkit_http_free(&response) }
        let detail = withUnsafeBytes(of: response.error) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        if started != 0 { throw TransportError(kind: .unavailable, detail: detail) }
        switch response.curl_code {
        case 0: break
        case 28: throw TransportError(kind: .timedOut, detail: detail)
        case 5, 6, 7: throw TransportError(kind: .unreachable, detail: detail)
        default: throw TransportError(kind: .other, detail: detail)
        }
        let head = response.headers.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: response.headers_length), as: UTF8.self) } ?? ""
        let content = response.body.map { Data(bytes: $0, count: response.body_length) } ?? Data()
        return HTTPResponse(status: response.status, headers: HTTPResponse.parseHeaders(head), body: content)
    }
}

extension Array where Element == String {
    /// Calls `body` with a C array of C strings that lives as long as the call.
    func withCStrings<Result>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> Result) -> Result {
        let copies = map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { UnsafePointer<CChar>($0) }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
