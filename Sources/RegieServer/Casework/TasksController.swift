import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// Open tasks: in a case (made by the case worker, or by Regie and DUO where a person must act)
/// and a worker's own list across cases.
struct TasksController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.post(RouterPath(SiteRoute.tasksPattern), use: add)
        router.post(RouterPath(SiteRoute.taskDonePattern), use: complete)
        router.get(RouterPath(SiteRoute.myTasks.path), use: mine)
    }

    func add(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        do {
            _ = try await recordTask(loaded, context.form, context: context)
        } catch let invalid as FormErrors {
            return try await PersonController(services: services).render(loaded.person, principal: loaded.principal, context: context, revealBSN: false,
                                                                         taskInput: context.form, taskErrors: invalid.fields, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.person(loaded.person.id).path + "?melding=taak#taken"])
    }

    /// Validates and stores a task for the case (assigned to the case's consulent); throws `FormErrors`.
    func recordTask(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws -> TaakRecord {
        var v = Validator(services.catalogue, context.locale)
        let title = v.text("taskTitle", input["taskTitle"], label: "tasks.title", maxLength: 200)
        let due = v.date("taskDue", input["taskDue"], label: "tasks.due", required: false, notBefore: CalendarDate.today(now: services.clock.now()))
        if loaded.traject.closedDate != nil { v.fail("taskTitle", "tasks.errors.closed") }
        guard v.isValid, let title else { throw FormErrors(v.errors) }
        let taak = TaakRecord(id: CaseLoader.newID(), personId: loaded.person.id, title: title, dueDate: due?.iso, assigneeId: nil, source: "handmatig",
                              createdBy: loaded.principal.actorId, createdAt: services.clock.now().epochSeconds)
        let event = services.auditEvent("casework.task.add", context: context, permission: .editPersons, person: loaded.person)
        guard let saved = try await services.casework.insertTaak(taak, scope: loaded.scope, actor: CaseLoader.actor(loaded.principal), audit: event,
                                                                 now: services.clock.now()) else { throw AppError.notFound }
        return saved
    }

    func complete(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        let taakId = try context.parameters.require("task")
        let event = services.auditEvent("casework.task.done", context: context, permission: .editPersons, person: loaded.person)
        do {
            guard try await services.casework.completeTaak(personId: loaded.person.id, taakId: taakId, by: loaded.principal.actorId, scope: loaded.scope,
                                                           actor: CaseLoader.actor(loaded.principal), audit: event, now: services.clock.now()) != nil else {
                throw AppError.notFound
            }
        } catch CaseworkStore.TaakError.notOpen {
            throw AppError.notFound
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.person(loaded.person.id).path + "?melding=taakAfgerond#taken"])
    }

    struct Row { let href: String; let name: String; let title: String; let due: String?; let overdue: Bool }
    struct MineView { let rows: [Row]; let hasRows: Bool }

    /// The signed-in worker's open tasks across their cases, earliest due first.
    func mine(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.editPersons)
        let today = CalendarDate.today(now: services.clock.now())
        let open = try await services.casework.listOpenTaken(assigneeId: principal.actorId, scope: Policy.scope(for: principal))
        if !open.isEmpty {
            try await services.record("tasks.view", context: context, permission: .readPersons, detail: "personen: " + Set(open.map(\.personId)).sorted().joined(separator: ","))
        }
        let rows = open.map { taak in
            Row(href: SiteRoute.person(taak.personId).path + "#taken", name: "\(taak.familyName), \(taak.givenNames)", title: taak.title,
                due: taak.dueDate.map { DisplayDate.format($0, context.locale) }, overdue: taak.dueDate.flatMap(CalendarDate.init(iso:)).map { $0 < today } ?? false)
        }
        return try services.views.render("tasks", titleKey: "tasks.mine", content: MineView(rows: rows, hasRows: !rows.isEmpty), context: context,
                                          current: SiteRoute.myTasks.path)
    }
}
