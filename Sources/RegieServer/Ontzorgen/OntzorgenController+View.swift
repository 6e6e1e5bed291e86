import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// A form on a page with several: its own error summary, fields and button, open when it failed.
struct FormBlock: Encodable {
    let id: String
    let title: String
    let intro: String
    let action: String
    let open: Bool
    let summary: ErrorSummary
    let fields: [FieldView]
    let submit: String
}

extension OntzorgenController {
    func render(_ loaded: CaseLoader.Loaded, _ dossier: OntzorgenDossier, form failed: String?, input: FormData, errors: [AppError.FieldError],
                context: RegieRequestContext, status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context), l = t.locale
        let text = { (key: String) in t(key) }
        let date = { (iso: String?) in iso.map { DisplayDate.format($0, l) } ?? "—" }
        let money = { (cents: Int) in Money.format(cents, l) }
        let p = loaded.person
        let record = dossier.ontzorging
        let today = loader.today
        let canManage = Policy.allows(loaded.principal, .manageOntzorgen)
        let name = p.displayName(t)
        let action = { (form: String) in SiteRoute.personOntzorgenForm(p.id, form: form).path }
        // A failed form shows what was typed; the others show what is stored.
        func value(_ form: String, _ field: String, _ stored: String?) -> String {
            failed == form ? (input.raw(field) ?? "") : (stored ?? "")
        }
        func errs(_ form: String) -> [AppError.FieldError] { failed == form ? errors : [] }
        let soorten = dossier.beleid?.soortenList ?? OntzorgSoort.standaard
        let soortLabel = { (code: String) in SoortText.label(code, policy: dossier.beleid, t) }

        var facts: [[String: String]] = []
        var warnings: [String] = []
        if let r = record {
            facts = [
                ["label": text("ontzorgen.bijstandStart"), "value": date(r.bijstandStart)],
                ["label": text("ontzorgen.decision"), "value": r.ontzorgd == 1 ? text("ontzorgen.yes") : text("ontzorgen.no")],
                ["label": text("ontzorgen.reason"), "value": text("ontzorgen.reasons.\(r.decisionReason)")],
                ["label": text("ontzorgen.decisionDate"), "value": date(r.decisionDate)],
                ["label": text("ontzorgen.regime"), "value": text("ontzorgen.regimes.\(r.regime)")],
            ]
            if let note = store.openNote(r.decisionNoteSealed) { facts.append(["label": text("ontzorgen.note"), "value": note]) }
            if r.ontzorgd == 1 {
                facts.append(["label": text("ontzorgen.period"), "value": "\(date(r.bijstandStart)) – \(date(r.plannedEnd))"])
                if let until = r.extendedUntil { facts.append(["label": text("ontzorgen.extendedUntil"), "value": "\(date(until)) (\(r.extensionReason ?? ""))"]) }
                if let closed = r.closedOn {
                    let why = text("ontzorgen.closeReasons." + (r.closeReason ?? "einde"))
                    facts.append(["label": text("ontzorgen.closedOn"), "value": date(closed) + " — " + why])
                    if let handover = store.openNote(r.handoverNoteSealed) { facts.append(["label": text("ontzorgen.handover"), "value": handover]) }
                }
                facts.append(["label": text("ontzorgen.mandate"), "value": r.mandateSignedOn.map { date($0) } ?? text("ontzorgen.mandateMissing")])
                facts.append(["label": text("ontzorgen.leefgeldIban"),
                              "value": r.leefgeldIban.map { ((try? IBAN($0).grouped) ?? $0) + " — " + (r.leefgeldName ?? "") } ?? "—"])
                if r.closedOn == nil {
                    if r.mandateSignedOn == nil { warnings.append(text("ontzorgen.warnings.mandate")) }
                    if r.leefgeldIban == nil { warnings.append(text("ontzorgen.warnings.leefgeldAccount")) }
                    if dossier.uitkering.isEmpty { warnings.append(text("ontzorgen.warnings.noBenefit")) }
                    if let end = r.lastDay, let warning = OntzorgenBetaalRule.cursusWaarschuwing(
                        einde: end, cursusEinde: r.courseEnd.flatMap(CalendarDate.init(iso:)), afgerond: r.courseCompletedOn.flatMap(CalendarDate.init(iso:))) {
                        warnings.append(t("ontzorgen.warnings.course.\(warning.rawValue)", ["date": date(end.iso)]))
                    }
                }
            }
        }
        if let latest = dossier.runPersonen.first, latest.shortfallCents > 0 {
            warnings.append(t("ontzorgen.warnings.shortfall", ["amount": money(latest.shortfallCents), "month": MonthText.name(latest.month, l)]))
        }

