import AsyncHTTPClient
import DUO
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOSSL
import RegieServer
import RegieStorage
import Synchronization
import Testing

/// DUO's interface runs over mutual TLS: the Notificatie API listener accepts only a
/// client whose certificate is signed by the configured CA.
@Suite("DUO mutual TLS on the Notificatie API", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs the openssl command to make test certificates"))
struct DUOMutualTLSTests {
    /// A throwaway PKI: a CA, a server certificate for 127.0.0.1, a client signed by the CA and a rogue self-signed client.
    struct PKI {
        let directory: URL
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        static func make() throws -> PKI {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("regie-pki-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let pki = PKI(directory: directory)
            try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(toFile: pki.path("san.ext"), atomically: true, encoding: .utf8)
            let steps: [[String]] = [
                ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Regie test CA"],
                ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
                ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.ext"],
                ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=DUO test client"],
                ["x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.pem", "-days", "2"],
                ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "rogue.key", "-out", "rogue.pem", "-days", "2", "-subj", "/CN=Not DUO"],
            ]
            for arguments in steps {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
                process.arguments = arguments
                process.currentDirectoryURL = directory
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                process.waitUntilExit()
                guard process.terminationStatus == 0 else { throw PKIError.openssl(arguments.joined(separator: " ")) }
            }
            return pki
        }

        enum PKIError: Error { case openssl(String) }
    }

    @Test("Without a certificate signed by the trusted CA the handshake fails; with one the notification is accepted")
    func onlyTrustedClients() async throws {
        let pki = try PKI.make()
        defer { try? FileManager.default.removeItem(at: pki.directory) }
        try await TestDatabase.with(.sqlite) { database in
            let clock = TestClock()
            _ = try await World.seed(database, now: clock.now)
            let views = try await Views.load()
            let config = try TestSupport.config([
                "DUO_TLS_CERT": pki.path("server.pem"), "DUO_TLS_KEY": pki.path("server.key"), "DUO_TLS_CA": pki.path("ca.pem"),
                "DUO_NOTIFY_PORT": "0",
            ])
            let services = AppServices(config: config, database: database, clock: clock.appClock, views: views, catalogue: views.catalogue,
                                       metrics: RegieMetrics(), bcryptCost: 4)
            let logger = { var l = Logger(label: "tls"); l.logLevel = .critical; return l }()
            let port = Mutex<Int?>(nil)
            let app = try NotificationAPI(services: services, logger: logger).application { channel in
                port.withLock { $0 = channel.localAddress?.port }
            }
            let running = Task { try await app.runService() }
            defer { running.cancel() }
            var listening: Int?
            // Up to 30 s: a full suite on two busy cores can be slow to start a listener.
            for _ in 0..<600 {
                listening = port.withLock { $0 }
                if listening != nil { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let url = "https://127.0.0.1:\(try #require(listening))\(NotificationAPI.path)"

            func post(certificate: String?, key: String?) async throws -> HTTPClientResponse {
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.trustRoots = .file(pki.path("ca.pem"))
                if let certificate, let key {
                    tls.certificateChain = try NIOSSLCertificate.fromPEMFile(pki.path(certificate)).map { .certificate($0) }
                    tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: pki.path(key), format: .pem))
                }
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                request.tlsConfiguration = tls
                request.headers.add(name: "bron", value: DUOConfig.developmentDUOOIN)
                request.headers.add(name: "doel", value: DUOConfig.developmentOIN(for: "GM0988"))
                request.headers.add(name: "berichtId", value: UUID().uuidString)
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: #"{"registratieDatumTijd":"2026-11-20T10:15:00Z","bsn":"999990019","gebeurtenisId":"SS101"}"#))
                // A deadline only against hanging: under a full suite's load a handshake can take seconds.
                return try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            }

            await #expect(throws: (any Error).self, "no client certificate") { _ = try await post(certificate: nil, key: nil) }
            await #expect(throws: (any Error).self, "a certificate the CA did not sign") { _ = try await post(certificate: "rogue.pem", key: "rogue.key") }
            let accepted = try await post(certificate: "client.pem", key: "client.key")
            #expect(accepted.status == .created)
            let stored = try await services.duoStore.listNotifications(scope: TenantScope(municipalityCodes: ["GM0988"]))
            #expect(stored.count == 1, "only the trusted client's notification was stored")
        }
    }
}
