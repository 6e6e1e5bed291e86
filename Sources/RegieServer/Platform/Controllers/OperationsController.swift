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
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: services.metrics.render(database: services.database))))
        }
    }

    static func json(_ value: [String: String], status: HTTPResponse.Status) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
