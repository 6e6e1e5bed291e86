import Foundation
import Inburgering
import RegieCasework
import RegieStorage

/// How the web and the API call casework commands: the request's principal, scope and audit stamp
/// become the command's context; a refusal becomes the field messages in the reader's language.
extension AppServices {
    var stores: CaseworkStores { CaseworkStores(persons: persons, casework: casework, settings: settings, duo: duoStore, ontzorgen: ontzorgen, users: users,
                                                  providers: providers) }

    func commandContext(_ context: RegieRequestContext, principal: Principal, scope: TenantScope, permission: Permission) -> CommandContext {
        CommandContext(
            scope: scope, actor: CaseLoader.actor(principal), actorId: principal.actorId, actsAsConsulent: principal.roles.contains(.consulent),
            municipalityCodes: principal.municipalities.map(\.code),
            municipalityNames: Dictionary(principal.municipalities.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a }), now: clock.now(),
            audit: { action, person, detail in self.auditEvent(action, context: context, permission: permission, person: person, detail: detail) })
    }

    /// Runs a command for a principal; refusals come back as `FormErrors` (the web form shows them
    /// beside the fields, the API as problem+json), a case out of scope as 404.
    func run<C: CaseworkCommand>(_ command: C, principal: Principal, scope: TenantScope, permission: Permission,
                                 context: RegieRequestContext) async throws -> C.Output {
        do {
            return try await command.run(commandContext(context, principal: principal, scope: scope, permission: permission), stores: stores)
        } catch let refused as CaseworkError {
            throw catalogue.formErrors(refused, context.locale)
        } catch is CaseNotFound {
            throw AppError.notFound
        }
    }

    /// Runs a command on a loaded case.
    func run<C: CaseworkCommand>(_ command: C, on loaded: CaseLoader.Loaded, permission: Permission = .editPersons,
                                 context: RegieRequestContext) async throws -> C.Output {
        try await run(command, principal: loaded.principal, scope: loaded.scope, permission: permission, context: context)
    }
}

extension CaseLoader.Loaded {
    var file: CaseFile { CaseFile(person: person, traject: traject) }
}
