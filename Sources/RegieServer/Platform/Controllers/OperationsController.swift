import Foundation
import Hummingbird
import RegieStorage

/// Liveness, readiness (database reachable, migrations current) and Prometheus metrics.
struct OperationsController {
    let services: AppServices

    func addRoutes(to router: Router<RegieRequestContext>) {
        router.get("/health/live") { _, _ in
            Self.json(["status": "ok"], status: .ok)
        }
        router.get("/health/ready") { _, _ in
            guard await services.database.ping() else {
                return Self.json(["status": "unavailable", "database": "unreachable"], status: .serviceUnavailable)
            }
            let pending = (try? await Migrator(database: services.database).pending()) ?? ["unknown"]
            guard pending.isEmpty else {
                return Self.json(["status": "unavailable", "database": "ok", "migrations": "pending: \(pending.joined(separator: ","))"], status: .serviceUnavailable)
            }
            return Self.json(["status": "ok", "database": "ok", "migrations": "current"], status: .ok)
        }
        // Route names, counts and the audit log's length are for the operator's scraper only: with
        // METRICS_TOKEN set it must send `Authorization: Bearer <token>`; in production without a
        // token the endpoint is closed.
        router.get("/metrics") { request, _ in
            let config = services.config
            if let token = config.metricsToken {
                let given = request.headers[.authorization].flatMap { $0.lowercased().hasPrefix("bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
                guard TokenHasher.equal(services.hasher.digest(given), services.hasher.digest(token)) else {
                    return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer", .contentType: "text/plain; charset=utf-8"],
                                    body: .init(byteBuffer: ByteBuffer(string: "Set Authorization: Bearer <METRICS_TOKEN>.\n")))
                }
            } else if config.mode == .production {
                return Response(status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: "Set METRICS_TOKEN to read the metrics in production.\n")))
            }
            let entries = try? await services.audit.count()
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: services.metrics.render(database: services.database, auditEntries: entries))))
        }
    }

    static func json(_ value: [String: String], status: HTTPResponse.Status) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
