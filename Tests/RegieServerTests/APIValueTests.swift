import Inburgering
import RegieAPI
import RegieCasework
import RegieStorage
import Testing

/// The API's enums are written from the law module's: every value the spec accepts maps to one the
/// law module knows (so a request never falls back to a default), and every term the law module
/// computes is one the spec can describe (the API leaves unknown ones out rather than crash; this
/// keeps the spec complete).
@Suite("API values: the spec's enums and the law module's carry the same values")
struct APIValueTests {
    struct Pair: CustomTestStringConvertible, Sendable {
        let name: String
        /// The values without a counterpart.
        let unmapped: [String]
        var testDescription: String { name }
    }

    /// The spec's values that `Law` does not have.
    static func specToLaw<Spec: CaseIterable & RawRepresentable, Law: RawRepresentable>(_ spec: Spec.Type, _ law: Law.Type, _ name: String) -> Pair
    where Spec.RawValue == String, Law.RawValue == String {
        Pair(name: name, unmapped: spec.allCases.map(\.rawValue).filter { Law(rawValue: $0) == nil })
    }

    /// The law module's values that the spec does not have.
    static func lawToSpec<Law: CaseIterable & RawRepresentable, Spec: RawRepresentable>(_ law: Law.Type, _ spec: Spec.Type, _ name: String) -> Pair
    where Spec.RawValue == String, Law.RawValue == String {
        Pair(name: name, unmapped: law.allCases.map(\.rawValue).filter { Spec(rawValue: $0) == nil })
    }

    typealias S = Components.Schemas

    static let pairs: [Pair] = [
        specToLaw(S.Registration.GenderPayload.self, PersonGender.self, "Registration.gender"),
        specToLaw(S.Registration.DoelgroepPayload.self, Doelgroep.self, "Registration.doelgroep"),
        specToLaw(S.LbtInput.ExemptionPayload.self, LBTVrijstelling.self, "LbtInput.exemption"),
        specToLaw(S.SchoolAdviceInput.RoutePayload.self, Leerroute.self, "SchoolAdviceInput.route"),
        specToLaw(S.SchoolAdviceInput.LevelPayload.self, Taalniveau.self, "SchoolAdviceInput.level"),
        specToLaw(S.RouteDecisionInput.LeerroutePayload.self, Leerroute.self, "RouteDecisionInput.leerroute"),
        specToLaw(S.RouteDecisionInput.NiveauPayload.self, Taalniveau.self, "RouteDecisionInput.niveau"),
        specToLaw(S.RouteDecisionInput.ConsideredPayloadPayload.self, Leerroute.self, "RouteDecisionInput.considered"),
        specToLaw(S.PipConceptInput.LeerroutePayload.self, Leerroute.self, "PipConceptInput.leerroute"),
        specToLaw(S.PipConceptInput.NiveauPayload.self, Taalniveau.self, "PipConceptInput.niveau"),
        specToLaw(S.PipConceptInput.EinddoelPayload.self, Einddoel.self, "PipConceptInput.einddoel"),
        specToLaw(S.PipConceptInput.ChangeReasonPayload.self, PIPWijzigingsreden.self, "PipConceptInput.changeReason"),
        specToLaw(S.PipFixInput.DelayReasonPayload.self, PIPDelayReason.self, "PipFixInput.delayReason"),
        specToLaw(S.RouteStartInput.LiteracyPayload.self, Alfabetiseringsonderwijs.self, "RouteStartInput.literacy"),
        specToLaw(S.ProgressMeetingInput.OutcomePayload.self, MeetingOutcome.self, "ProgressMeetingInput.outcome"),
        specToLaw(S.HoursInput.SoortPayload.self, UrenSoort.self, "HoursInput.soort"),
        specToLaw(S.ResultInput.KindPayload.self, RouteResultKind.self, "ResultInput.kind"),
        specToLaw(S.EnforcementInput.OvertredingPayload.self, Overtreding.self, "EnforcementInput.overtreding"),
        specToLaw(S.CloseInput.ReasonPayload.self, TrajectEinde.self, "CloseInput.reason"),
        specToLaw(S.Handover.ScenarioPayload.self, SaveHandover.Scenario.self, "Handover.scenario"),
        specToLaw(S.Handover.AttendeesPayloadPayload.self, SaveHandover.Attendee.self, "Handover.attendees"),
        lawToSpec(TermKind.self, S.Term.KindPayload.self, "Term.kind"),
        lawToSpec(TermStatus.self, S.Term.StatusPayload.self, "Term.status"),
        lawToSpec(TermKind.self, S.TermRef.KindPayload.self, "TermRef.kind"),
        lawToSpec(Doelgroep.self, S.Case.DoelgroepPayload.self, "Case.doelgroep"),
        lawToSpec(TrajectFase.self, S.Case.PhasePayload.self, "Case.phase"),
        lawToSpec(Leerroute.self, S.Case.LeerroutePayload.self, "Case.leerroute"),
    ]

    @Test("Every value maps", arguments: pairs)
    func maps(_ pair: Pair) {
        #expect(pair.unmapped == [], "\(pair.name): no counterpart for \(pair.unmapped)")
    }
}
