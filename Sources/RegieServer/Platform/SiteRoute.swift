/// Every path of the web interface, for registration and for links (one enum, no string paths
/// scattered through handlers).
public enum SiteRoute: Sendable, Hashable {
    case home
    case login
    case logout
    case account
    case accountPassword
    case accountLocale
    case accountPhone
    case switchMunicipality
    case person(String)
    case personBSN(String)
    case personContact(String)
    case personAddress(String)
    case sentLetters(String)
    case sentLetter(String, String)
    case sentLetterStyle(String, String)
    case registerPerson
    case intake(String)
    case intakeGesprek(String)
    case intakeTopic(String, String)
    case lbt(String)
    case lbtAdvies(String)
    case route(String)
    case pip(String)
    case pipFix(String)
    case pipLetter(String, Int)
    case progress(String)
    case progressStart(String)
    case progressMeeting(String)
    case progressHours(String)
    case progressResult(String)
    case enforcement(String)
    case close(String)
    case handover(String)
    case derden(String)
    case derdenAction(String, String, String)
    case tasks(String)
    case taskDone(String, String)
    case myTasks
    case documents(String)
    case document(String, String)
    case team
    case teamAssign
    case settings
    case settingsTeams
    case settingsFigures
    case auditLog
    case auditLogCSV
    case apiKeys
    case apiKeyRevoke(String)
    case apiKeyApprove(String)
    case users
    case user(String)
    case userAction(String, UserAction)
    case passwordSet(String)
    case figures
    case figuresCSV
    case figuresCouncil
    case figuresCases
    case rules
    case duo
    case duoRetry(String)
    case duoReconciliation
    case personDUO(String)
    case personDUORefresh(String)
    case personDetails(String)
    case personDUOContact(String)
    case personOntzorgen(String)
    case ontzorgenStatement(String)
    case ontzorgen
    case ontzorgenPolicy
    case ontzorgenRuns
    case ontzorgenRun(String)
    case ontzorgenRunFile(String)
    case ontzorgenPayment(String)

