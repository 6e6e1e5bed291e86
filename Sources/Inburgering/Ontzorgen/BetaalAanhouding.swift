/// Why nothing is paid this month for one person under ontzorgen: the run holds the person's
/// payments until someone resolves it. Raw values are stored (`ontzorgen_run_personen.hold_reason`).
public enum BetaalAanhouding: String, CaseIterable, Codable, Sendable {
    /// The person has not signed the machtiging that lets the municipality pay their bills.
    case geenMachtiging
    /// No benefit is known for the month: there is nothing to pay the bills from.
    case geenUitkering
    /// The benefit does not cover the bills (the shortfall is reported, R8b).
    case tekort
    /// Leefgeld is due but there is no account (IBAN and name) to pay it to.
    case geenRekening
}

extension OntzorgenBetaalRule {
    /// Why a month's payments for one person are held, in this order; nil when they can be paid.
    // R8b — Participatiewet art. 56a lid 1: the municipality pays the fixed costs from the bijstand
    // and pays out the rest (leefgeld); so without a benefit, with a benefit below the fixed costs,
    // or without an account for the leefgeld the month cannot be paid as the article says.
    // Participatiewet art. 57: payment to third parties at the person's request (the machtiging).
    public static func aanhouding(machtiging: Bool, uitkeringBekend: Bool, berekening: Maandberekening,
                                  leefgeldRekening: Bool) -> BetaalAanhouding? {
        if !machtiging { return .geenMachtiging }
        if !uitkeringBekend { return .geenUitkering }
        if berekening.heeftTekort { return .tekort }
        if berekening.leefgeldCent > 0, !leefgeldRekening { return .geenRekening }
        return nil
    }
}
