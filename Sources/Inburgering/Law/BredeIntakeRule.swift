/// R5a: the statutory topics of the brede intake.
public enum BredeIntakeRule: LegalRule {
    // R5a — Wi2021 art. 14 lid 3; Besluit inburgering 2021 art. 5.2; nota van toelichting art. 2.3.2
    public static func ontbrekendeOnderwerpen(_ intake: BredeIntake, heeftJongeKinderen: Bool) -> [IntakeOnderwerp] {
        ontbrekendeOnderwerpen(besproken: intake.besprokenOnderwerpen, heeftJongeKinderen: heeftJongeKinderen)
    }

    /// The statutory topics not yet covered, given the topics covered so far (in conversations or
    /// recorded answers).
    public static func ontbrekendeOnderwerpen(besproken covered: Set<IntakeOnderwerp>, heeftJongeKinderen: Bool) -> [IntakeOnderwerp] {
        IntakeOnderwerp.allCases.filter { topic in
            guard topic.isWettelijk, !covered.contains(topic) else { return false }
            return topic != .voorschoolseEducatie || heeftJongeKinderen
        }
    }

    /// Whether pre-school education is a topic: a child in the household younger than 4 on `day`
    /// (VVE is for children of 2½ to 4; a younger child will reach that age during the route).
    // R5a — Wi2021 art. 14 lid 3 ("indien relevant" voorschoolse educatie voor de kinderen)
    public static func heeftJongeKinderen(geboortedata: [CalendarDate], op day: CalendarDate) -> Bool {
        geboortedata.contains { $0 <= day && $0.adding(years: 4) > day }
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r5a, title: "Onderwerpen van de brede intake",
            text: "De brede intake is verplicht voor iedereen en komt vóór het PIP. Verplichte onderwerpen: opleiding en werkervaring, persoonlijke omstandigheden met fysieke en mentale gezondheid, taalniveau, mogelijkheden voor werk, zelfredzaamheid, en voorschoolse educatie als er jonge kinderen zijn. Gezinssituatie en sociaal netwerk horen er ook bij.",
            textEnglish: "The broad intake is mandatory for everyone and precedes the PIP. Statutory topics: education and work experience, personal circumstances including physical and mental health, language level, work prospects, self-reliance, and pre-school education where there are young children. Family situation and social network are recommended.",
            source: "Wi2021 art. 14 lid 3; Besluit inburgering 2021 art. 5.2; nota van toelichting art. 2.3.2"),
    ]
}
