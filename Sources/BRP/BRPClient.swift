import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// Where the BRP API is and how Regie proves who it is: an API key in a header, mutual TLS with the
/// organisation's certificate, or both — as the supplier of the municipality's BRP link requires.
public struct BRPEndpoint: Sendable {
    /// The base URL, e.g. `https://brp.gemeente.nl/haalcentraal/api/brp`; `/personen` is added.
    public var baseURL: String
    public var apiKey: String?
    public var apiKeyHeader: String
    public var certificatePath: String?
    public var keyPath: String?
    public var caPath: String?
    public var timeout: Duration

    public init(baseURL: String, apiKey: String? = nil, apiKeyHeader: String = "X-API-KEY", certificatePath: String? = nil, keyPath: String? = nil,
                caPath: String? = nil, timeout: Duration = .seconds(10)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.apiKeyHeader = apiKeyHeader
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.caPath = caPath
        self.timeout = timeout
    }

    func tlsConfiguration() throws -> TLSConfiguration? {
        guard certificatePath != nil || caPath != nil else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let certificatePath, let keyPath {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem))
        }
        if let caPath { tls.trustRoots = .file(caPath) }
        tls.minimumTLSVersion = .tlsv12
        return tls
    }
}

/// Why a lookup did not succeed. `unavailable` is tried again later; `rejected` needs a person to look.
public enum BRPCallError: Error, Sendable, Equatable {
    /// No answer, a timeout, 429 or a 5xx: try again later.
    case unavailable(String)
    /// 400/401/403 and the like: the request or Regie's credentials are wrong.
    case rejected(status: Int, title: String?)
    /// An answer Regie cannot read.
    case unreadable(String)

    public var isRetryable: Bool {
        if case .unavailable = self { return true }
        return false
    }
}

/// The HTTP client for the BRP API Personen.
public final class BRPClient: Sendable {
    public let endpoint: BRPEndpoint
    let http: HTTPClient
    let logger: Logger

    public init(endpoint: BRPEndpoint, logger: Logger) throws {
        self.endpoint = endpoint
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        if let tls = try endpoint.tlsConfiguration() { configuration.tlsConfiguration = tls }
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(Int64(endpoint.timeout.components.seconds)))
        configuration.redirectConfiguration = .disallow
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    /// Looks one person up by BSN, asking only `BRPFields.regie`. Nil when the BRP knows no such person.
    public func person(bsn: String) async throws -> BRPPersoon? {
        try await query(BRPQuery(burgerservicenummers: [bsn])).personen?.first { $0.burgerservicenummer == bsn }
    }

    public func query(_ query: BRPQuery) async throws -> BRPQueryResponse {
        var request = HTTPClientRequest(url: endpoint.baseURL + "/personen")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "Accept", value: "application/json")
        if let key = endpoint.apiKey { request.headers.add(name: endpoint.apiKeyHeader, value: key) }
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(query)))
        let response: HTTPClientResponse
        let data: Data
        do {
            response = try await http.execute(request, timeout: .seconds(Int64(endpoint.timeout.components.seconds)))
            var buffer = try await response.body.collect(upTo: 4 << 20)
            data = Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch {
            // The error's type only: its description may carry the address or the BSN.
            logger.warning("BRP call failed", metadata: ["error": .string(String(describing: type(of: error)))])
            throw BRPCallError.unavailable(String(describing: type(of: error)))
        }
        let status = Int(response.status.code)
        switch status {
        case 200..<300:
            do {
                return try JSONDecoder().decode(BRPQueryResponse.self, from: data)
            } catch {
                throw BRPCallError.unreadable(String(describing: type(of: error)))
            }
        case 408, 429, 500...:
            throw BRPCallError.unavailable("HTTP \(status)")
        default:
            throw BRPCallError.rejected(status: status, title: (try? JSONDecoder().decode(BRPFoutbericht.self, from: data))?.title)
        }
    }
}
