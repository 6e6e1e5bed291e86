import Foundation
import Inburgering
import OpenAPIRuntime
import RegieAPI
import RegieStorage

/// The `/api/v1` operations, implementing the protocol generated from `RegieAPI/openapi.json`.
struct APIHandler: APIProtocol {
    let services: AppServices

    private func principal() throws -> Principal {
        guard let principal = APIMiddleware.current?.principal else { throw AppError.unauthenticated }
        return principal
    }

    func getCurrentPrincipal(_ input: Operations.GetCurrentPrincipal.Input) async throws -> Operations.GetCurrentPrincipal.Output {
        let principal = try principal()
        let organisation = Components.Schemas.Organisation(id: principal.organisationId, name: principal.organisationName)
        let body = Components.Schemas.Principal(
            _type: principal.user == nil ? .apiKey : .user,
            name: principal.displayName,
            organisation: organisation,
            roles: principal.roles.compactMap { APIValues.spec($0) },
            municipalities: principal.municipalities.map { .init(code: $0.code, name: $0.name) })
        return .ok(.init(headers: .init(apiVersion: RegieAPISpec.version), body: .json(body)))
    }

    func listMunicipalities(_ input: Operations.ListMunicipalities.Input) async throws -> Operations.ListMunicipalities.Output {
        let principal = try principal()
        let limit = try APIPaging.limit(input.query.limit)
        try APIPaging.cursor(input.query.after, within: 200)
        let page = try await services.users.listMunicipalities(organisationId: principal.organisationId, after: input.query.after, limit: limit)
        let next = page.next.map { "/api/v1/municipalities?limit=\(limit)&after=\(QueryValue.encode($0))" }
        return .ok(.init(headers: .init(apiVersion: RegieAPISpec.version),
                         body: .json(.init(data: page.rows.map { .init(code: $0.code, name: $0.name) }, next: next))))
    }
}
