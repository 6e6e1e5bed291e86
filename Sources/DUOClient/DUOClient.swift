import AsyncHTTPClient
import DUO
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// Where DUO is and how Regie proves who it is: base URL (ending in the major version, e.g.
/// `https://duo.example/v1`), DUO's OIN (the `Doel` of every request) and the mutual-TLS files
/// (PKIoverheid certificate and key; the CA that signs DUO's server certificate).
public struct DUOEndpoint: Sendable {
    public var baseURL: String
    public var duoOIN: String
    public var tls: DUOTLSFiles?
    public var timeout: Duration

    public init(baseURL: String, duoOIN: String, tls: DUOTLSFiles? = nil, timeout: Duration = .seconds(15)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.duoOIN = duoOIN
        self.tls = tls
        self.timeout = timeout
    }
}

/// PEM files for mutual TLS. `caPath` is the trust root for the peer's certificate.
public struct DUOTLSFiles: Sendable, Hashable {
    public var certificatePath: String
    public var keyPath: String
    public var caPath: String?

    public init(certificatePath: String, keyPath: String, caPath: String?) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.caPath = caPath
    }

    /// A client configuration presenting our certificate and trusting only `caPath` (when given).
    public func clientConfiguration() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) }
        tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem))
        if let caPath { tls.trustRoots = .file(caPath) }
        tls.minimumTLSVersion = .tlsv12
        return tls
    }

    /// A server configuration that requires and verifies a client certificate signed by `caPath`.
    public func serverConfiguration() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
        if let caPath {
            tls.trustRoots = .file(caPath)
            tls.certificateVerification = .noHostnameVerification
        }
        tls.minimumTLSVersion = .tlsv12
        return tls
    }
}

/// DUO's answer to one request.
public struct DUOResponse: Sendable {
    public var status: Int
    public var body: Data
    public var apiVersion: String?
}

/// Why a call to DUO did not succeed. `unavailable` and `noAnswer` are retried; `rejected` is DUO's final word.
public enum DUOCallError: Error, Sendable, Equatable {
    /// DUO did not take the request: no connection, a TLS handshake that failed, 503 (maintenance),
    /// 429 or 408. Nothing reached DUO: try again later.
    case unavailable(String)
    /// The request may have reached DUO, but no answer came back: a timeout or a dropped connection
    /// after sending, or a 500/502/504. DUO may have processed it; before sending a POST again, ask
    /// DUO what it holds (DUO's specs do not say that it drops a repeated BerichtId).
    case noAnswer(String)
    /// 400/403/404 with DUO's error list (may be empty when DUO sent none).
    case rejected(status: Int, fouten: [Foutmelding])
    /// DUO answered something Regie cannot read.
    case unreadable(String)

    public var isRetryable: Bool {
        switch self {
        case .unavailable, .noAnswer: true
        case .rejected, .unreadable: false
        }
    }
}

/// The HTTP client for DUO: every request carries `Bron` (the municipality's OIN), `Doel` (DUO's OIN)
/// and a fresh or given `BerichtId`; mutual TLS when configured.
public final class DUOClient: Sendable {
    public let endpoint: DUOEndpoint
    let http: HTTPClient
    let logger: Logger

    public init(endpoint: DUOEndpoint, logger: Logger) throws {
        self.endpoint = endpoint
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        if let tls = endpoint.tls { configuration.tlsConfiguration = try tls.clientConfiguration() }
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(Int64(endpoint.timeout.components.seconds)))
        configuration.redirectConfiguration = .disallow
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    /// One request. A 2xx is returned; anything else becomes a `DUOCallError`.
    public func send(method: String, path: String, body: Data?, bron: String, berichtId: UUID = UUID()) async throws -> DUOResponse {
        var request = HTTPClientRequest(url: endpoint.baseURL + path)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: DUOHeader.bron, value: bron)
        request.headers.add(name: DUOHeader.doel, value: endpoint.duoOIN)
        request.headers.add(name: DUOHeader.berichtId, value: berichtId.uuidString.lowercased())
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        let data: Data
        do {
            response = try await http.execute(request, timeout: .seconds(Int64(endpoint.timeout.components.seconds)))
            var buffer = try await response.body.collect(upTo: 4 << 20)
            data = Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch {
            logger.warning("DUO call failed", metadata: ["path.template": .string(Self.template(path)), "error": .string(String(describing: type(of: error)))])
            let name = String(describing: type(of: error))
            throw Self.neverSent(error) ? DUOCallError.unavailable(name) : DUOCallError.noAnswer(name)
        }
        let status = Int(response.status.code)
        switch status {
        case 200..<300:
            return DUOResponse(status: status, body: data, apiVersion: response.headers.first(name: DUOHeader.apiVersion))
        case 503, 429, 408:
            // 503 "Service niet beschikbaar" (every DUO description), too many requests, or a request
            // the server did not wait for: not processed.
            throw DUOCallError.unavailable("HTTP \(status)")
        case 500...:
            // 500 "Interne server fout": DUO may have failed after storing; the outcome is unknown.
            throw DUOCallError.noAnswer("HTTP \(status)")
        default:
            let fouten = (try? JSONDecoder().decode([Foutmelding].self, from: data))
                ?? (try? JSONDecoder().decode(Foutmelding.self, from: data)).map { [$0] } ?? []
            throw DUOCallError.rejected(status: status, fouten: fouten)
        }
    }

