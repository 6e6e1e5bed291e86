import DUO
import Foundation
import Inburgering
import RegieAPI
import RegieStorage

extension APIHandler {
    /// The reconciliation page as data: where Regie and DUO disagree, for the caller's municipalities.
    func listDUODiscrepancies(_ input: Operations.ListDUODiscrepancies.Input) async throws -> Operations.ListDUODiscrepancies.Output {
        guard let principal = APIMiddleware.current?.principal else { throw AppError.unauthenticated }
        guard Policy.allows(principal, .readCasework) else { throw AppError.forbidden }
        var scope = Policy.scope(for: principal)
        if let code = input.query.municipality {
            guard code.count == 6, code.hasPrefix("GM"), code.dropFirst(2).allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw AppError.invalid(detail: "municipality moet een CBS-code zijn, zoals GM0988.", fields: [.init(name: "municipality", message: "moet een CBS-code zijn")])
            }
            scope = scope.narrowed(toMunicipality: code)
        }
        let rows = try await services.duoStore.reconciliation(scope: scope)
        if !rows.isEmpty {
            try await services.record(.duoReconciliationView, context: try context, permission: .readCasework,
                                      detail: "api; personen: " + rows.map(\.personId).joined(separator: ","))
        }
        let data = rows.flatMap { row in
            row.verschillen.map { difference -> Components.Schemas.DuoDiscrepancy in
                let (regie, duo): (String?, String?) = switch difference {
                case .plicht(let open, let obliged): (open ? "open" : "closed", obliged ? "obliged" : "notObliged")
                case .doelgroep(let regie, let duo): (regie?.rawValue, duo?.rawValue)
                case .pip(let regie, let regieRoute, let duo, let duoRoute):
                    (regie.map { $0.iso + (regieRoute.map { " " + $0.duoCode } ?? "") }, duo.map { $0.iso + (duoRoute.map { " " + $0.duoCode } ?? "") })
                case .termijn(let regie, let duo): (regie?.iso, duo?.iso)
                }
                return .init(caseId: row.personId, municipality: row.municipalityCode, kind: APIValues.spec(stored: difference.key) ?? .plicht, regie: regie, duo: duo)
            }
        }
        return .ok(.init(headers: .init(apiVersion: RegieAPISpec.version), body: .json(.init(data: data))))
    }
}
