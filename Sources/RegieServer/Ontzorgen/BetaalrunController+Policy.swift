import Foundation
import Hummingbird
import Inburgering
import RegieCasework
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
        let t = services.localizer(context), l = t.locale
        let text = { (key: String) in t(key) }
        let versions = try await store.listPolicies(municipalityCode: m.code)
        let current = versions.first { $0.effectiveFrom <= today.iso }
        let rows: [[String: Any]] = versions.map { p in
            ["from": DisplayDate.format(p.effectiveFrom, l), "summary": PolicyText.summary(p, t), "current": p.id == current?.id,
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
                      options: (standard + custom).map { ($0.code, SoortText.label($0.code, policy: base, t)) }, errors: errors),
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
            "backLabel": t(Policy.allows(principal, .manageOntzorgen) ? "ontzorgen.heading" : "settings.heading"),
        ]
        return try services.views.render("ontzorgen-policy", titleKey: "ontzorgen.policy.title", titleArguments: ["municipality": m.name], content: content,
                                          context: context, current: SiteRoute.ontzorgen.path,
                                          notice: FormNotice.text(context, prefix: "ontzorgen.policy.saved", keys: ["ja"], t), status: status)
    }

    func savePolicy(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageSettings)
        let m = try policyMunicipality(principal, context)
        let input = context.form
        var r = InputReader()
        let command = SaveOntzorgenPolicy(
            municipalityCode: m.code, effectiveFrom: r.date("effectiveFrom", input["effectiveFrom"]), beleid: r.choice("beleid", input["beleid"], as: OntzorgenBeleid.self),
            durationMonths: r.integer("duration", input["duration"], range: 1...36), reviewMonths: r.months("reviews", input["reviews"]),
            soorten: input.all("soorten"), extraSoorten: (input.raw("extraSoorten") ?? "").split(whereSeparator: \.isNewline).map(String.init),
            firstRentGift: r.flag(input["gift"]), debtorName: r.text(input["debtorName"]), debtorIban: r.text(input["debtorIban"]),
            debtorBic: r.text(input["debtorBic"]), read: r.issues)
        do {
            try await services.run(command, principal: principal, scope: Policy.scope(for: principal), permission: .manageSettings, context: context)
        } catch let refused as FormErrors {
            return try await renderPolicy(m, principal, input: input, errors: refused.fields, context: context, status: refused.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.ontzorgenPolicy.path + "?gemeente=\(m.code)&melding=ja"])
    }
}
