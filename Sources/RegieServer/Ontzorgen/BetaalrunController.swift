import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage
import SEPA

/// The budget manager's work: the overview of arrangements, the municipality's policy versions,
/// and the monthly runs — prepared, checked for shortfalls, approved by a second budget manager,
/// exported as one SEPA file, failed payments recorded and paid again (R8b).
struct BetaalrunController {
    let services: AppServices
    var store: OntzorgenStore { services.ontzorgen }
    var today: CalendarDate { CalendarDate.today(now: services.clock.now()) }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.ontzorgen.path), use: overview)
        router.post(RouterPath(SiteRoute.ontzorgenRuns.path), use: prepare)
        router.get(RouterPath(SiteRoute.ontzorgenPolicy.path), use: policy)
        router.post(RouterPath(SiteRoute.ontzorgenPolicy.path), use: savePolicy)
        router.get(RouterPath(SiteRoute.ontzorgenRunPattern), use: run)
        router.post(RouterPath(SiteRoute.ontzorgenRunActionPattern), use: runAction)
        router.get(RouterPath(SiteRoute.ontzorgenRunFilePattern), use: download)
        router.post(RouterPath(SiteRoute.ontzorgenPaymentActionPattern), use: paymentAction)
    }

    func municipalityName(_ code: String, _ principal: Principal) -> String {
        principal.municipalities.first { $0.code == code }?.name ?? code
    }

    // MARK: Overview

    func overview(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageOntzorgen)
        return try await renderOverview(principal, input: FormData(), errors: [], context: context, status: .ok)
    }

    func renderOverview(_ principal: Principal, input: FormData, errors: [AppError.FieldError], context: RegieRequestContext, status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context), l = t.locale
        let text = { (key: String) in t(key) }
        let date = { (iso: String?) in iso.map { DisplayDate.format($0, l) } ?? "—" }
        let scope = Policy.scope(for: principal)
        let municipalities = principal.municipalities
        async let runsQuery = store.listRuns(scope: scope)
        async let arrangementsQuery = store.listArrangements(scope: scope, today: today)
        async let undecidedQuery = store.undecided(scope: scope)
        async let failuresQuery = store.openFailures(scope: scope)
        let (runs, arrangements, undecided, failures) = try await (runsQuery, arrangementsQuery, undecidedQuery, failuresQuery)
        try await services.record(.ontzorgenOverview, context: context, permission: .manageOntzorgen)

        var policies: [[String: Any]] = []
        for m in municipalities {
            let current = try await store.policy(municipalityCode: m.code, on: today.iso)
            policies.append(["municipality": m.name, "has": current != nil,
                             "summary": current.map { PolicyText.summary($0, t) } ?? text("ontzorgen.policy.none"),
                             "href": SiteRoute.ontzorgenPolicy.path + "?gemeente=\(m.code)"])
        }
        let runRows: [[String: Any]] = runs.map { r in
            ["href": SiteRoute.ontzorgenRun(r.id).path, "month": MonthText.name(r.month, l), "municipality": municipalityName(r.municipalityCode, principal),
             "status": text(r.exportCount > 0 ? "ontzorgen.runStatus.exported" : "ontzorgen.runStatus.\(r.status)"),
             "payments": String(r.payments), "total": Money.format(Int(r.totalCents), l), "preparedBy": r.preparedByName, "approvedBy": r.approvedByName ?? "—"]
        }
        // Running arrangements, and those that ended (or were declined) within the last 60 days.
        let recent = arrangements.filter { a in (a.record.lastDay ?? today) >= today.adding(days: -60) || a.record.ontzorgd == 0 }
        let arrangementRows: [[String: Any]] = recent.map { a in
            let r = a.record
            let ended = r.closedOn != nil || (r.lastDay.map { $0 < today } ?? false)
            var flags: [String] = []
            if r.ontzorgd == 1 && !ended {
                if r.mandateSignedOn == nil { flags.append(text("ontzorgen.flags.mandate")) }
                if let end = r.lastDay, let w = OntzorgenBetaalRule.cursusWaarschuwing(einde: end, cursusEinde: r.courseEnd.flatMap(CalendarDate.init(iso:)),
                                                                                    afgerond: r.courseCompletedOn.flatMap(CalendarDate.init(iso:))) {
                    flags.append(text("ontzorgen.flags.course.\(w.rawValue)"))
                }
                if let end = r.lastDay, end.days(until: today) > -31, end >= today { flags.append(text("ontzorgen.flags.endingSoon")) }
            }
            let review = a.nextReview.map { date($0) } ?? "—"
            return ["href": SiteRoute.personOntzorgen(r.personId).path, "name": "\(a.givenNames) \(a.familyName)",
                    "status": r.ontzorgd == 0 ? text("ontzorgen.no") : (ended ? text("ontzorgen.ended") : text("ontzorgen.running")),
                    "start": date(r.bijstandStart), "end": r.ontzorgd == 1 ? date(r.lastDay?.iso) : "—", "review": review,
                    "overdue": a.nextReview.map { $0 < today.iso } ?? false, "flags": flags.joined(separator: " · ")]
        }
        let undecidedRows: [[String: String]] = undecided.rows.map { c in
            ["href": SiteRoute.personOntzorgen(c.personId).path,
             "name": c.detailsPending ? text("person.namePending") : "\(c.givenNames) \(c.familyName)", "brp": date(c.brpDate)]
        }
        let failureRows: [[String: String]] = failures.map { b in
            ["href": SiteRoute.ontzorgenRun(b.runId).path + "#mislukt", "payee": b.payeeName, "amount": Money.format(b.amountCents, l),
             "month": MonthText.name(b.month, l), "reason": b.failureReason ?? "", "repay": b.repay == 1 ? text("ontzorgen.repayRequested") : ""]
        }
        let selected = context.principal?.session?.municipalityCode ?? municipalities.first?.code ?? ""
        let nextMonth = Maand(today).next
        let value = { (name: String, fallback: String) in input.raw(name) ?? fallback }
        let fields = [
            FieldView(.select, name: "gemeente", label: text("ontzorgen.municipality"), value: value("gemeente", selected),
                      options: municipalities.map { ($0.code, $0.name) }, required: true, errors: errors),
            FieldView(.input("month"), name: "maand", label: text("ontzorgen.runMonth"), hint: text("ontzorgen.runMonthHint"),
                      value: value("maand", nextMonth.iso), required: true, errors: errors),
            FieldView(.input("date"), name: "uitvoerdatum", label: text("ontzorgen.executionDate"), hint: text("ontzorgen.executionDateHint"),
                      value: value("uitvoerdatum", max(today.adding(days: 2), nextMonth.first.adding(days: -3)).iso), required: true, errors: errors),
        ]
        let content: [String: Any] = [
            "policies": policies, "runs": runRows, "hasRuns": !runRows.isEmpty, "arrangements": arrangementRows, "hasArrangements": !arrangementRows.isEmpty,
            "undecided": undecidedRows, "hasUndecided": !undecidedRows.isEmpty, "undecidedTotal": String(undecided.total),
            "undecidedMore": undecided.total > undecidedRows.count,
            "failures": failureRows, "hasFailures": !failureRows.isEmpty, "summary": ErrorSummary(errors), "fields": fields,
            "action": SiteRoute.ontzorgenRuns.path,
        ]
        return try services.views.render("ontzorgen", titleKey: "ontzorgen.title", content: content, context: context,
                                          current: SiteRoute.ontzorgen.path,
                                          notice: FormNotice.text(context, prefix: "ontzorgen.notices", keys: ["verwijderd"], t), status: status)
    }

    func prepare(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageOntzorgen)
        let input = context.form
        var r = InputReader()
        let command = PrepareBetaalrun(municipalityCode: r.text(input["gemeente"]), month: r.month("maand", input["maand"]),
                                       executionDate: r.date("uitvoerdatum", input["uitvoerdatum"]), read: r.issues)
        do {
            let run = try await services.run(command, principal: principal, scope: Policy.scope(for: principal), permission: .manageOntzorgen, context: context)
            return Response(status: .seeOther, headers: [.location: SiteRoute.ontzorgenRun(run.id).path])
        } catch let refused as FormErrors {
            return try await renderOverview(principal, input: input, errors: refused.fields, context: context, status: refused.status)
        }
    }

    // MARK: One run

    func run(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageOntzorgen)
        let id = try context.parameters.require("id")
        guard let run = try await store.fetchRun(id: id, scope: Policy.scope(for: principal)) else { throw AppError.notFound }
        try await services.record(.ontzorgenRunView, context: context, permission: .manageOntzorgen, detail: run.id)
        return try await renderRun(run, principal, error: nil, context: context, status: .ok)
    }

    /// `failure` and `repay`: what was typed in the form for a returned payment or for paying one
    /// again (with the payment's id), kept when it is refused.
    func renderRun(_ run: BetaalrunRecord, _ principal: Principal, error: String?, failure: FormData? = nil, repay: (id: String, iban: String)? = nil,
                   context: RegieRequestContext,
                   status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context), l = t.locale
        let text = { (key: String) in t(key) }
        let money = { (cents: Int) in Money.format(cents, l) }
        async let personsQuery = store.runPersonen(runId: run.id)
        // The payments a page at a time (a municipality's run can hold thousands); the persons in full.
        let page = max(1, context.form["pagina"].flatMap(Int.init) ?? 1)
        async let linesQuery = store.runBetalingen(runId: run.id, offset: (page - 1) * Self.pageSize, limit: Self.pageSize)
        async let failuresQuery = store.runFailures(runId: run.id)
        let (persons, (lines, lineTotal), failures) = try await (personsQuery, linesQuery, failuresQuery)
        let names = Dictionary(persons.map { ($0.record.personId, "\($0.givenNames) \($0.familyName)") }, uniquingKeysWith: { a, _ in a })
        let policy = try await store.policy(municipalityCode: run.municipalityCode, on: run.executionDate)
        let soortLabel = { (code: String) in SoortText.label(code, policy: policy, t) }
        let exported = run.exportCount > 0
        let held: [[String: Any]] = persons.filter { $0.record.holdReason != nil }.map { p in
            ["name": names[p.record.personId] ?? "", "href": SiteRoute.personOntzorgen(p.record.personId).path,
             "reason": text("ontzorgen.hold.\(p.record.holdReason ?? "")"), "shortfall": p.record.shortfallCents > 0 ? money(p.record.shortfallCents) : "—",
             "benefit": money(p.record.benefitCents), "deducted": money(p.record.deductedCents)]
        }
        let personRows: [[String: Any]] = persons.map { p in
            ["name": names[p.record.personId] ?? "", "href": SiteRoute.personOntzorgen(p.record.personId).path,
             "statementHref": SiteRoute.ontzorgenStatement(p.record.personId).path + "?maand=\(p.record.month)",
             "benefit": money(p.record.benefitCents), "deducted": money(p.record.deductedCents),
             "gift": p.record.giftCents > 0 ? money(p.record.giftCents) : "—", "leefgeld": money(p.record.leefgeldCents),
             "held": p.record.holdReason != nil, "status": p.record.holdReason.map { text("ontzorgen.hold.\($0)") } ?? text("ontzorgen.toPay")]
        }
        let lineRows: [[String: Any]] = lines.map { b in
            ["id": b.id, "anchor": "betaling-\(b.id)", "name": names[b.personId] ?? "", "what": soortLabel(b.soort) + (b.retryOf != nil ? " (\(text("ontzorgen.lineStatus.herbetaling")))" : ""),
                    "payee": b.payeeName, "iban": (try? IBAN(b.iban).grouped) ?? b.iban, "reference": b.reference, "amount": money(b.amountCents),
                    "hasMonth": b.month != run.month, "month": MonthText.name(b.month, l),
                    "status": text("ontzorgen.lineStatus.\(b.status)") + (b.failureReason.map { ": \($0)" } ?? "") + (b.repay == 1 ? " — \(text("ontzorgen.repayRequested"))" : ""),
                    "held": b.status == "aangehouden", "endToEndId": b.endToEndId]
        }
        // Failed and returned payments, each with the way to pay it again (once).
        let failureRows: [[String: Any]] = failures.map { b in
            ["id": b.id, "name": names[b.personId] ?? "", "what": soortLabel(b.soort), "payee": b.payeeName,
             "amount": money(b.amountCents), "endToEndId": b.endToEndId, "reason": b.failureReason ?? "",
             "failedOn": b.failedOn.map { DisplayDate.format($0, l) } ?? "", "repayRequested": b.repay == 1,
             "repayOpen": repay?.id == b.id, "repayIban": repay?.id == b.id ? repay?.iban ?? "" : "",
             "repayAction": SiteRoute.ontzorgenPaymentAction(b.id, action: "opnieuw").path]
        }
        let isPreparer = run.preparedBy == principal.actorId
        let base = SiteRoute.ontzorgenRun(run.id).path
        let content: [String: Any] = [
            "title": t("ontzorgen.runTitle", ["month": MonthText.name(run.month, l), "municipality": municipalityName(run.municipalityCode, principal)]),
            "backHref": SiteRoute.ontzorgen.path, "status": text(exported ? "ontzorgen.runStatus.exported" : "ontzorgen.runStatus.\(run.status)"),
            "isConcept": run.status == "concept", "isApproved": run.status == "goedgekeurd", "exported": exported,
            "exportInfo": exported ? t("ontzorgen.exportInfo", ["count": String(run.exportCount), "moment": run.exportedAt.map { DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval($0))) } ?? "", "id": run.messageId]) : "",
            "canApprove": run.status == "concept" && !isPreparer && run.payments > 0, "isPreparer": isPreparer && run.status == "concept",
            "empty": run.payments == 0,
            "preparedBy": run.preparedByName, "preparedAt": DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval(run.preparedAt))),
            "approvedBy": run.approvedByName ?? "", "approvedAt": run.approvedAt.map { DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval($0))) } ?? "",
            "executionDate": DisplayDate.format(run.executionDate, l), "payments": String(run.payments), "total": Money.format(Int(run.totalCents), l),
            "personCount": String(persons.count), "heldCount": String(held.count), "held": held, "hasHeld": !held.isEmpty,
            "persons": personRows, "hasPersons": !personRows.isEmpty, "lines": lineRows, "hasLines": !lineRows.isEmpty,
            "lineRange": lineTotal == 0 ? "" : t("ontzorgen.lineRange", ["from": String((page - 1) * Self.pageSize + 1),
                                                                                   "to": String((page - 1) * Self.pageSize + lines.count), "total": String(lineTotal)]),
            "previousHref": page > 1 ? base + "?pagina=\(page - 1)#betalingen-kop" : "", "hasPrevious": page > 1,
            "nextHref": page * Self.pageSize < lineTotal ? base + "?pagina=\(page + 1)#betalingen-kop" : "", "hasNext": page * Self.pageSize < lineTotal,
            "canRecordFailure": exported, "failures": failureRows, "hasFailures": !failureRows.isEmpty, "failureOpen": failure != nil,
            "failureE2E": failure?.raw("endToEndId") ?? "", "failureReason": failure?.raw("reason") ?? "",
            "failureDate": failure?.raw("failedOn") ?? today.iso, "failureAction": SiteRoute.ontzorgenRunAction(run.id, action: "terugboeking").path,
            "recomputeAction": SiteRoute.ontzorgenRunAction(run.id, action: "opnieuw-berekenen").path,
            "deleteAction": SiteRoute.ontzorgenRunAction(run.id, action: "verwijderen").path, "approveAction": SiteRoute.ontzorgenRunAction(run.id, action: "goedkeuren").path,
            "fileHref": SiteRoute.ontzorgenRunFile(run.id).path, "error": error ?? "", "hasError": error != nil,
        ]
        return try services.views.render("ontzorgen-run", titleKey: "ontzorgen.runTitle",
                                          titleArguments: ["month": MonthText.name(run.month, l), "municipality": municipalityName(run.municipalityCode, principal)],
                                          content: content, context: context, current: SiteRoute.ontzorgen.path,
                                          notice: FormNotice.text(context, prefix: "ontzorgen.notices", keys: ["terugboeking"], t), status: status)
    }

    static let pageSize = 250

    func runAction(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageOntzorgen)
        let id = try context.parameters.require("id")
        let action = try context.parameters.require("action")
        let scope = Policy.scope(for: principal)
        guard let run = try await store.fetchRun(id: id, scope: scope) else { throw AppError.notFound }
        @discardableResult
        func perform<C: CaseworkCommand>(_ command: C) async throws -> C.Output {
            try await services.run(command, principal: principal, scope: scope, permission: .manageOntzorgen, context: context)
        }
        do {
            switch action {
            case "opnieuw-berekenen":
                try await perform(RecomputeBetaalrun(runId: id))
            case "verwijderen":
                try await perform(DeleteBetaalrun(runId: id))
                return Response(status: .seeOther, headers: [.location: SiteRoute.ontzorgen.path + "?melding=verwijderd"])
            case "goedkeuren":
                try await perform(ApproveBetaalrun(runId: id))
            case "terugboeking":
                // The bank's report names the payment by its EndToEndId.
                var r = InputReader()
                let command = RecordPaymentFailure(runId: id, endToEndId: r.text(context.form["endToEndId"]), reason: r.text(context.form["reason"]),
                                                   failedOn: r.date("failedOn", context.form["failedOn"]), read: r.issues)
                do {
                    try await perform(command)
                } catch let refused as FormErrors where refused.status == .badRequest {
                    return try await renderRun(run, principal, error: refused.fields.map(\.message).joined(separator: " "), failure: context.form,
                                               context: context, status: .badRequest)
                }
                return Response(status: .seeOther, headers: [.location: SiteRoute.ontzorgenRun(id).path + "?melding=terugboeking"])
            default:
                throw AppError.notFound
            }
        } catch let refused as FormErrors {
            let current = try await store.fetchRun(id: id, scope: scope) ?? run
            return try await renderRun(current, principal, error: refused.fields.map(\.message).joined(separator: " "), context: context, status: refused.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.ontzorgenRun(id).path])
    }

    /// The SEPA file of an approved run. Downloading again gives the same file; each download is audited.
    func download(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageOntzorgen)
        let id = try context.parameters.require("id")
        let scope = Policy.scope(for: principal)
        guard let run = try await store.fetchRun(id: id, scope: scope) else { throw AppError.notFound }
        let export: OntzorgenStore.Export
        do {
            export = try await services.run(ExportBetaalrun(runId: id), principal: principal, scope: scope, permission: .manageOntzorgen, context: context)
        } catch let refused as FormErrors {
            return try await renderRun(run, principal, error: refused.fields.map(\.message).joined(separator: " "), context: context, status: refused.status)
        }
        let xml = SEPACreditTransfer.document(SEPACreditTransfer.Batch(
            messageId: export.run.messageId, executionDate: export.run.executionDate,
            debtorName: export.debtorName, debtorIban: export.debtorIban, debtorBic: export.debtorBic, createdAt: export.createdAt,
            payments: export.betalingen.map {
                SEPACreditTransfer.Payment(endToEndId: $0.endToEndId, amountCents: $0.amountCents, payeeName: $0.payeeName, iban: $0.iban, reference: $0.reference)
            }))
        return Response(status: .ok, headers: [
            .contentType: "application/xml; charset=utf-8", .cacheControl: "no-store",
            .contentDisposition: "attachment; filename=\"\(run.messageId).xml\"",
        ], body: .init(byteBuffer: ByteBuffer(string: xml)))
    }

    func paymentAction(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageOntzorgen)
        let id = try context.parameters.require("id")
        let action = try context.parameters.require("action")
        let scope = Policy.scope(for: principal)
        guard let line = try await store.fetchBetaling(id: id, scope: scope),
              let run = try await store.fetchRun(id: line.runId, scope: scope) else { throw AppError.notFound }
        let input = context.form
        switch action {
        case "opnieuw":
            do {
                try await services.run(RequestRepayment(paymentId: id, iban: InputReader().text(input["iban"])), principal: principal, scope: scope,
                                       permission: .manageOntzorgen, context: context)
            } catch let refused as FormErrors {
                // A refused account keeps what was typed beside the payment; a refused state says why.
                let typed = refused.status == .badRequest ? (id, input.raw("iban") ?? "") : nil
                return try await renderRun(run, principal, error: refused.fields.map(\.message).joined(separator: " "), repay: typed,
                                           context: context, status: refused.status)
            }
        default:
            throw AppError.notFound
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.ontzorgenRun(run.id).path + "#betaling-\(id)"])
    }
}

/// A policy version in one sentence.
enum PolicyText {
    static func summary(_ p: OntzorgenBeleidRecord, _ t: Localizer) -> String {
        t("ontzorgen.policy.summary", [
            "beleid": t("ontzorgen.policy.beleid.\(p.beleid)"), "months": String(p.durationMonths),
            "bills": p.soortenList.map { SoortText.label($0.code, policy: p, t) }.joined(separator: ", "),
            "reviews": p.reviewMonthsList.map(String.init).joined(separator: ", "),
            "gift": p.firstRentGift == 1 ? t("ontzorgen.policy.giftYes") : t("ontzorgen.policy.giftNo"),
            "from": DisplayDate.format(p.effectiveFrom, t.locale),
        ])
    }
}