        // The next paid month as the run would divide it (R8b).
        var next: [String: Any]? = nil
        if let r = record, let periode = r.periode, r.closedOn == nil || (r.lastDay ?? today) >= today {
            // The first paid month from this one on that no run has paid yet.
            let paid = Set(dossier.betalingen.filter { $0.status != "aangehouden" && $0.retryOf == nil }.map(\.month))
            let month = OntzorgenBetaalRule.betaalmaanden(periode).first { $0 >= Maand(today) && !paid.contains($0.iso) }
            if let month {
                let pm = OntzorgenStore.preview(month: month, arrangement: r, dossier: dossier)
                if let pm {
                    next = ["month": MonthText.name(month.iso, l), "benefit": money(pm.record.benefitCents), "deducted": money(pm.record.deductedCents),
                            "gift": pm.record.giftCents > 0 ? money(pm.record.giftCents) : "", "hasGift": pm.record.giftCents > 0,
                            "leefgeld": money(pm.record.leefgeldCents), "hasShortfall": pm.record.shortfallCents > 0,
                            "shortfall": money(pm.record.shortfallCents),
                            "hold": pm.record.holdReason.map { text("ontzorgen.hold.\($0)") } ?? "",
                            "isHeld": pm.record.holdReason != nil,
                            "lines": pm.lines.map { ["what": soortLabel($0.soort), "payee": $0.begunstigde, "amount": money($0.bedragCent),
                                                     "gift": $0.geschenk] as [String: Any] }]
                }
            }
        }

        let benefit = dossier.uitkering.reversed().map { ["from": date($0.validFrom), "amount": money($0.amountCents)] }
        let posts: [[String: String]] = dossier.posten.sorted { ($0.postId, $0.validFrom) < ($1.postId, $1.validFrom) }.map {
            ["what": soortLabel($0.soort), "payee": $0.payeeName, "iban": (try? IBAN($0.iban).grouped) ?? $0.iban, "reference": $0.reference,
             "amount": money($0.amountCents), "from": date($0.validFrom), "until": $0.validUntil.map { date($0) } ?? text("ontzorgen.open")]
        }
        let reviews = dossier.evaluaties.map {
            ["date": date($0.heldOn), "outcome": text("ontzorgen.outcomes.\($0.outcome)"), "note": store.openNote($0.noteSealed) ?? "", "who": $0.createdByName]
        }
        let months = Dictionary(grouping: dossier.betalingen, by: \.month).sorted { $0.key > $1.key }.map { (month, lines) -> [String: Any] in
            ["month": MonthText.name(month, l), "statementHref": SiteRoute.ontzorgenStatement(p.id).path + "?maand=\(month)",
             "lines": lines.map { b -> [String: Any] in
                ["what": soortLabel(b.soort), "payee": b.payeeName, "amount": money(b.amountCents),
                 "status": text("ontzorgen.lineStatus." + (b.retryOf != nil ? "herbetaling" : b.status)),
                 "hasReason": b.failureReason != nil, "reason": b.failureReason ?? ""]
             }]
        }

