import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Inburgering
import OpenAPIRuntime
import RegieAPI
import RegieProviderAPI
import RegieStorage

/// One JSON API of Regie, with its own OpenAPI document, base path, version and keys: `/api/v1`
/// for the municipality's own systems (staff API keys), `/api/aanbieder/v1` for providers'
/// administration systems (provider link keys, issue 18 item 5). Both follow the same rules: the
/// document public, problem+json, `API-Version` on every answer, 405 with `Allow`, the body checked
/// against the document.
struct APIDoor: Sendable {
    enum Keys: Sendable { case staff, provider }

    let basePath: String
    let version: String
    let title: String
    let keys: Keys

    var documentPath: String { basePath + "/openapi.json" }

    static let staff = APIDoor(basePath: "/api/v1", version: RegieAPISpec.version, title: "Regie API", keys: .staff)
    static let provider = APIDoor(basePath: ProviderAPISpec.basePath, version: ProviderAPISpec.version, title: "Regie API voor aanbieders", keys: .provider)
}

/// Guards an API door: authenticates its key, makes the request context available to the
/// generated handlers, adds `API-Version`, and maps every error to `application/problem+json`.
struct APIMiddleware: RouterMiddleware {
    typealias Context = RegieRequestContext
    let services: AppServices
    let bodyCheck: APIRequestBodyCheck
    var door: APIDoor = .staff

