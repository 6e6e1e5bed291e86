import Foundation
import Hummingbird
import Logging
import Prometheus
import RegieStorage

/// Regie's Prometheus metrics, on a registry of its own (no global state, one per application).
public final class RegieMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    static let buckets: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                      .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5)]

    public init() {
        registry = PrometheusCollectorRegistry()
    }

    static var requests: MetricNameDescriptor { MetricNameDescriptor(namespace: "regie", subsystem: "http", metricName: "requests", unitName: "total", helpText: "HTTP requests by method, route template and status.") }
    static var duration: MetricNameDescriptor { MetricNameDescriptor(namespace: "regie", subsystem: "http", metricName: "request_duration", unitName: "seconds", helpText: "HTTP request latency by method and route template.") }
    static var errors: MetricNameDescriptor { MetricNameDescriptor(namespace: "regie", subsystem: "http", metricName: "errors", unitName: "total", helpText: "HTTP requests that ended in a server error (5xx), by route template.") }
    static var poolMax: MetricNameDescriptor { MetricNameDescriptor(namespace: "regie", subsystem: "db", metricName: "pool_max", unitName: "connections", helpText: "The database pool's maximum number of connections.") }
    static var auditEntries: MetricNameDescriptor { MetricNameDescriptor(namespace: "regie", subsystem: "audit", metricName: "entries", unitName: "count", helpText: "Entries in the audit log's hash chain: it only grows, so a drop means the log was cut off.") }
    static var inFlight: MetricNameDescriptor { MetricNameDescriptor(namespace: "regie", subsystem: "db", metricName: "operations_in_flight", unitName: "count", helpText: "Database operations holding a pooled connection right now.") }

    func requestFinished(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: Self.requests, labels: [("method", method), ("route", route), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Self.duration, labels: [("method", method), ("route", route)], buckets: Self.buckets)
            .recordNanoseconds(duration.nanoseconds)
        if status >= 500 {
            registry.makeCounter(descriptor: Self.errors, labels: [("route", route)]).increment()
        }
    }

    /// The exposition text, with the database pool's gauges read at the moment of the scrape.
    func render(database: Database, auditEntries: Int64?) -> String {
        if let auditEntries { registry.makeGauge(descriptor: Self.auditEntries).set(Double(auditEntries)) }
        registry.makeGauge(descriptor: Self.poolMax, labels: [("engine", database.kind.rawValue)]).set(Double(database.maxConnections))
        registry.makeGauge(descriptor: Self.inFlight, labels: [("engine", database.kind.rawValue)]).set(Double(database.operationsInFlight))
        return registry.emitToString()
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Counts requests and their latency per route template (never per concrete path: an id in a
/// label would both explode the series and leak which files were opened).
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = RegieRequestContext
    let metrics: RegieMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            metrics.requestFinished(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: response.status.code, duration: ContinuousClock.now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.requestFinished(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status, duration: ContinuousClock.now - start)
            throw error
        }
    }
}

/// One log line per request with its id, method, route template, status and duration. The path is
/// the route template and the query is left out, so no BSN or name typed into a search ends up in a log.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = RegieRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context, status: response.status.code, start: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            log(request, context, status: status, start: start, error: error)
            throw error
        }
    }

    private func log(_ request: Request, _ context: Context, status: Int, start: ContinuousClock.Instant, error: (any Error)? = nil) {
        let elapsed = ContinuousClock.now - start
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "route": .string(context.endpointPath ?? "unmatched"),
            "status": .stringConvertible(status),
            "duration_ms": .string(String(format: "%.2f", Double(elapsed.nanoseconds) / 1_000_000)),
        ]
        if let error, status >= 500 {
            metadata["error"] = .string(String(describing: type(of: error)))
            context.logger.error("request failed", metadata: metadata)
        } else {
            context.logger.info("request", metadata: metadata)
        }
    }
}