    /// Errors raised before the request could leave (no connection, no TLS session, no pooled
    /// connection in time). Anything else may have happened after DUO received the request.
    static func neverSent(_ error: any Error) -> Bool {
        if let client = error as? HTTPClientError {
            return [.connectTimeout, .tlsHandshakeTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout, .getConnectionFromPoolTimeout]
                .contains(client)
        }
        if error is NIOSSLError { return true }
        if let channel = error as? ChannelError, case .connectTimeout = channel { return true }
        if let io = error as? IOError { return io.errnoCode == ECONNREFUSED }
        return false
    }

    /// Pulls what `pulls` name for a person. A 404 means "nothing registered" and leaves the field nil.
    public func pull(_ pulls: [DUOPull], bsn: String, bron: String) async throws -> DUOPulled {
        var result = DUOPulled()
        for item in pulls {
            let response: DUOResponse
            do {
                response = try await send(method: "GET", path: item.path(bsn: bsn), body: nil, bron: bron)
            } catch DUOCallError.rejected(status: 404, _) {
                result.fetched.append(item)
                continue
            }
            result.fetched.append(item)
            do {
                try Self.store(item, from: response.body, into: &result)
            } catch {
                throw DUOCallError.unreadable("\(item.rawValue): \(type(of: error))")
            }
        }
        return result
    }

    static func store(_ item: DUOPull, from data: Data, into result: inout DUOPulled) throws {
        let decoder = JSONDecoder()
        switch item {
        case .inburgeringsplicht: result.plicht = try decoder.decode(Inburgeringsplicht.self, from: data)
        case .plichtHistorie: result.plichtHistorie = try decoder.decode([PlichtHistorie].self, from: data)
        case .doelgroep: result.doelgroep = try decoder.decode(DoelgroepInfo.self, from: data)
        case .doelgroepHistorie: result.doelgroepHistorie = try decoder.decode([DoelgroepHistorie].self, from: data)
        case .termijn: result.termijn = try decoder.decode(DUOTermijn.self, from: data)
        case .termijnHistorie: result.termijnHistorie = try decoder.decode([DUOTermijnHistorie].self, from: data)
        case .lbtResultaten: result.lbtResultaten = try decoder.decode([LBTResultaat].self, from: data)
        case .lbtExamennummer: result.lbtExamennummer = try decoder.decode(LBTExamennummer.self, from: data)
        case .vrijstellingen: result.vrijstellingen = try decoder.decode([DUOVrijstelling].self, from: data)
        case .ontheffingen: result.ontheffingen = try decoder.decode([DUOOntheffing].self, from: data)
        case .examens: result.examens = try decoder.decode([DUOExamenresultaat].self, from: data)
        case .pip: result.pip = try decoder.decode(DUOGemeentePIP.self, from: data)
        }
    }

    /// Sends one push. Multi-step pushes (a contact person) return DUO's id for the next attempt, and
    /// hand it to `created` as soon as DUO gave it, so that an attempt that fails after the first step
    /// resumes with the second one instead of creating another contact person.
    public func push(_ push: DUOPush, bsn: String, body: Data, bron: String, berichtId: UUID, reference: String?,
                     created: @Sendable (String) async throws -> Void = { _ in }) async throws -> String? {
        switch push {
        case .contactpersoon:
            var id = reference
            if id == nil {
                let answer = try await send(method: "POST", path: "/contactpersonen", body: body, bron: bron, berichtId: berichtId)
                guard let contact = try? JSONDecoder().decode(DUOContactpersoon.self, from: answer.body), let newId = contact.id else {
                    throw DUOCallError.unreadable("contactpersoon")
                }
                id = String(newId)
                try await created(String(newId))
            }
            _ = try await send(method: "POST", path: "/contactpersonen/\(id!)/personen/\(bsn)", body: nil, bron: bron)
            return id
        default:
            // An offer's institution number travels in `reference` (it is part of the path).
            let (method, path) = push.route(bsn: bsn, instellingsnummer: push == .inburgeringsaanbod ? reference : nil)
            _ = try await send(method: method, path: path, body: body, bron: bron, berichtId: berichtId)
            return reference
        }
    }

    /// A path with the BSN replaced, for logs (never a BSN in a log line).
    static func template(_ path: String) -> String {
        path.split(separator: "/").map { part in part.count == 9 && part.allSatisfy(\.isNumber) ? "{bsn}" : String(part) }.joined(separator: "/")
    }
}
