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
    case accountSecondFactor
    case accountSecondFactorOff
    case accountRecoveryCodes
    case loginCode
    case oidcStart
    case oidcCallback
    case secondFactorEnrol
    case switchMunicipality
    case person(String)
    case personBSN(String)
    case personContact(String)
    case personAddress(String)
    case sentLetters(String)
    case personBRP(String)
    case personBRPApply(String)
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
    case pipLetter(String, version: String)
    case progress(String)
    case progressStart(String)
    case progressMeeting(String)
    case progressHours(String)
    case progressHoursCorrect(String, String)
    case withdraw(String, String, String)
    case progressResult(String)
    case enforcement(String)
    case enforcementLetter(String, String)
    case close(String)
    case handover(String)
    case derden(String)
    case derdenAction(String, String, String)
    case tasks(String)
    case taskDone(String, String)
    case task(String, String)
    case myTasks
    case afspraken(String)
    case afspraak(String, String)
    case afspraakAction(String, String, String)
    case afspraakLetter(String, String)
    case myAgenda
    case teamAgenda
    case agendaFeed(String)
    case agendaFeedCreate
    case agendaFeedRevoke
    case documents(String)
    case document(String, String)
    case team
    case teamAssign
    case settings
    case settingsTeams
    case settingsFigures
    case settingsLogo
    case settingsLogin
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
    case personOntzorgenForm(String, form: String)
    case ontzorgenRunAction(String, action: String)
    case ontzorgenPaymentAction(String, action: String)
    case providers
    case provider(String)
    case providerOffers(String)
    case providerOffer(String, String)
    case providerStarts(String, String)
    case providerStart(String, String, String)
    case referrals(String)
    case referralAction(String, String, String)
    case providerAccounts(String)
    case providerKeys(String)
    case partnerHome
    case partnerAccounts
    case partnerReferral(String)
    case partnerReferralAction(String, String)
    case partnerLessons
    case partnerLesson(String)
    case partnerLessonAction(String, String)
    case participantHome
    case participantLogin
    case participantLogout
    case participantPassword
    case participantLesson(String)
    case participantAccount(String)

    public var path: String {
        switch self {
        case .home: return "/"
        case .login: return "/inloggen"
        case .logout: return "/uitloggen"
        case .account: return "/account"
        case .accountPassword: return "/account/wachtwoord"
        case .accountLocale: return "/account/taal"
        case .accountPhone: return "/account/telefoon"
        case .accountSecondFactor: return "/account/tweede-factor"
        case .accountSecondFactorOff: return "/account/tweede-factor/uitzetten"
        case .accountRecoveryCodes: return "/account/tweede-factor/herstelcodes"
        case .loginCode: return "/inloggen/code"
        case .oidcStart: return "/inloggen/oidc"
        case .oidcCallback: return "/inloggen/oidc/terug"
        case .secondFactorEnrol: return "/inloggen/tweede-factor"
        case .switchMunicipality: return "/gemeente"
        case .person(let id): return "/personen/\(id)"
        case .personBSN(let id): return "/personen/\(id)/bsn"
        case .personContact(let id): return "/personen/\(id)/contact"
        case .personAddress(let id): return "/personen/\(id)/adres"
        case .sentLetters(let id): return "/personen/\(id)/brieven"
        case .personBRP(let id): return "/personen/\(id)/brp"
        case .personBRPApply(let id): return "/personen/\(id)/brp/overnemen"
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
        case .progressHoursCorrect(let id, let hoursId): return "/personen/\(id)/voortgang/uren/\(hoursId)"
        case .withdraw(let id, let kind, let record): return "/personen/\(id)/intrekken/\(kind)/\(record)"
        case .progressResult(let id): return "/personen/\(id)/voortgang/resultaten"
        case .enforcement(let id): return "/personen/\(id)/handhaving"
        case .enforcementLetter(let id, let step): return "/personen/\(id)/handhaving/\(step)/brief"
        case .close(let id): return "/personen/\(id)/afsluiten"
        case .handover(let id): return "/personen/\(id)/overdracht"
        case .derden(let id): return "/personen/\(id)/derden"
        case .derdenAction(let id, let request, let action): return "/personen/\(id)/derden/\(request)/\(action)"
        case .tasks(let id): return "/personen/\(id)/taken"
        case .taskDone(let id, let task): return "/personen/\(id)/taken/\(task)/afronden"
        case .task(let id, let task): return "/personen/\(id)/taken/\(task)"
        case .myTasks: return "/taken"
        case .afspraken(let id): return "/personen/\(id)/afspraken"
        case .afspraak(let id, let afspraak): return "/personen/\(id)/afspraken/\(afspraak)"
        case .afspraakAction(let id, let afspraak, let action): return "/personen/\(id)/afspraken/\(afspraak)/\(action)"
        case .afspraakLetter(let id, let afspraak): return "/personen/\(id)/afspraken/\(afspraak)/uitnodiging"
        case .myAgenda: return "/agenda"
        case .teamAgenda: return "/agenda/team"
        case .agendaFeed(let token): return "/agenda-feed/\(token)"
        case .agendaFeedCreate: return "/agenda/abonnement"
        case .agendaFeedRevoke: return "/agenda/abonnement/intrekken"
        case .documents(let id): return "/personen/\(id)/documenten"
        case .document(let id, let document): return "/personen/\(id)/documenten/\(document)"
        case .team: return "/team"
        case .teamAssign: return "/team/toewijzen"
        case .providers: return "/beheer/aanbieders"
        case .provider(let id): return "/beheer/aanbieders/\(id)"
        case .providerOffers(let id): return "/beheer/aanbieders/\(id)/aanbod"
        case .providerOffer(let id, let offer): return "/beheer/aanbieders/\(id)/aanbod/\(offer)"
        case .providerStarts(let id, let offer): return "/beheer/aanbieders/\(id)/aanbod/\(offer)/startmomenten"
        case .providerStart(let id, let offer, let start): return "/beheer/aanbieders/\(id)/aanbod/\(offer)/startmomenten/\(start)"
        case .providerAccounts(let id): return "/beheer/aanbieders/\(id)/accounts"
        case .providerKeys(let id): return "/beheer/aanbieders/\(id)/sleutels"
        case .partnerHome: return "/aanbieder"
        case .partnerAccounts: return "/aanbieder/accounts"
        case .partnerReferral(let id): return "/aanbieder/verwijzingen/\(id)"
        case .partnerReferralAction(let id, let action): return "/aanbieder/verwijzingen/\(id)/\(action)"
        case .partnerLessons: return "/aanbieder/lessen"
        case .partnerLesson(let id): return "/aanbieder/lessen/\(id)"
        case .partnerLessonAction(let id, let action): return "/aanbieder/lessen/\(id)/\(action)"
        case .participantHome: return "/deelnemer"
        case .participantLogin: return "/deelnemer/inloggen"
        case .participantLogout: return "/deelnemer/uitloggen"
        case .participantPassword: return "/deelnemer/wachtwoord"
        case .participantLesson(let id): return "/deelnemer/lessen/\(id)"
        case .participantAccount(let id): return "/personen/\(id)/deelnemerslogin"
        case .referrals(let id): return "/personen/\(id)/verwijzingen"
        case .referralAction(let id, let referral, let action): return "/personen/\(id)/verwijzingen/\(referral)/\(action)"
        case .settings: return "/beheer/instellingen"
        case .settingsTeams: return "/beheer/instellingen/teams"
        case .settingsFigures: return "/beheer/instellingen/cijfers"
        case .settingsLogo: return "/beheer/instellingen/logo"
        case .settingsLogin: return "/beheer/instellingen/inloggen"
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
        case .personOntzorgenForm(let id, let form): return "/personen/\(id)/ontzorgen/\(form)"
        case .ontzorgenRunAction(let id, let action): return "/ontzorgen/runs/\(id)/\(action)"
        case .ontzorgenPaymentAction(let id, let action): return "/ontzorgen/betalingen/\(id)/\(action)"
        }
    }

    /// Route patterns for the router, derived from the routes themselves (`{id}` marks a parameter),
    /// so a path is spelled once.
    static let personPattern = SiteRoute.person("{id}").path
    static let personBSNPattern = SiteRoute.personBSN("{id}").path
    static let personContactPattern = SiteRoute.personContact("{id}").path
    static let personAddressPattern = SiteRoute.personAddress("{id}").path
    static let sentLettersPattern = SiteRoute.sentLetters("{id}").path
    static let personBRPPattern = SiteRoute.personBRP("{id}").path
    static let personBRPApplyPattern = SiteRoute.personBRPApply("{id}").path
    static let sentLetterPattern = SiteRoute.sentLetter("{id}", "{letter}").path
    static let sentLetterStylePattern = SiteRoute.sentLetterStyle("{id}", "{letter}").path
    static let apiKeyRevokePattern = SiteRoute.apiKeyRevoke("{id}").path
    static let apiKeyApprovePattern = SiteRoute.apiKeyApprove("{id}").path
    static let userPattern = SiteRoute.user("{id}").path
    static let userActionPattern = SiteRoute.user("{id}").path + "/{action}"
    /// Not in `patternsWithID`: the token itself is the authority (unauthenticated, no organisation to scope by).
    static let passwordSetPattern = SiteRoute.passwordSet("{token}").path

    /// What can be done to an account from its page (the last segment of its path).
    public enum UserAction: String, Sendable, Hashable, CaseIterable {
        case deactivate = "deactiveren"
        case reactivate = "activeren"
        case passwordLink = "wachtwoordlink"
        case resetSecondFactor = "tweede-factor-herstellen"
    }
    static let intakePattern = SiteRoute.intake("{id}").path
    static let intakeGesprekPattern = SiteRoute.intakeGesprek("{id}").path
    static let intakeTopicPattern = SiteRoute.intakeTopic("{id}", "{topic}").path
    static let lbtPattern = SiteRoute.lbt("{id}").path
    static let lbtAdviesPattern = SiteRoute.lbtAdvies("{id}").path
    static let routePattern = SiteRoute.route("{id}").path
    static let pipPattern = SiteRoute.pip("{id}").path
    static let pipFixPattern = SiteRoute.pipFix("{id}").path
    static let pipLetterPattern = SiteRoute.pipLetter("{id}", version: "{version}").path
    static let progressPattern = SiteRoute.progress("{id}").path
    static let progressStartPattern = SiteRoute.progressStart("{id}").path
    static let progressMeetingPattern = SiteRoute.progressMeeting("{id}").path
    static let progressHoursPattern = SiteRoute.progressHours("{id}").path
    static let progressHoursCorrectPattern = SiteRoute.progressHoursCorrect("{id}", "{uren}").path
    static let withdrawPattern = SiteRoute.withdraw("{id}", "{soort}", "{record}").path
    static let progressResultPattern = SiteRoute.progressResult("{id}").path
    static let enforcementPattern = SiteRoute.enforcement("{id}").path
    static let enforcementLetterPattern = SiteRoute.enforcementLetter("{id}", "{stap}").path
    static let closePattern = SiteRoute.close("{id}").path
    static let handoverPattern = SiteRoute.handover("{id}").path
    static let derdenPattern = SiteRoute.derden("{id}").path
    static let derdenActionPattern = SiteRoute.derdenAction("{id}", "{request}", "{action}").path
    static let tasksPattern = SiteRoute.tasks("{id}").path
    static let taskDonePattern = SiteRoute.taskDone("{id}", "{task}").path
    static let taskPattern = SiteRoute.task("{id}", "{task}").path
    static let documentsPattern = SiteRoute.documents("{id}").path
    static let afsprakenPattern = SiteRoute.afspraken("{id}").path
    static let afspraakPattern = SiteRoute.afspraak("{id}", "{afspraak}").path
    static let afspraakActionPattern = SiteRoute.afspraakAction("{id}", "{afspraak}", "{action}").path
    static let afspraakLetterPattern = SiteRoute.afspraakLetter("{id}", "{afspraak}").path
    /// Not in `patternsWithID`: the token itself is the authority (a calendar client has no session).
    static let agendaFeedPattern = SiteRoute.agendaFeed("{token}").path
    static let documentPattern = SiteRoute.document("{id}", "{document}").path
    static let duoRetryPattern = SiteRoute.duoRetry("{id}").path
    static let personDUOPattern = SiteRoute.personDUO("{id}").path
    static let personDUORefreshPattern = SiteRoute.personDUORefresh("{id}").path
    static let personDetailsPattern = SiteRoute.personDetails("{id}").path
    static let personDUOContactPattern = SiteRoute.personDUOContact("{id}").path
    static let personOntzorgenPattern = SiteRoute.personOntzorgen("{id}").path
    static let personOntzorgenFormPattern = SiteRoute.personOntzorgenForm("{id}", form: "{form}").path
    static let ontzorgenStatementPattern = SiteRoute.ontzorgenStatement("{id}").path
    static let ontzorgenRunPattern = SiteRoute.ontzorgenRun("{id}").path
    static let ontzorgenRunActionPattern = SiteRoute.ontzorgenRunAction("{id}", action: "{action}").path
    static let ontzorgenRunFilePattern = SiteRoute.ontzorgenRunFile("{id}").path
    static let ontzorgenPaymentPattern = SiteRoute.ontzorgenPayment("{id}").path
    static let ontzorgenPaymentActionPattern = SiteRoute.ontzorgenPaymentAction("{id}", action: "{action}").path

    static let providerPattern = SiteRoute.provider("{id}").path
    static let providerOffersPattern = SiteRoute.providerOffers("{id}").path
    static let providerOfferPattern = SiteRoute.providerOffer("{id}", "{offer}").path
    static let providerStartsPattern = SiteRoute.providerStarts("{id}", "{offer}").path
    static let providerStartPattern = SiteRoute.providerStart("{id}", "{offer}", "{start}").path
    static let providerAccountsPattern = SiteRoute.providerAccounts("{id}").path
    static let providerKeysPattern = SiteRoute.providerKeys("{id}").path
    static let partnerReferralPattern = SiteRoute.partnerReferral("{referral}").path
    static let partnerReferralActionPattern = SiteRoute.partnerReferralAction("{referral}", "{action}").path
    static let partnerLessonPattern = SiteRoute.partnerLesson("{lesson}").path
    static let partnerLessonActionPattern = SiteRoute.partnerLessonAction("{lesson}", "{action}").path
    static let participantLessonPattern = SiteRoute.participantLesson("{lesson}").path
    static let participantAccountPattern = SiteRoute.participantAccount("{id}").path
    static let referralsPattern = SiteRoute.referrals("{id}").path
    static let referralActionPattern = SiteRoute.referralAction("{id}", "{referral}", "{action}").path

    /// Every pattern that takes an id. The tenancy test covers each of them (404 across organisations),
    /// so adding a route with an id here without a test fails the suite.
    public static let patternsWithID = [
        personPattern, personBSNPattern, personContactPattern, personAddressPattern, personBRPPattern, personBRPApplyPattern, sentLettersPattern, sentLetterPattern, sentLetterStylePattern, apiKeyRevokePattern, apiKeyApprovePattern, userPattern, userActionPattern, intakePattern, intakeGesprekPattern,
        intakeTopicPattern, lbtPattern, lbtAdviesPattern, routePattern, pipPattern, pipFixPattern, pipLetterPattern,
        progressPattern, progressStartPattern, progressMeetingPattern, progressHoursPattern, progressHoursCorrectPattern, withdrawPattern, progressResultPattern, enforcementPattern, enforcementLetterPattern, closePattern, handoverPattern, derdenPattern, derdenActionPattern, tasksPattern, taskDonePattern, taskPattern, documentsPattern, documentPattern,
        duoRetryPattern, personDUOPattern, personDUORefreshPattern, personDetailsPattern, personDUOContactPattern,
        personOntzorgenPattern, personOntzorgenFormPattern, ontzorgenStatementPattern, ontzorgenRunPattern, ontzorgenRunActionPattern,
        ontzorgenRunFilePattern, ontzorgenPaymentActionPattern,
        afsprakenPattern, afspraakPattern, afspraakActionPattern, afspraakLetterPattern,
        providerPattern, providerOffersPattern, providerOfferPattern, providerStartsPattern, providerStartPattern, referralsPattern, referralActionPattern,
        providerAccountsPattern, providerKeysPattern, partnerReferralPattern, partnerReferralActionPattern,
        partnerLessonPattern, partnerLessonActionPattern, participantLessonPattern, participantAccountPattern,
    ]
}
