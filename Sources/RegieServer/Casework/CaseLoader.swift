import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// Loads the person of a case route in the principal's scope (or answers 404) and names the actor
/// for the timeline. Shared by every casework controller.
struct CaseLoader {
    let services: AppServices

    struct Loaded {
        let principal: Principal
        let person: PersonRecord
        let traject: TrajectRecord
        let scope: TenantScope
    }

    func load(_ context: RegieRequestContext, permission: Permission) async throws -> Loaded {
        try await load(id: try context.parameters.require("id"), context: context, permission: permission)
    }

    func load(id: String, context: RegieRequestContext, permission: Permission) async throws -> Loaded {
        let principal = try context.require(permission)
        let scope = Policy.scope(for: principal)
        guard let found = try await services.persons.fetchCase(personId: id, scope: scope) else { throw AppError.notFound }
        return Loaded(principal: principal, person: found.person, traject: found.traject, scope: scope)
    }

    static func actor(_ principal: Principal) -> CaseActor {
        CaseActor(id: principal.user?.id, name: principal.displayName)
    }

    var today: CalendarDate { CalendarDate.today(now: services.clock.now()) }
}

/// Options for choice fields, labelled from the catalogue.
enum Choices {
    static func doelgroepen(_ t: Localizer) -> [(String, String)] {
        Doelgroep.allCases.map { ($0.rawValue, t("doelgroepen.\($0.rawValue)")) }
    }

    static func routes(_ t: Localizer) -> [(String, String)] {
        Leerroute.allCases.map { ($0.rawValue, t("routes.\($0.rawValue)")) }
    }

    static func levels(_ levels: [Taalniveau]) -> [(String, String)] {
        levels.map { ($0.rawValue, $0.rawValue) }
    }

    /// A select's "choose" first option.
    static func withEmpty(_ options: [(String, String)], _ t: Localizer) -> [(String, String)] {
        [("", t("common.choose"))] + options
    }
}