    @TaskLocal static var current: RegieRequestContext?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var response: Response
        do {
            context.principal = try await authenticate(request)
            let request = try await bodyCheck.check(request, limit: context.maxUploadSize)
            let authenticated = context
            response = try await Self.$current.withValue(authenticated) {
                try await next(request, authenticated)
            }
        } catch {
            response = problem(for: error, request: request, context: context)
        }
        response.headers[HTTPField.Name("API-Version")!] = door.version
        // Answers carry personal data: no browser or proxy keeps a copy (ADR /core/transport/security-headers).
        response.headers[.cacheControl] = "no-store"
        return response
    }

    private func authenticate(_ request: Request) async throws -> Principal {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw AppError.unauthenticated
        }
        let token = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        if door.keys == .provider { return try await authenticateProvider(token) }
        guard let (prefix, secret) = APIKeyToken.parse(token),
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
                                  detail: door.keys == .provider
                                      ? "Geef een geldige koppelsleutel mee: Authorization: Bearer regie-aanbieder_<prefix>_<geheim>."
                                      : "Geef een geldige API-sleutel mee: Authorization: Bearer regie_<prefix>_<geheim>.", instance: instance, invalidParams: nil)
            case .forbidden, .csrfRejected:
                let waiting: Bool = if case .apiClient(let key, _, _) = context.principal { Policy.awaitsApproval(key) } else { false }
                problem = Problem(type: "about:blank", title: "Geen toegang", status: 403,
                                  detail: waiting ? "Deze API-sleutel wacht op goedkeuring door een tweede persoon met de rol van de sleutel (in Regie onder Mijn account)."
                                      : "Deze API-sleutel geeft geen toegang tot deze gegevens.", instance: instance, invalidParams: nil)
            case .notFound:
                problem = Problem(type: "about:blank", title: "Niet gevonden", status: 404, detail: nil, instance: instance, invalidParams: nil)
            case .invalid(let detail, let fields):
                problem = Problem(type: "about:blank", title: "Ongeldig verzoek", status: 400, detail: detail, instance: instance,
                                  invalidParams: fields.map { .init(name: $0.name, reason: $0.message) })
            case .rejected(let status, let detail, let fields):
                problem = Problem(type: "about:blank", title: status == 409 ? "Conflict" : status == 413 ? "Verzoek te groot" : "Niet toegestaan", status: status, detail: detail, instance: instance,
                                  invalidParams: fields.isEmpty ? nil : fields.map { .init(name: $0.name, reason: $0.message) })
            }
        case let error as ServerError:
            if error.underlyingError is AppError || DatabaseError.isBusy(error.underlyingError) {
                return self.problem(for: error.underlyingError, request: request, context: context)
            }
            if error.operationInput != nil {
                // The request was decoded and the handler failed (a database error, a bug): a server
                // error, logged and counted — not the client's "wrong shape".
                context.logger.error("API handler failed", metadata: [
                    "operation": .string(error.operationID), "error": .string(String(describing: type(of: error.underlyingError)))])
                problem = Problem(type: "about:blank", title: "Interne fout", status: 500, detail: "Verzoek-id \(context.requestID).", instance: instance, invalidParams: nil)
                break
            }
            // The generated code could not decode the request: a parameter or body of the wrong type.
            let field = Self.fieldPath(from: error, request: request)
            problem = Problem(type: "about:blank", title: "Ongeldig verzoek", status: 400,
                              detail: "Een parameter of de body heeft niet de vorm die de specificatie voorschrijft.", instance: instance,
                              invalidParams: field.map { [.init(name: $0, reason: "heeft een ongeldige waarde")] })
        case let error as HTTPError where error.status == .notFound:
            problem = Problem(type: "about:blank", title: "Niet gevonden", status: 404, detail: nil, instance: instance, invalidParams: nil)
        case let error where DatabaseError.isBusy(error):
            context.logger.warning("database busy", metadata: ["error": .string(String(describing: error))])
            problem = Problem(type: "about:blank", title: "Tijdelijk niet beschikbaar", status: 503,
                              detail: "De database is even bezet. Probeer het over 5 seconden opnieuw.", instance: instance, invalidParams: nil)
        case is NIOTooManyBytesError:
            problem = Problem(type: "about:blank", title: "Verzoek te groot", status: 413,
                              detail: "De body is groter dan \(context.maxUploadSize / 1_048_576) MiB. Een document (content, base64) mag ten hoogste 7 MiB zijn.",
                              instance: instance, invalidParams: nil)
        default:
            context.logger.error("unhandled API error", metadata: ["error": .string(String(describing: type(of: error)))])
            problem = Problem(type: "about:blank", title: "Interne fout", status: 500, detail: "Verzoek-id \(context.requestID).", instance: instance, invalidParams: nil)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = (try? encoder.encode(problem)) ?? Data()
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if problem.status == 401 { headers[.wwwAuthenticate] = "Bearer" }
        if problem.status == 503 { headers[.retryAfter] = "5" }
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
    /// Path templates under the door's base path (segments, `{…}` for a parameter) with their methods.
    let operations: [(segments: [Substring], methods: Set<String>)]
    let door: APIDoor

    init(document: Data, door: APIDoor = .staff) throws {
        self.door = door
        let json = try JSONSerialization.jsonObject(with: document) as? [String: Any]
        let paths = json?["paths"] as? [String: Any] ?? [:]
        operations = paths.map { path, item in
            let methods = Set((item as? [String: Any] ?? [:]).keys.map { $0.uppercased() }).intersection(["GET", "PUT", "POST", "DELETE", "PATCH"])
            // The public document also answers a CORS preflight (APIDocumentRoutes).
            let preflight: Set<String> = door.basePath + path == door.documentPath ? ["OPTIONS"] : []
            return (path.split(separator: "/"), methods.union(methods.contains("GET") ? ["HEAD"] : []).union(preflight))
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix(door.basePath + "/") else { return try await next(request, context) }
        // ADR 2.1.0 /core/no-trailing-slash: a resource asked for with a trailing slash (or an empty
        // segment, `/cases//`) is a 404 — not the resource, not a redirect. The router itself would
        // ignore the slash.
        if path.hasSuffix("/") || path.contains("//") {
            return Self.problem(status: .notFound, title: "Niet gevonden",
                                detail: "Dit pad bestaat niet. Paden eindigen niet op een schuine streep.", path: path, version: door.version)
        }
        let segments = path.dropFirst(door.basePath.count).split(separator: "/")
        guard let operation = operations.first(where: { Self.matches($0.segments, segments) }),
              !operation.methods.contains(request.method.rawValue) else {
            return try await next(request, context)
        }
        let allow = operation.methods.sorted().joined(separator: ", ")
        var response = Self.problem(status: .methodNotAllowed, title: "Methode niet toegestaan", detail: "Dit pad ondersteunt alleen \(allow).", path: path,
                                    version: door.version)
        response.headers[.allow] = allow
        return response
    }

    /// A problem+json answer of this middleware (before authentication), with the API's version.
    static func problem(status: HTTPResponse.Status, title: String, detail: String, path: String, version: String) -> Response {
        struct Body: Encodable { let type = "about:blank"; let title: String; let status: Int; let detail: String; let instance: String }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(Body(title: title, status: status.code, detail: detail, instance: path))) ?? Data()
        return Response(
            status: status,
            headers: [.contentType: "application/problem+json", .cacheControl: "no-store", HTTPField.Name("API-Version")!: version],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func matches(_ template: [Substring], _ segments: [Substring]) -> Bool {
        template.count == segments.count && zip(template, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }
}

/// Checks a JSON request body against the operation's request schema in the OpenAPI document, for
/// what the generated decoders do not enforce: a JSON `null` where the spec declares no nullable
/// property (the decoders would read it as "left out"); `maxLength`/`minLength` of strings, counted
/// in code points as JSON Schema counts them (`TextLength`, the rule the web forms use too); `format:
/// date` and `pattern`; the characters a text may hold (`TextCharacters`); and, where the schema says
/// `additionalProperties: false`, properties it does not declare.
/// Answers 400 problem+json naming the first offending property (`body.taskTitle`, `body.caseIds.1`).
struct APIRequestBodyCheck: Sendable {
    private struct Operation: @unchecked Sendable {
        let method: String
        let segments: [Substring]
        let schema: [String: Any]
    }
    private let operations: [Operation]
    nonisolated(unsafe) private let components: [String: Any]

    init(document: Data, door: APIDoor = .staff) throws {
        let json = try JSONSerialization.jsonObject(with: document) as? [String: Any] ?? [:]
        components = (json["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        var operations: [Operation] = []
        for (path, item) in json["paths"] as? [String: Any] ?? [:] {
            for (method, operation) in item as? [String: Any] ?? [:] {
                guard let body = (operation as? [String: Any])?["requestBody"] as? [String: Any],
                      let schema = ((body["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any] else { continue }
                operations.append(.init(method: method.uppercased(), segments: (door.basePath + path).split(separator: "/"), schema: schema))
            }
        }
        self.operations = operations
    }

    struct Violation: Equatable {
        let path: String
        let reason: String
    }

    /// The request with its body collected, after checking it; throws `AppError.invalid` naming
    /// the first property that breaks the schema.
    func check(_ request: Request, limit: Int) async throws -> Request {
        if let violation = Self.queryViolation(request) {
            throw AppError.invalid(detail: "\(violation.path) \(violation.reason).", fields: [.init(name: violation.path, message: violation.reason)])
        }
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else { return request }
        let segments = request.uri.path.split(separator: "/")
        guard let operation = operations.first(where: { $0.method == request.method.rawValue && APIMethodMiddleware.matches($0.segments, segments) }) else {
            return request
        }
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        guard let value = try? JSONSerialization.jsonObject(with: Data(buffer: buffer), options: [.fragmentsAllowed]),
              let violation = firstViolation(in: value, schema: operation.schema, path: ["body"]) else { return request }
        throw AppError.invalid(detail: "\(violation.path) \(violation.reason).", fields: [.init(name: violation.path, message: violation.reason)])
    }

    /// Properties that hold a name (of a person or a file): one line, no bidirectional controls.
    static let nameProperties: Set<String> = ["givenNames", "familyName", "filename"]

    static func describe(_ problem: TextCharacters.Problem) -> String {
        switch problem {
        case .controlCharacter(let value): "bevat een stuurteken (U+\(String(format: "%04X", value))) dat niet is toegestaan"
        case .bidiControl(let value): "bevat een teken dat de leesrichting omkeert (U+\(String(format: "%04X", value))), niet toegestaan in een naam"
        }
    }

    /// The first query parameter holding a control character, for any API path.
    static func queryViolation(_ request: Request) -> Violation? {
        guard let query = request.uri.query else { return nil }
        for (name, values) in FormData(urlEncoded: query).values.sorted(by: { $0.key < $1.key }) {
            for value in values {
                if let problem = TextCharacters.problem(in: value) { return Violation(path: name, reason: describe(problem)) }
            }
        }
        return nil
    }

    private func firstViolation(in value: Any, schema: [String: Any], path: [String]) -> Violation? {
        var schema = schema
        if let reference = schema["$ref"] as? String, let name = reference.split(separator: "/").last,
           let resolved = components[String(name)] as? [String: Any] {
            schema = resolved
        }
        let name = path.joined(separator: ".")
        if value is NSNull {
            let types = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
            return types.contains("null") || schema.isEmpty ? nil : Violation(path: name, reason: "mag niet null zijn: laat het veld weg of geef een waarde")
        }
        if let text = value as? String {
            let kind: TextCharacters.Kind = Self.nameProperties.contains(path.last ?? "") ? .name : .text
            if let problem = TextCharacters.problem(in: text, as: kind) {
                return Violation(path: name, reason: Self.describe(problem))
            }
            if let max = schema["maxLength"] as? Int, !TextLength.fits(text, within: max) {
                return Violation(path: name, reason: "is te lang: ten hoogste \(max) tekens (Unicode-codepunten)")
            }
            if let min = schema["minLength"] as? Int, TextLength.of(text) < min {
                return Violation(path: name, reason: "is te kort: ten minste \(min) tekens (Unicode-codepunten)")
            }
            if schema["format"] as? String == "date", text.utf8.count != 10 || CalendarDate(iso: text) == nil {
                return Violation(path: name, reason: "is geen datum: schrijf JJJJ-MM-DD, bijvoorbeeld 2026-11-23")
            }
            if let pattern = schema["pattern"] as? String, let regex = try? Regex(pattern), (try? regex.firstMatch(in: text)) == nil {
                return Violation(path: name, reason: "heeft niet de vorm \(pattern)")
            }
        } else if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            let additional = schema["additionalProperties"] as? [String: Any]
            for key in object.keys.sorted() {
                guard let propertySchema = (properties[key] as? [String: Any]) ?? additional else {
                    // A misspelt field must not pass as "left out" (a PUT would empty what it meant to set).
                    if schema["additionalProperties"] as? Bool == false {
                        return Violation(path: (path + [key]).joined(separator: "."),
                                         reason: "is geen veld van dit verzoek: controleer de spelling (velden: \(properties.keys.sorted().joined(separator: ", ")))")
                    }
                    continue
                }
                if let found = firstViolation(in: object[key]!, schema: propertySchema, path: path + [key]) { return found }
            }
        } else if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, element) in array.enumerated() {
                if let found = firstViolation(in: element, schema: items, path: path + [String(index)]) { return found }
            }
        }
        return nil
    }
}
