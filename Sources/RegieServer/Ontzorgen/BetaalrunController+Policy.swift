import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// The municipality's ontzorgen policy (R8) in dated versions: a change takes effect from a day
/// and never rewrites what applied before. The functioneel beheerder enters it; budget managers read it.
extension BetaalrunController {
    /// The municipality asked for: `gemeente` in the query (a link) or the form (a hidden field, as a
    /// POST's form data is its body), else the one chosen in the header, else the first.
    func policyMunicipality(_ principal: Principal, _ context: RegieRequestContext) throws -> Municipality {
        let code = context.form["gemeente"] ?? principal.session?.municipalityCode ?? principal.municipalities.first?.code
        guard let m = principal.municipalities.first(where: { $0.code == code }) else { throw AppError.notFound }
        return m
    }

    func policy(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard Policy.allows(principal, .manageSettings) || Policy.allows(principal, .manageOntzorgen) else { throw AppError.forbidden }
        let m = try policyMunicipality(principal, context)
        return try await renderPolicy(m, principal, input: FormData(), errors: [], context: context, status: .ok)
    }

    func renderPolicy(_ m: Municipality, _ principal: Principal, input: FormData, errors: [AppError.FieldError], context: RegieRequestContext,
                      status: HTTPResponse.Status) async throws -> Response {
        let t = services.catalogue, l = context.locale
        let text = { (key: String) in t.text(key, l) }
        let versions = try await store.listPolicies(municipalityCode: m.code)
        let current = versions.first { $0.effectiveFrom <= today.iso }
        let rows: [[String: Any]] = versions.map { p in
            ["from": DisplayDate.format(p.effectiveFrom, l), "summary": PolicyText.summary(p, t, l), "current": p.id == current?.id,
             "future": p.effectiveFrom > today.iso, "account": "\(p.debtorName) — \((try? IBAN(p.debtorIban).grouped) ?? p.debtorIban)"]
        }
        let canEdit = Policy.allows(principal, .manageSettings)
        let base = current ?? versions.first
        let value = { (name: String, fallback: String?) in input.values.isEmpty ? (fallback ?? "") : (input.raw(name) ?? "") }
        let standard = OntzorgSoort.standaard
        let custom = (base?.soortenList ?? []).filter { s in !standard.contains { $0.code == s.code } }
        let chosen = input.values.isEmpty ? (base?.soortenList.map(\.code) ?? standard.map(\.code)) : input.all("soorten")
        let fields: [FieldView] = [
            FieldView(.input("date"), name: "effectiveFrom", label: text("ontzorgen.policy.effectiveFrom"), hint: text("ontzorgen.policy.effectiveFromHint"),
                      value: value("effectiveFrom", today.adding(days: 1).iso), required: true, errors: errors),
            FieldView(.radios, name: "beleid", label: text("ontzorgen.policy.kind"), value: value("beleid", base?.beleid ?? "jaTenzij"),
                      options: ["jaTenzij", "neeTenzij"].map { ($0, text("ontzorgen.policy.beleid.\($0)")) }, required: true, errors: errors),
            FieldView(.checkboxes, name: "soorten", label: text("ontzorgen.policy.bills"), values: chosen,
                      options: (standard + custom).map { ($0.code, SoortText.label($0.code, policy: base, t, l)) }, errors: errors),
            FieldView(.textarea, name: "extraSoorten", label: text("ontzorgen.policy.extraBills"), hint: text("ontzorgen.policy.extraBillsHint"),
                      value: value("extraSoorten", nil), errors: errors),
            FieldView(.input("number"), name: "duration", label: text("ontzorgen.policy.duration"), hint: text("ontzorgen.policy.durationHint"),
                      value: value("duration", String(base?.durationMonths ?? 6)), required: true, errors: errors, extra: "min=\"1\" max=\"36\""),
            FieldView(.input("text"), name: "reviews", label: text("ontzorgen.policy.reviews"), hint: text("ontzorgen.policy.reviewsHint"),
                      value: value("reviews", (base?.reviewMonthsList ?? [2, 5]).map(String.init).joined(separator: ", ")), required: true, errors: errors),
            FieldView(.checkbox, name: "gift", label: text("ontzorgen.policy.gift"), value: value("gift", base?.firstRentGift == 1 ? "ja" : ""), errors: errors),
            FieldView(.input("text"), name: "debtorName", label: text("ontzorgen.policy.debtorName"), value: value("debtorName", base?.debtorName ?? "Gemeente \(m.name)"),
                      required: true, errors: errors),
            FieldView(.input("text"), name: "debtorIban", label: text("ontzorgen.policy.debtorIban"), value: value("debtorIban", base?.debtorIban),
                      required: true, errors: errors, extra: "autocomplete=\"off\" spellcheck=\"false\""),
            FieldView(.input("text"), name: "debtorBic", label: text("ontzorgen.policy.debtorBic"), hint: text("ontzorgen.policy.debtorBicHint"),
                      value: value("debtorBic", base?.debtorBic), errors: errors),
        ]
        let others = principal.municipalities.filter { $0.code != m.code }.map { ["name": $0.name, "href": SiteRoute.ontzorgenPolicy.path + "?gemeente=\($0.code)"] }
        let content: [String: Any] = [
            "municipality": m.name, "code": m.code, "rows": rows, "hasRows": !rows.isEmpty, "canEdit": canEdit, "fields": fields,
            "summary": ErrorSummary(errors), "action": SiteRoute.ontzorgenPolicy.path + "?gemeente=\(m.code)", "others": others, "hasOthers": !others.isEmpty,
            "backHref": Policy.allows(principal, .manageOntzorgen) ? SiteRoute.ontzorgen.path : SiteRoute.settings.path + "?gemeente=\(m.code)",
            "backLabel": t.text(Policy.allows(principal, .manageOntzorgen) ? "ontzorgen.heading" : "settings.heading", l),
        ]
        return try services.views.render("ontzorgen-policy", titleKey: "ontzorgen.policy.title", titleArguments: ["municipality": m.name], content: content,
                                          context: context, current: SiteRoute.ontzorgen.path,
                                          notice: FormNotice.text(context, prefix: "ontzorgen.policy.saved", keys: ["ja"], t), status: status)
    }