    public var path: String {
        switch self {
        case .home: return "/"
        case .login: return "/inloggen"
        case .logout: return "/uitloggen"
        case .account: return "/account"
        case .accountPassword: return "/account/wachtwoord"
        case .accountLocale: return "/account/taal"
        case .accountPhone: return "/account/telefoon"
        case .switchMunicipality: return "/gemeente"
        case .person(let id): return "/personen/\(id)"
        case .personBSN(let id): return "/personen/\(id)/bsn"
        case .personContact(let id): return "/personen/\(id)/contact"
        case .personAddress(let id): return "/personen/\(id)/adres"
        case .sentLetters(let id): return "/personen/\(id)/brieven"
        case .sentLetter(let id, let letter): return "/personen/\(id)/brieven/\(letter)"
        case .sentLetterStyle(let id, let letter): return "/personen/\(id)/brieven/\(letter)/stijl.css"
        case .registerPerson: return "/personen/nieuw"
        case .intake(let id): return "/personen/\(id)/intake"
        case .intakeGesprek(let id): return "/personen/\(id)/intake/gesprekken"
        case .intakeTopic(let id, let topic): return "/personen/\(id)/intake/onderwerpen/\(topic)"
        case .lbt(let id): return "/personen/\(id)/lbt"
        case .lbtAdvies(let id): return "/personen/\(id)/lbt/advies"
        case .route(let id): return "/personen/\(id)/route"
        case .pip(let id): return "/personen/\(id)/pip"
        case .pipFix(let id): return "/personen/\(id)/pip/vaststellen"
        case .pipLetter(let id, let version): return "/personen/\(id)/pip/\(version)/brief"
        case .progress(let id): return "/personen/\(id)/voortgang"
        case .progressStart(let id): return "/personen/\(id)/voortgang/start"
        case .progressMeeting(let id): return "/personen/\(id)/voortgang/gesprekken"
        case .progressHours(let id): return "/personen/\(id)/voortgang/uren"
        case .progressResult(let id): return "/personen/\(id)/voortgang/resultaten"
        case .enforcement(let id): return "/personen/\(id)/handhaving"
        case .close(let id): return "/personen/\(id)/afsluiten"
        case .handover(let id): return "/personen/\(id)/overdracht"
        case .derden(let id): return "/personen/\(id)/derden"
        case .derdenAction(let id, let request, let action): return "/personen/\(id)/derden/\(request)/\(action)"
        case .tasks(let id): return "/personen/\(id)/taken"
        case .taskDone(let id, let task): return "/personen/\(id)/taken/\(task)/afronden"
        case .myTasks: return "/taken"
        case .documents(let id): return "/personen/\(id)/documenten"
        case .document(let id, let document): return "/personen/\(id)/documenten/\(document)"
        case .team: return "/team"
        case .teamAssign: return "/team/toewijzen"
        case .settings: return "/beheer/instellingen"
        case .settingsTeams: return "/beheer/instellingen/teams"
        case .settingsFigures: return "/beheer/instellingen/cijfers"
        case .auditLog: return "/beheer/audit"
        case .auditLogCSV: return "/beheer/audit.csv"
        case .apiKeys: return "/beheer/api-sleutels"
        case .apiKeyRevoke(let id): return "/beheer/api-sleutels/\(id)/intrekken"
        case .apiKeyApprove(let id): return "/account/api-sleutels/\(id)/goedkeuren"
        case .users: return "/beheer/gebruikers"
        case .user(let id): return "/beheer/gebruikers/\(id)"
        case .userAction(let id, let action): return "/beheer/gebruikers/\(id)/\(action.rawValue)"
        case .passwordSet(let token): return "/wachtwoord-instellen/\(token)"
        case .figures: return "/cijfers"
        case .figuresCSV: return "/cijfers/csv"
        case .figuresCouncil: return "/cijfers/raad"
        case .figuresCases: return "/cijfers/zaken"
        case .rules: return "/regels"
        case .duo: return "/duo"
        case .duoRetry(let id): return "/duo/berichten/\(id)/opnieuw"
        case .duoReconciliation: return "/duo/afstemming"
        case .personDUO(let id): return "/personen/\(id)/duo"
        case .personDUORefresh(let id): return "/personen/\(id)/duo/ophalen"
        case .personDetails(let id): return "/personen/\(id)/gegevens"
        case .personDUOContact(let id): return "/personen/\(id)/duo/contactpersoon"
        case .personOntzorgen(let id): return "/personen/\(id)/ontzorgen"
        case .ontzorgenStatement(let id): return "/personen/\(id)/ontzorgen/overzicht"
        case .ontzorgen: return "/ontzorgen"
        case .ontzorgenPolicy: return "/ontzorgen/beleid"
        case .ontzorgenRuns: return "/ontzorgen/runs"
        case .ontzorgenRun(let id): return "/ontzorgen/runs/\(id)"
        case .ontzorgenRunFile(let id): return "/ontzorgen/runs/\(id)/betaalbestand.xml"
        case .ontzorgenPayment(let id): return "/ontzorgen/betalingen/\(id)"
        }
    }

    /// Route patterns for the router (`{id}` marks a parameter).
    static let personPattern = "/personen/{id}"
    static let personBSNPattern = "/personen/{id}/bsn"
    static let personContactPattern = "/personen/{id}/contact"
    static let personAddressPattern = "/personen/{id}/adres"
    static let sentLettersPattern = "/personen/{id}/brieven"
    static let sentLetterPattern = "/personen/{id}/brieven/{letter}"
    static let sentLetterStylePattern = "/personen/{id}/brieven/{letter}/stijl.css"
    static let apiKeyRevokePattern = "/beheer/api-sleutels/{id}/intrekken"
    static let apiKeyApprovePattern = "/account/api-sleutels/{id}/goedkeuren"
    static let userPattern = "/beheer/gebruikers/{id}"
    static let userActionPattern = "/beheer/gebruikers/{id}/{action}"
    /// Not in `patternsWithID`: the token itself is the authority (unauthenticated, no organisation to scope by).
    static let passwordSetPattern = "/wachtwoord-instellen/{token}"

