import Foundation
import Hummingbird
import RegieCasework
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
        router.get(RouterPath(SiteRoute.taskPattern), use: editTask)
        router.post(RouterPath(SiteRoute.taskPattern), use: saveTask)
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

    /// Stores a task from the form (assigned to the case's consulent); throws `FormErrors`.
    func recordTask(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws -> TaakRecord {
        var r = InputReader()
        return try await services.run(AddTask(file: loaded.file, title: input["taskTitle"], due: r.date("taskDue", input["taskDue"]), read: r.issues),
                                      on: loaded, context: context)
    }

    func complete(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        try await services.run(CompleteTask(file: loaded.file, taskId: try context.parameters.require("task")), on: loaded, context: context)
        return Response(status: .seeOther, headers: [.location: SiteRoute.person(loaded.person.id).path + "?melding=taakAfgerond#taken"])
    }

    // MARK: One task: corrected in place or withdrawn (issue 15 item 3)

    struct TaskView: Encodable {
        let name: String
        let backHref: String
        let title: String
        let summary: ErrorSummary
        let fields: [FieldView]
        let action: String
        let withdraw: WithdrawView
    }

    /// The open task of this person the route names; 404 otherwise (done, withdrawn, or another's).
    private func openTask(_ loaded: CaseLoader.Loaded, _ context: RegieRequestContext) async throws -> TaakRecord {
        let id = try context.parameters.require("task")
        guard let taak = try await services.casework.listTaken(personId: loaded.person.id, scope: loaded.scope).first(where: { $0.id == id }) else {
            throw AppError.notFound
        }
        return taak
    }

    func editTask(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        let taak = try await openTask(loaded, context)
        try await services.record(.caseworkTaskView, context: context, permission: .readCasework, person: loaded.person, detail: taak.id)
        return try renderTask(loaded, taak, input: FormData(pairs: [("taskTitle", taak.title), ("taskDue", taak.dueDate?.iso ?? "")]), errors: [],
                              context: context, status: .ok)
    }

    private func renderTask(_ loaded: CaseLoader.Loaded, _ taak: TaakRecord, input: FormData, errors: [AppError.FieldError], context: RegieRequestContext,
                            status: HTTPResponse.Status) throws -> Response {
        let t = services.localizer(context)
        let name = loaded.person.displayName(t)
        return try services.views.render(
            "task", titleKey: "tasks.editTitle", titleArguments: ["name": name],
            content: TaskView(
                name: name, backHref: SiteRoute.person(loaded.person.id).path + "#taken", title: taak.title, summary: ErrorSummary(errors),
                fields: [
                    FieldView(.input("text"), name: "taskTitle", label: t("tasks.title"), value: input.raw("taskTitle") ?? "", required: true, errors: errors,
                              extra: "maxlength=\"200\""),
                    FieldView(.input("date"), name: "taskDue", label: t("tasks.due"), value: input.raw("taskDue") ?? "", errors: errors),
                ],
                action: SiteRoute.task(loaded.person.id, taak.id).path,
                withdraw: WithdrawView(.taak, personId: loaded.person.id, recordId: taak.id, form: context.form)),
            context: context, status: status)
    }

    func saveTask(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        let taak = try await openTask(loaded, context)
        var r = InputReader()
        do {
            _ = try await services.run(EditTask(file: loaded.file, taskId: taak.id, title: context.form["taskTitle"], due: r.date("taskDue", context.form["taskDue"]),
                                                read: r.issues), on: loaded, context: context)
        } catch let invalid as FormErrors {
            return try renderTask(loaded, taak, input: context.form, errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.person(loaded.person.id).path + "?melding=taakGewijzigd#taken"])
    }

    struct Row: Encodable { let href: String; let name: String; let title: String; let due: String?; let overdue: Bool }
    struct MineView: Encodable { let rows: [Row]; let hasRows: Bool }

    /// The signed-in worker's open tasks across their cases, earliest due first.
    func mine(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.editPersons)
        let today = CalendarDate.today(now: services.clock.now())
        try await services.casework.createOutcomeTasks(now: services.clock.now())
        let open = try await services.casework.listOpenTaken(assigneeId: principal.actorId, scope: Policy.scope(for: principal))
        if !open.isEmpty {
            try await services.record(.tasksView, context: context, permission: .readPersons, detail: "personen: " + Set(open.map(\.personId)).sorted().joined(separator: ","))
        }
        let rows = open.map { taak in
            Row(href: SiteRoute.person(taak.personId).path + "#taken", name: "\(taak.familyName), \(taak.givenNames)", title: taak.title,
                due: taak.dueDate.map { DisplayDate.format($0, context.locale) }, overdue: taak.dueDate.map { $0 < today } ?? false)
        }
        return try services.views.render("tasks", titleKey: "tasks.mine", content: MineView(rows: rows, hasRows: !rows.isEmpty), context: context,
                                          current: SiteRoute.myTasks.path)
    }
}
