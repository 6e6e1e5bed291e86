import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIRuntime
import RegieAPI
import RegieStorage

/// Guards `/api/v1`: authenticates the API key, makes the request context available to the
/// generated handlers, adds `API-Version`, and maps every error to `application/problem+json`.
struct APIMiddleware: RouterMiddleware {
    typealias Context = RegieRequestContext
    let services: AppServices
    let nulls: APIRequestNulls

    @TaskLocal static var current: RegieRequestContext?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var response: Response
        do {
            context.principal = try await authenticate(request)
            let request = try await nulls.check(request, limit: context.maxUploadSize)
            let authenticated = context
            response = try await Self.$current.withValue(authenticated) {
                try await next(request, authenticated)
            }
        } catch {
            response = problem(for: error, request: request, context: context)
        }
        response.headers[HTTPField.Name("API-Version")!] = RegieAPISpec.version
        return response
    }

    private func authenticate(_ request: Request) async throws -> Principal {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw AppError.unauthenticated
        }
        let token = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard let (prefix, secret) = APIKeysController.parse(token),
              let (record, secretHash) = try await services.apiKeys.fetchKey(prefix: prefix),
              record.revokedAt == nil,
              TokenHasher.equal(services.hasher.digest(secret), secretHash) else {
            throw AppError.unauthenticated
        }
        let now = services.clock.now()
        if record.lastUsedAt.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
            try await services.apiKeys.touchKey(id: record.id, at: now)
        }
        let organisationName = try await services.users.fetchOrganisation(id: record.organisationId)?.name ?? ""
        let municipalities = try await services.users.listMunicipalities(organisationId: record.organisationId)
        return .apiClient(record, organisationName: organisationName, municipalities: municipalities)
    }

    struct Problem: Encodable {
        struct InvalidParam: Encodable { let name: String; let reason: String }
        let type: String
        let title: String
        let status: Int
        let detail: String?
        let instance: String
        let invalidParams: [InvalidParam]?
    }

    private func problem(for error: any Error, request: Request, context: Context) -> Response {
        let problem: Problem
        let instance = request.uri.path
        switch error {
        case let error as AppError:
            switch error {
            case .unauthenticated:
                problem = Problem(type: "about:blank", title: "Niet geauthenticeerd", status: 401,
                                  detail: "Geef een geldige API-sleutel mee: Authorization: Bearer regie_<prefix>_<geheim>.", instance: instance, invalidParams: nil)
            case .forbidden, .csrfRejected:
                problem = Problem(type: "about:blank", title: "Geen toegang", status: 403, detail: "Deze API-sleutel geeft geen toegang tot deze gegevens.", instance: instance, invalidParams: nil)
            case .notFound:
                problem = Problem(type: "about:blank", title: "Niet gevonden", status: 404, detail: nil, instance: instance, invalidParams: nil)
            case .invalid(let detail, let fields):
                problem = Problem(type: "about:blank", title: "Ongeldig verzoek", status: 400, detail: detail, instance: instance,
                                  invalidParams: fields.map { .init(name: $0.name, reason: $0.message) })
            case .rejected(let status, let detail, let fields):
                problem = Problem(type: "about:blank", title: status == 409 ? "Conflict" : "Niet toegestaan", status: status, detail: detail, instance: instance,
                                  invalidParams: fields.isEmpty ? nil : fields.map { .init(name: $0.name, reason: $0.message) })
            }
        case let error as ServerError:
            if let appError = error.underlyingError as? AppError {
                return self.problem(for: appError, request: request, context: context)
            }
            // The generated code could not decode the request: a parameter or body of the wrong type.
            let field = Self.fieldPath(from: error, request: request)
            problem = Problem(type: "about:blank", title: "Ongeldig verzoek", status: 400,
                              detail: "Een parameter of de body heeft niet de vorm die de specificatie voorschrijft.", instance: instance,
                              invalidParams: field.map { [.init(name: $0, reason: "heeft een ongeldige waarde")] })
        case let error as HTTPError where error.status == .notFound:
            problem = Problem(type: "about:blank", title: "Niet gevonden", status: 404, detail: nil, instance: instance, invalidParams: nil)
        default:
            context.logger.error("unhandled API error", metadata: ["error": .string(String(describing: type(of: error)))])
            problem = Problem(type: "about:blank", title: "Interne fout", status: 500, detail: "Verzoek-id \(context.requestID).", instance: instance, invalidParams: nil)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = (try? encoder.encode(problem)) ?? Data()
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if problem.status == 401 { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: .init(code: problem.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The path of the field the generated code failed on: from the decoding error's coding path,
    /// or else the request's parameter that the error names.
    static func fieldPath(from error: ServerError, request: Request) -> String? {
        if let decoding = error.underlyingError as? DecodingError {
            let path: [any CodingKey]
            switch decoding {
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
                path = context.codingPath
            @unknown default:
                path = []
            }
            let names = path.map { $0.intValue.map(String.init) ?? $0.stringValue }.filter { !$0.isEmpty }
            if !names.isEmpty { return names.joined(separator: ".") }
        }
        let text = String(describing: error.underlyingError) + " " + error.causeDescription
        let parameters = FormData(urlEncoded: request.uri.query ?? "").values.keys.sorted()
        return parameters.first { text.contains($0) } ?? parameters.first
    }
}

/// Answers a method a documented API path does not support with 405, `Allow` and problem+json,
/// before routing (an unrouted method would otherwise be a bare 404). The paths and their methods
/// come from the OpenAPI document itself, so the answer follows the spec.
struct APIMethodMiddleware: RouterMiddleware {
    typealias Context = RegieRequestContext
    /// Path templates under `/api/v1` (segments, `{…}` for a parameter) with their methods.
    let operations: [(segments: [Substring], methods: Set<String>)]

    init(document: Data) throws {
        let json = try JSONSerialization.jsonObject(with: document) as? [String: Any]
        let paths = json?["paths"] as? [String: Any] ?? [:]
        operations = paths.map { path, item in
            let methods = Set((item as? [String: Any] ?? [:]).keys.map { $0.uppercased() }).intersection(["GET", "PUT", "POST", "DELETE", "PATCH"])
            return (path.split(separator: "/"), methods.union(methods.contains("GET") ? ["HEAD"] : []))
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/api/v1/") else { return try await next(request, context) }
        let segments = path.dropFirst("/api/v1".count).split(separator: "/")
        guard let operation = operations.first(where: { Self.matches($0.segments, segments) }),
              !operation.methods.contains(request.method.rawValue) else {
            return try await next(request, context)
        }
        let allow = operation.methods.sorted().joined(separator: ", ")
        let body = #"{"detail":"Dit pad ondersteunt alleen \#(allow).","instance":"\#(path)","status":405,"title":"Methode niet toegestaan","type":"about:blank"}"#
        return Response(
            status: .methodNotAllowed,
            headers: [.contentType: "application/problem+json", .allow: allow, HTTPField.Name("API-Version")!: RegieAPISpec.version],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func matches(_ template: [Substring], _ segments: [Substring]) -> Bool {
        template.count == segments.count && zip(template, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }
}

/// Refuses a JSON `null` where the operation's request schema declares a property that may not
/// be null. The generated decoders read `null` as "absent" for an optional property, so without
/// this check `{"taskDue": null}` would pass as if the field were left out, while the
/// specification (which declares no nullable property) calls it invalid.
struct APIRequestNulls: Sendable {
    private struct Operation: @unchecked Sendable {
        let method: String
        let segments: [Substring]
        let schema: [String: Any]
    }
    private let operations: [Operation]
    nonisolated(unsafe) private let components: [String: Any]

    init(document: Data) throws {
        let json = try JSONSerialization.jsonObject(with: document) as? [String: Any] ?? [:]
        components = (json["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        var operations: [Operation] = []
        for (path, item) in json["paths"] as? [String: Any] ?? [:] {
            for (method, operation) in item as? [String: Any] ?? [:] {
                guard let body = (operation as? [String: Any])?["requestBody"] as? [String: Any],
                      let schema = ((body["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any] else { continue }
                operations.append(.init(method: method.uppercased(), segments: ("/api/v1" + path).split(separator: "/"), schema: schema))
            }
        }
        self.operations = operations
    }

    /// The request with its body collected, after checking it; throws `AppError.invalid` naming
    /// the first property that is null.
    func check(_ request: Request, limit: Int) async throws -> Request {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else { return request }
        let segments = request.uri.path.split(separator: "/")
        guard let operation = operations.first(where: { $0.method == request.method.rawValue && APIMethodMiddleware.matches($0.segments, segments) }) else {
            return request
        }
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        guard let value = try? JSONSerialization.jsonObject(with: Data(buffer: buffer), options: [.fragmentsAllowed]),
              let path = firstNull(in: value, schema: operation.schema, path: ["body"]) else { return request }
        throw AppError.invalid(detail: "\(path) mag niet null zijn: laat het veld weg of geef een waarde.",
                               fields: [.init(name: path, message: "mag niet null zijn")])
    }

    private func firstNull(in value: Any, schema: [String: Any], path: [String]) -> String? {
        var schema = schema
        if let reference = schema["$ref"] as? String, let name = reference.split(separator: "/").last,
           let resolved = components[String(name)] as? [String: Any] {
            schema = resolved
        }
        if value is NSNull {
            let types = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
            return types.contains("null") || schema.isEmpty ? nil : path.joined(separator: ".")
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            let additional = schema["additionalProperties"] as? [String: Any]
            for key in object.keys.sorted() {
                guard let propertySchema = (properties[key] as? [String: Any]) ?? additional,
                      let found = firstNull(in: object[key]!, schema: propertySchema, path: path + [key]) else { continue }
                return found
            }
        } else if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, element) in array.enumerated() {
                if let found = firstNull(in: element, schema: items, path: path + [String(index)]) { return found }
            }
        }
        return nil
    }
}
