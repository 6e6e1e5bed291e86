/// R5a: the statutory topics of the brede intake.
public enum BredeIntakeRule: LegalRule {
    // R5a — Wi2021 art. 14 lid 3; Besluit inburgering 2021 art. 5.2; seed 001:552, 001:558
    public static func ontbrekendeOnderwerpen(_ intake: BredeIntake, heeftJongeKinderen: Bool) -> [IntakeOnderwerp] {
        let covered = intake.besprokenOnderwerpen
        return IntakeOnderwerp.allCases.filter { topic in
            guard topic.isWettelijk, !covered.contains(topic) else { return false }
            return topic != .voorschoolseEducatie || heeftJongeKinderen
        }
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r5a, title: "Onderwerpen van de brede intake",
            text: "De brede intake is verplicht voor iedereen en komt vóór het PIP. Verplichte onderwerpen: opleiding en werkervaring, persoonlijke omstandigheden met fysieke en mentale gezondheid, taalniveau, mogelijkheden voor werk, zelfredzaamheid, en voorschoolse educatie als er jonge kinderen zijn. Gezinssituatie en sociaal netwerk horen er ook bij.",
            textEnglish: "The broad intake is mandatory for everyone and precedes the PIP. Statutory topics: education and work experience, personal circumstances including physical and mental health, language level, work prospects, self-reliance, and pre-school education where there are young children. Family situation and social network are recommended.",
            source: "Wi2021 art. 14 lid 3; Besluit inburgering 2021 art. 5.2; nota van toelichting art. 2.3.2; seed 001:552, 001:558"),
    ]
}