    func savePolicy(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageSettings)
        let m = try policyMunicipality(principal, context)
        let input = context.form
        let t = services.catalogue, l = context.locale
        var v = Validator(t, l)
        let from = v.date("effectiveFrom", input["effectiveFrom"], label: "ontzorgen.policy.effectiveFrom", notBefore: today)
        let beleid = v.choice("beleid", input["beleid"], label: "ontzorgen.policy.kind", as: OntzorgenBeleid.self)
        let duration = v.integer("duration", input["duration"], label: "ontzorgen.policy.duration", range: 1...36)
        let reviewText = input["reviews"] ?? ""
        let reviews = reviewText.split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }).map { Int($0) }
        if reviews.isEmpty || reviews.contains(where: { $0 == nil || $0! < 1 || $0! > 36 }) { v.fail("reviews", "ontzorgen.errors.reviews") }
        if let duration, reviews.contains(where: { ($0 ?? 0) >= duration }) { v.fail("reviews", "ontzorgen.errors.reviewsBeforeEnd") }
        let standard = OntzorgSoort.standaard
        let versions = try await store.listPolicies(municipalityCode: m.code)
        let known = standard + (versions.first?.soortenList ?? []).filter { s in !standard.contains { $0.code == s.code } }
        var soorten = known.filter { input.all("soorten").contains($0.code) }
        for line in (input.raw("extraSoorten") ?? "").split(whereSeparator: \.isNewline) {
            let label = line.trimmingCharacters(in: .whitespaces)
            guard !label.isEmpty else { continue }
            let code = label.lowercased().folding(options: .diacriticInsensitive, locale: nil).filter { $0.isLetter || $0.isNumber }
            guard !code.isEmpty, TextLength.fits(label, within: 60) else { v.fail("extraSoorten", "ontzorgen.errors.extraBill"); break }
            if !soorten.contains(where: { $0.code == code }) { soorten.append(OntzorgSoort(code: code, label: label, categorie: nil)) }
        }
        if soorten.isEmpty { v.fail("soorten", "ontzorgen.errors.noBills") }
        let name = v.text("debtorName", input["debtorName"], label: "ontzorgen.policy.debtorName", maxLength: 70)
        let iban = v.iban("debtorIban", input["debtorIban"], label: "ontzorgen.policy.debtorIban")
        let bic = input["debtorBic"]?.nonEmpty.map { $0.uppercased().replacingOccurrences(of: " ", with: "") }
        if let bic, bic.range(of: "^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$", options: .regularExpression) == nil { v.fail("debtorBic", "ontzorgen.errors.bic") }
        guard v.isValid, let from, let beleid, let duration, let name, let iban else {
            return try await renderPolicy(m, principal, input: input, errors: v.errors, context: context, status: .badRequest)
        }
        let record = OntzorgenBeleidRecord(id: UUID().uuidString.lowercased(), municipalityCode: m.code, effectiveFrom: from.iso, beleid: beleid.rawValue,
                                           soorten: soorten, durationMonths: duration, reviewMonths: reviews.compactMap { $0 }.sorted(),
                                           firstRentGift: input["gift"] == "ja", debtorName: name, debtorIban: iban, debtorBic: bic,
                                           createdBy: principal.actorId, createdAt: services.clock.now().epochSeconds)
        do {
            try await store.insertPolicy(record, audit: services.auditEvent(.ontzorgenPolicyAdd, context: context, permission: .manageSettings,
                                                                            detail: "\(m.code) \(from.iso)"), now: services.clock.now())
        } catch OntzorgenError.duplicatePolicyDate {
            return try await renderPolicy(m, principal, input: input, errors: [.init(name: "effectiveFrom", message: t.text("ontzorgen.errors.duplicatePolicy", l))],
                                          context: context, status: .conflict)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.ontzorgenPolicy.path + "?gemeente=\(m.code)&melding=ja"])
    }
}