        // Forms (budget manager only).
        var forms: [FormBlock] = []
        if canManage {
            let r = record
            let reasonOptions = Self.reasons.map { ($0, text("ontzorgen.reasons.\($0)")) }
            forms.append(FormBlock(
                id: "besluit", title: text(r == nil ? "ontzorgen.forms.decide" : "ontzorgen.forms.changeDecision"), intro: text("ontzorgen.forms.decideIntro"),
                action: action("besluit"), open: r == nil || failed == "besluit", summary: ErrorSummary(errs("besluit")),
                fields: [
                    FieldView(.input("date"), name: "bijstandStart", label: text("ontzorgen.bijstandStart"), hint: text("ontzorgen.bijstandStartHint"),
                              value: value("besluit", "bijstandStart", r?.bijstandStart), required: true, errors: errs("besluit")),
                    FieldView(.radios, name: "ontzorgd", label: text("ontzorgen.decision"), value: value("besluit", "ontzorgd", r.map { $0.ontzorgd == 1 ? "ja" : "nee" }),
                              options: [("ja", text("ontzorgen.yes")), ("nee", text("ontzorgen.no"))], required: true, errors: errs("besluit")),
                    FieldView(.select, name: "reason", label: text("ontzorgen.reason"), value: value("besluit", "reason", r?.decisionReason),
                              options: Choices.withEmpty(reasonOptions, t), required: true, errors: errs("besluit")),
                    FieldView(.textarea, name: "note", label: text("ontzorgen.note"), hint: text("ontzorgen.noteHint"),
                              value: value("besluit", "note", store.openNote(r?.decisionNoteSealed)), errors: errs("besluit")),
                    FieldView(.input("date"), name: "decisionDate", label: text("ontzorgen.decisionDate"),
                              value: value("besluit", "decisionDate", r?.decisionDate ?? today.iso), required: true, errors: errs("besluit")),
                    FieldView(.input("date"), name: "mandate", label: text("ontzorgen.mandate"), hint: text("ontzorgen.mandateHint"),
                              value: value("besluit", "mandate", r?.mandateSignedOn), errors: errs("besluit")),
                    FieldView(.input("text"), name: "leefgeldIban", label: text("ontzorgen.leefgeldIban"), hint: text("ontzorgen.ibanHint"),
                              value: value("besluit", "leefgeldIban", r?.leefgeldIban), errors: errs("besluit"), extra: "autocomplete=\"off\" spellcheck=\"false\""),
                    FieldView(.input("text"), name: "leefgeldName", label: text("ontzorgen.leefgeldName"),
                              value: value("besluit", "leefgeldName", r?.leefgeldName ?? "\(p.givenNames) \(p.familyName)"), errors: errs("besluit")),
                ], submit: text("ontzorgen.forms.saveDecision")))
            if let r, r.ontzorgd == 1, r.closedOn == nil {
                forms.append(FormBlock(
                    id: "uitkering", title: text("ontzorgen.forms.benefit"), intro: text("ontzorgen.forms.benefitIntro"), action: action("uitkering"),
                    open: failed == "uitkering" || dossier.uitkering.isEmpty, summary: ErrorSummary(errs("uitkering")),
                    fields: [
                        FieldView(.input("text"), name: "benefitAmount", label: text("ontzorgen.benefitAmount"), hint: text("ontzorgen.amountHint"),
                                  value: value("uitkering", "benefitAmount", nil), required: true, errors: errs("uitkering"), extra: "inputmode=\"decimal\""),
                        FieldView(.input("date"), name: "benefitFrom", label: text("ontzorgen.validFrom"),
                                  value: value("uitkering", "benefitFrom", dossier.uitkering.isEmpty ? r.bijstandStart : nil), required: true, errors: errs("uitkering")),
                    ], submit: text("ontzorgen.forms.saveBenefit")))
                let current = dossier.currentPosten.filter { $0.validUntil == nil }
                forms.append(FormBlock(
                    id: "post", title: text("ontzorgen.forms.payee"), intro: text("ontzorgen.forms.payeeIntro"), action: action("post"),
                    open: failed == "post" || dossier.posten.isEmpty, summary: ErrorSummary(errs("post")),
                    fields: [
                        FieldView(.select, name: "postId", label: text("ontzorgen.whichPayee"),
                                  value: value("post", "postId", nil),
                                  options: [("", text("ontzorgen.newPayee"))] + current.map { ($0.postId, "\(soortLabel($0.soort)) — \($0.payeeName)") }, errors: errs("post")),
                        FieldView(.select, name: "soort", label: text("ontzorgen.soort"), value: value("post", "soort", nil),
                                  options: Choices.withEmpty(soorten.map { ($0.code, soortLabel($0.code)) }, t), required: true, errors: errs("post")),
                        FieldView(.input("text"), name: "payee", label: text("ontzorgen.payee"), value: value("post", "payee", nil), required: true, errors: errs("post")),
                        FieldView(.input("text"), name: "iban", label: text("ontzorgen.iban"), hint: text("ontzorgen.ibanHint"), value: value("post", "iban", nil),
                                  required: true, errors: errs("post"), extra: "autocomplete=\"off\" spellcheck=\"false\""),
                        FieldView(.input("text"), name: "reference", label: text("ontzorgen.reference"), hint: text("ontzorgen.referenceHint"),
                                  value: value("post", "reference", nil), required: true, errors: errs("post")),
                        FieldView(.input("text"), name: "amount", label: text("ontzorgen.amount"), hint: text("ontzorgen.amountHint"),
                                  value: value("post", "amount", nil), required: true, errors: errs("post"), extra: "inputmode=\"decimal\""),
                        FieldView(.input("date"), name: "from", label: text("ontzorgen.validFrom"), hint: text("ontzorgen.validFromHint"),
                                  value: value("post", "from", nil), required: true, errors: errs("post")),
                        FieldView(.checkbox, name: "stop", label: text("ontzorgen.stopPayee"), value: value("post", "stop", nil), errors: errs("post")),
                    ], submit: text("ontzorgen.forms.savePayee")))
                forms.append(FormBlock(
                    id: "evaluatie", title: text("ontzorgen.forms.review"), intro: text("ontzorgen.forms.reviewIntro"), action: action("evaluatie"),
                    open: failed == "evaluatie", summary: ErrorSummary(errs("evaluatie")),
                    fields: [
                        FieldView(.input("date"), name: "heldOn", label: text("ontzorgen.heldOn"), value: value("evaluatie", "heldOn", today.iso), required: true, errors: errs("evaluatie")),
                        FieldView(.select, name: "outcome", label: text("ontzorgen.outcome"), value: value("evaluatie", "outcome", nil),
                                  options: Choices.withEmpty(Self.outcomes.map { ($0, text("ontzorgen.outcomes.\($0)")) }, t), required: true, errors: errs("evaluatie")),
                        FieldView(.textarea, name: "reviewNote", label: text("ontzorgen.note"), value: value("evaluatie", "reviewNote", nil), errors: errs("evaluatie")),
                    ], submit: text("ontzorgen.forms.saveReview")))
                forms.append(FormBlock(
                    id: "verlenging", title: text("ontzorgen.forms.extend"), intro: text("ontzorgen.forms.extendIntro"), action: action("verlenging"),
                    open: failed == "verlenging", summary: ErrorSummary(errs("verlenging")),
                    fields: [
                        FieldView(.input("date"), name: "extendedUntil", label: text("ontzorgen.extendedUntil"), value: value("verlenging", "extendedUntil", nil),
                                  required: true, errors: errs("verlenging")),
                        FieldView(.input("text"), name: "extensionReason", label: text("ontzorgen.extensionReason"), value: value("verlenging", "extensionReason", nil),
                                  required: true, errors: errs("verlenging")),
                        FieldView(.input("date"), name: "extensionDecided", label: text("ontzorgen.decisionDate"), value: value("verlenging", "extensionDecided", today.iso),
                                  required: true, errors: errs("verlenging")),
                    ], submit: text("ontzorgen.forms.saveExtension")))
                forms.append(FormBlock(
                    id: "beeindigen", title: text("ontzorgen.forms.close"), intro: text("ontzorgen.forms.closeIntro"), action: action("beeindigen"),
                    open: failed == "beeindigen", summary: ErrorSummary(errs("beeindigen")),
                    fields: [
                        FieldView(.input("date"), name: "closedOn", label: text("ontzorgen.closedOn"), hint: text("ontzorgen.closedOnHint"),
                                  value: value("beeindigen", "closedOn", r.lastDay?.iso), required: true, errors: errs("beeindigen")),
                        FieldView(.select, name: "closeReason", label: text("ontzorgen.closeReason"), value: value("beeindigen", "closeReason", nil),
                                  options: Choices.withEmpty(Self.closeReasons.map { ($0, text("ontzorgen.closeReasons.\($0)")) }, t), required: true, errors: errs("beeindigen")),
                        FieldView(.textarea, name: "handover", label: text("ontzorgen.handover"), hint: text("ontzorgen.handoverHint"),
                                  value: value("beeindigen", "handover", nil), required: true, errors: errs("beeindigen")),
                    ], submit: text("ontzorgen.forms.saveClose")))
            }
            if let r {
                let skillOptions = [("", text("ontzorgen.notYet"))] + Self.skills.map { ($0, text("ontzorgen.skills.\($0)")) }
                forms.append(FormBlock(
                    id: "zelfredzaamheid", title: text("ontzorgen.forms.selfReliance"), intro: text("ontzorgen.forms.selfRelianceIntro"), action: action("zelfredzaamheid"),
                    open: failed == "zelfredzaamheid", summary: ErrorSummary(errs("zelfredzaamheid")),
                    fields: [
                        FieldView(.input("date"), name: "skillsIntake", label: text("ontzorgen.skillsIntake"), value: value("zelfredzaamheid", "skillsIntake", r.skillsIntakeDate), errors: errs("zelfredzaamheid")),
                        FieldView(.select, name: "skillsResult", label: text("ontzorgen.skillsResult"), value: value("zelfredzaamheid", "skillsResult", r.skillsIntakeResult),
                                  options: skillOptions, errors: errs("zelfredzaamheid")),
                        FieldView(.input("text"), name: "courseName", label: text("ontzorgen.courseName"), value: value("zelfredzaamheid", "courseName", r.courseName), errors: errs("zelfredzaamheid")),
                        FieldView(.input("date"), name: "courseStart", label: text("ontzorgen.courseStart"), value: value("zelfredzaamheid", "courseStart", r.courseStart), errors: errs("zelfredzaamheid")),
                        FieldView(.input("date"), name: "courseEnd", label: text("ontzorgen.courseEnd"), hint: text("ontzorgen.courseEndHint"),
                                  value: value("zelfredzaamheid", "courseEnd", r.courseEnd), errors: errs("zelfredzaamheid")),
                        FieldView(.input("date"), name: "courseCompleted", label: text("ontzorgen.courseCompleted"), value: value("zelfredzaamheid", "courseCompleted", r.courseCompletedOn), errors: errs("zelfredzaamheid")),
                        FieldView(.input("date"), name: "retestDate", label: text("ontzorgen.retestDate"), value: value("zelfredzaamheid", "retestDate", r.retestDate), errors: errs("zelfredzaamheid")),
                        FieldView(.select, name: "retestResult", label: text("ontzorgen.retestResult"), value: value("zelfredzaamheid", "retestResult", r.retestResult),
                                  options: skillOptions, errors: errs("zelfredzaamheid")),
                    ], submit: text("ontzorgen.forms.saveSelfReliance")))
            }
        }
        var selfReliance: [[String: String]] = []
        if let r = record {
            selfReliance = [
                ["label": text("ontzorgen.skillsIntake"), "value": r.skillsIntakeDate.map { date($0) + " — " + text("ontzorgen.skills." + (r.skillsIntakeResult ?? "")) } ?? "—"],
                ["label": text("ontzorgen.courseName"), "value": r.courseName.map { "\($0) (\(date(r.courseStart)) – \(date(r.courseEnd)))" } ?? "—"],
                ["label": text("ontzorgen.courseCompleted"), "value": date(r.courseCompletedOn)],
                ["label": text("ontzorgen.retestDate"), "value": r.retestDate.map { date($0) + " — " + text("ontzorgen.skills." + (r.retestResult ?? "")) } ?? "—"],
            ]
        }
        let notice = FormNotice.text(context, prefix: "ontzorgen.saved", keys: Set(Self.forms), t)
        let content: [String: Any] = [
            "name": name, "backHref": SiteRoute.person(p.id).path, "hasRecord": record != nil, "facts": facts,
            "ontzorgd": record?.ontzorgd == 1, "warnings": warnings, "hasWarnings": !warnings.isEmpty,
            "next": next as Any, "hasNext": next != nil, "benefit": benefit, "hasBenefit": !benefit.isEmpty, "posts": posts, "hasPosts": !posts.isEmpty,
            "reviews": reviews, "hasReviews": !reviews.isEmpty, "months": months, "hasMonths": !months.isEmpty,
            "selfReliance": selfReliance, "forms": forms, "canManage": canManage,
            "statementHref": SiteRoute.ontzorgenStatement(p.id).path,
        ]
        return try services.views.render("ontzorgen-person", titleKey: "ontzorgen.personTitle", titleArguments: ["name": name], content: content,
                                         context: context, notice: notice, status: status)
    }

    // MARK: Statement

    /// The newcomer's statement of one month (R8b): benefit, each payment, leefgeld — plain
    /// language from the catalogue (so it can be translated), printable.
    func statement(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readOntzorgen)
        // The statement is a letter from the municipality to the newcomer: Dutch unless another language
        // is asked for (`taal`), whatever the user's interface language.
        let l = context.form.choice("taal", UILocale.self) ?? .nl, t = Localizer(catalogue: services.catalogue, locale: l)
        let today = loader.today
        let requested = context.form["maand"]
        guard let month = requested.map({ Maand(iso: $0) }) ?? Maand(today) else {
            throw AppError.invalid(detail: t("ontzorgen.errors.month"), fields: [.init(name: "maand", message: t("ontzorgen.errors.month"))])
        }
        guard let statement = try await store.statement(personId: loaded.person.id, month: month, scope: loaded.scope) else { throw AppError.notFound }
        let dossier = try await store.dossier(personId: loaded.person.id, scope: loaded.scope)
        try await services.record(.ontzorgenStatement, context: context, permission: .readOntzorgen, person: loaded.person, detail: month.iso)
        let money = { (cents: Int) in Money.format(cents, l) }
        let soortLabel = { (code: String) in SoortText.label(code, policy: dossier.beleid, t) }
        var person = statement.runPersoon
        var lines: [[String: Any]] = statement.betalingen.filter { $0.soort != "leefgeld" }.map { b in
            ["what": soortLabel(b.soort), "payee": b.payeeName, "amount": money(b.amountCents), "gift": b.gift == 1,
             "failed": b.status == "mislukt", "repaid": b.retryOf != nil]
        }
        var provisional = false
        if person == nil, let r = dossier.ontzorging, let pm = OntzorgenStore.preview(month: month, arrangement: r, dossier: dossier) {
            // No run yet: what the run will do, marked as provisional.
            person = pm.record
            provisional = true
            lines = pm.lines.filter { $0.soort != "leefgeld" }.map {
                ["what": soortLabel($0.soort), "payee": $0.begunstigde, "amount": money($0.bedragCent), "gift": $0.geschenk, "failed": false, "repaid": false]
            }
        }
        let leefgeldLine = statement.betalingen.first { $0.soort == "leefgeld" && $0.retryOf == nil }
        // The shared letter layout, in the statement's language: it is an information letter, not a decision.
        let municipalityName = loaded.principal.municipalities.first { $0.code == loaded.person.municipalityCode }?.name ?? loaded.person.municipalityCode
        let parties = try await LetterFrame.parties(services, person: loaded.person, consulentId: loaded.traject.consulentId,
                                                    municipalityName: municipalityName, scope: loaded.scope)
        let frame = LetterFrame.make(parties, title: "\(t("statement.title")) \(MonthText.name(month.iso, l)) — \(loaded.person.displayName(t))",
                                     subject: "\(t("statement.heading")) \(MonthText.name(month.iso, l))",
                                     reference: CaseReference.of(municipalityCode: loaded.person.municipalityCode, trajectId: loaded.traject.id) + "/ONT-\(month.iso)",
                                     date: DisplayDate.format(today.iso, l), isConcept: false,
                                     backHref: SiteRoute.personOntzorgen(loaded.person.id).path, backLabelKey: "statement.back", localizer: t)
        let content: [String: Any] = [
            "frame": frame,
            "name": loaded.person.displayName(t), "month": MonthText.name(month.iso, l), "hasData": person != nil, "provisional": provisional,
            "benefit": person.map { money($0.benefitCents) } ?? "", "deducted": person.map { money($0.deductedCents) } ?? "",
            "leefgeld": person.map { money($0.leefgeldCents) } ?? "", "hasGift": (person?.giftCents ?? 0) > 0,
            "gift": person.map { money($0.giftCents) } ?? "", "held": person?.holdReason != nil,
            "shortfall": person.map { money($0.shortfallCents) } ?? "", "hasShortfall": (person?.shortfallCents ?? 0) > 0,
            "lines": lines, "hasLines": !lines.isEmpty,
            "leefgeldAccount": leefgeldLine.map { (try? IBAN($0.iban).grouped) ?? $0.iban } ?? dossier.ontzorging?.leefgeldIban.map { (try? IBAN($0).grouped) ?? $0 } ?? "",
            "endDate": dossier.ontzorging?.lastDay.map { DisplayDate.format($0.iso, l) } ?? "",
            "municipality": loaded.principal.municipalities.first { $0.code == loaded.person.municipalityCode }?.name ?? "",
            "printedOn": DisplayDate.format(today.iso, l), "backHref": SiteRoute.personOntzorgen(loaded.person.id).path, "lang": l.rawValue,
            "previousHref": SiteRoute.ontzorgenStatement(loaded.person.id).path + "?maand=\(month.previous.iso)&taal=\(l.rawValue)",
            "nextHref": SiteRoute.ontzorgenStatement(loaded.person.id).path + "?maand=\(month.next.iso)&taal=\(l.rawValue)",
            "languages": UILocale.allCases.map { locale -> [String: Any] in
                ["href": SiteRoute.ontzorgenStatement(loaded.person.id).path + "?maand=\(month.iso)&taal=\(locale.rawValue)",
                 "label": t("locales.\(locale.rawValue)"), "lang": locale.rawValue, "current": locale == l]
            },
        ]
        return try services.views.renderStandalone("ontzorgen-statement", content: content, context: context, locale: l)
    }
}

/// Month names for people: "november 2026".
enum MonthText {
    static let nl = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"]
    static let en = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    static func name(_ iso: String, _ locale: UILocale) -> String {
        guard let month = Maand(iso: iso) else { return iso }
        return "\((locale == .nl ? nl : en)[month.month - 1]) \(month.year)"
    }
}