    /// What can be done to an account from its page (the last segment of its path).
    public enum UserAction: String, Sendable, Hashable, CaseIterable {
        case deactivate = "deactiveren"
        case reactivate = "activeren"
        case passwordLink = "wachtwoordlink"
    }
    static let intakePattern = "/personen/{id}/intake"
    static let intakeGesprekPattern = "/personen/{id}/intake/gesprekken"
    static let intakeTopicPattern = "/personen/{id}/intake/onderwerpen/{topic}"
    static let lbtPattern = "/personen/{id}/lbt"
    static let lbtAdviesPattern = "/personen/{id}/lbt/advies"
    static let routePattern = "/personen/{id}/route"
    static let pipPattern = "/personen/{id}/pip"
    static let pipFixPattern = "/personen/{id}/pip/vaststellen"
    static let pipLetterPattern = "/personen/{id}/pip/{version}/brief"
    static let progressPattern = "/personen/{id}/voortgang"
    static let progressStartPattern = "/personen/{id}/voortgang/start"
    static let progressMeetingPattern = "/personen/{id}/voortgang/gesprekken"
    static let progressHoursPattern = "/personen/{id}/voortgang/uren"
    static let progressResultPattern = "/personen/{id}/voortgang/resultaten"
    static let enforcementPattern = "/personen/{id}/handhaving"
    static let closePattern = "/personen/{id}/afsluiten"
    static let handoverPattern = "/personen/{id}/overdracht"
    static let derdenPattern = "/personen/{id}/derden"
    static let derdenActionPattern = "/personen/{id}/derden/{request}/{action}"
    static let tasksPattern = "/personen/{id}/taken"
    static let taskDonePattern = "/personen/{id}/taken/{task}/afronden"
    static let documentsPattern = "/personen/{id}/documenten"
    static let documentPattern = "/personen/{id}/documenten/{document}"
    static let duoRetryPattern = "/duo/berichten/{id}/opnieuw"
    static let personDUOPattern = "/personen/{id}/duo"
    static let personDUORefreshPattern = "/personen/{id}/duo/ophalen"
    static let personDetailsPattern = "/personen/{id}/gegevens"
    static let personDUOContactPattern = "/personen/{id}/duo/contactpersoon"
    static let personOntzorgenPattern = "/personen/{id}/ontzorgen"
    static let personOntzorgenFormPattern = "/personen/{id}/ontzorgen/{form}"
    static let ontzorgenStatementPattern = "/personen/{id}/ontzorgen/overzicht"
    static let ontzorgenRunPattern = "/ontzorgen/runs/{id}"
    static let ontzorgenRunActionPattern = "/ontzorgen/runs/{id}/{action}"
    static let ontzorgenRunFilePattern = "/ontzorgen/runs/{id}/betaalbestand.xml"
    static let ontzorgenPaymentPattern = "/ontzorgen/betalingen/{id}"
    static let ontzorgenPaymentActionPattern = "/ontzorgen/betalingen/{id}/{action}"

    /// Every pattern that takes an id. The tenancy test covers each of them (404 across organisations),
    /// so adding a route with an id here without a test fails the suite.
    public static let patternsWithID = [
        personPattern, personBSNPattern, personContactPattern, personAddressPattern, sentLettersPattern, sentLetterPattern, sentLetterStylePattern, apiKeyRevokePattern, apiKeyApprovePattern, userPattern, userActionPattern, intakePattern, intakeGesprekPattern,
        intakeTopicPattern, lbtPattern, lbtAdviesPattern, routePattern, pipPattern, pipFixPattern, pipLetterPattern,
        progressPattern, progressStartPattern, progressMeetingPattern, progressHoursPattern, progressResultPattern, enforcementPattern, closePattern, handoverPattern, derdenPattern, derdenActionPattern, tasksPattern, taskDonePattern, documentsPattern, documentPattern,
        duoRetryPattern, personDUOPattern, personDUORefreshPattern, personDetailsPattern, personDUOContactPattern,
        personOntzorgenPattern, personOntzorgenFormPattern, ontzorgenStatementPattern, ontzorgenRunPattern, ontzorgenRunActionPattern,
        ontzorgenRunFilePattern, ontzorgenPaymentActionPattern,
    ]
}
