/// The order of a case's phases: a case only moves forward along the chain, and a closed case
/// stays closed. A step recorded late (a housing date entered after the PIP, a second intake
/// conversation after the route started) is kept as a fact but never moves the case back.
public enum FaseVolgordeRule {
    /// The phase after a step that reaches `bereikt`, or nil when the phase stays as it is: the
    /// step is not further along the chain than `huidig`, or the case is closed.
    // Wi2021 art. 14 and 15 (the brede intake, then the PIP fixed after it), art. 11 lid 1 (the first
    // PIP starts the inburgeringstermijn, which no later step undoes) and art. 7 (the obligation ends
    // when it is met or no longer applies: a closed case is not reopened by a late step).
    public static func volgende(huidig: TrajectFase, bereikt: TrajectFase) -> TrajectFase? {
        guard bereikt > huidig, !huidig.isAfgesloten else { return nil }
        return bereikt
    }
}
