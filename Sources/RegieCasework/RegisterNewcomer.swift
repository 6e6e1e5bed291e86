import Foundation
import Inburgering
import RegieStorage

/// Registration by hand: a newcomer who reached the municipality outside DUO's notifications (or
/// before them), with the 11-proef on the BSN and the duplicate check on BSN and V-nummer.
public struct RegisterNewcomer: CaseworkCommand {
    public var givenNames: String?
    public var familyName: String?
    public var dateOfBirth: CalendarDate?
    public var gender: PersonGender?
    /// As typed: spaces and dots are allowed, the 11-proef decides.
    public var bsn: String?
    public var vNummer: String?
    public var doelgroep: Doelgroep?
    public var municipalityCode: String?
    public var language: String?
    public var interpreterNeeded: Bool
    /// A BSN or V-nummer of a registered person this newcomer shares a household with.
    public var household: String?
    public var kennisgeving: CalendarDate?
    public var koppeling: CalendarDate?
    public var housing: CalendarDate?
    public var brp: CalendarDate?
    /// What the door could not read.
    public var read: [FieldIssue]

    public init(givenNames: String?, familyName: String?, dateOfBirth: CalendarDate?, gender: PersonGender?, bsn: String?, vNummer: String?,
                doelgroep: Doelgroep?, municipalityCode: String?, language: String?, interpreterNeeded: Bool, household: String?,
                kennisgeving: CalendarDate?, koppeling: CalendarDate?, housing: CalendarDate?, brp: CalendarDate?, read: [FieldIssue] = []) {
        self.givenNames = givenNames
        self.familyName = familyName
        self.dateOfBirth = dateOfBirth
        self.gender = gender
        self.bsn = bsn
        self.vNummer = vNummer
        self.doelgroep = doelgroep
        self.municipalityCode = municipalityCode
        self.language = language
        self.interpreterNeeded = interpreterNeeded
        self.household = household
        self.kennisgeving = kennisgeving
        self.koppeling = koppeling
        self.housing = housing
        self.brp = brp
        self.read = read
    }

    public static let labels = [
        "givenNames": "register.givenNames", "familyName": "register.familyName", "dateOfBirth": "register.dateOfBirth",
        "gender": "register.gender", "bsn": "register.bsn", "vNummer": "register.vNummer", "doelgroep": "register.doelgroep",
        "municipality": "register.municipality", "language": "register.language", "household": "register.household",
        "kennisgeving": "person.kennisgeving", "koppeling": "person.koppeling", "housing": "person.housing", "brp": "person.brp",
    ]

    /// The validated registration, ready to store.
    struct Registration {
        let person: PersonRecord
        let traject: TrajectRecord
    }

    /// Checks the input as the law module defines the values (BSN 11-proef, V-nummer, doelgroep,
    /// dates not in the future, koppeling only for asylum permit holders).
    func validate(_ context: CommandContext) throws(CaseworkError) -> Registration {
        let today = context.today
        var v = Checks(labels: Self.labels, read: read)
        let givenNames = v.text("givenNames", givenNames, maxLength: 100, characters: .name)
        let familyName = v.text("familyName", familyName, maxLength: 100, characters: .name)
        let dateOfBirth = v.date("dateOfBirth", dateOfBirth, notAfter: today, plausible: .birth)
        let gender = v.choice("gender", gender)
        var bsnValue: String?
        if let raw = bsn {
            do { bsnValue = try BSN(raw.filter { !$0.isWhitespace && $0 != "." }).value } catch {
                switch error {
                case .wrongLength: v.fail("bsn", "register.errors.bsnLength")
                case .nonDigit: v.fail("bsn", "register.errors.bsnDigits")
                case .failsElevenCheck: v.fail("bsn", "register.errors.bsnCheck")
                }
            }
        }
        var vNummerValue: String?
        if let raw = vNummer {
            do { vNummerValue = try VNummer(raw.filter { !$0.isWhitespace }).digits } catch {
                v.fail("vNummer", "register.errors.vNummer")
            }
        }
        if bsn == nil && vNummer == nil { v.fail("bsn", "register.errors.bsnOrVNummer") }
        let doelgroep = v.choice("doelgroep", doelgroep)
        let municipality = municipalityCode.flatMap { context.municipalityCodes.contains($0) ? $0 : nil }
        if municipality == nil { v.fail("municipality", "validation.choose") }
        let language = v.text("language", language, maxLength: 60)
        let kennisgeving = v.date("kennisgeving", kennisgeving, required: false, notAfter: today)
        let koppeling = v.date("koppeling", koppeling, required: false, notAfter: today)
        let housing = v.date("housing", housing, required: false)
        let brp = v.date("brp", brp, required: false, notAfter: today)
        if koppeling != nil, let doelgroep, doelgroep.categorie != .asielstatushouder {
            // COA links only asylum permit holders to a municipality (the taakstelling, Huisvestingswet 2014 art. 28).
            v.fail("koppeling", "register.errors.koppelingOnlyAsylum")
        }
        if let dateOfBirth, let brp, brp < dateOfBirth { v.fail("brp", "register.errors.beforeBirth") }
        guard v.isValid, let givenNames, let familyName, let dateOfBirth, let gender, let doelgroep, let municipality, let language else {
            throw v.error()
        }
        let id = CommandContext.newID()
        let phase: TrajectFase = brp != nil ? .gehuisvest : (koppeling != nil ? .gekoppeld : .signaal)
        let person = PersonRecord(
            id: id, municipalityCode: municipality, householdId: nil, bsn: bsnValue, vNummer: vNummerValue, givenNames: givenNames,
            familyName: familyName, dateOfBirth: dateOfBirth, gender: gender, doelgroep: doelgroep, language: language,
            interpreterNeeded: interpreterNeeded, phone: nil, email: nil)
        let traject = TrajectRecord(
            id: "t-" + id, personId: id, municipalityCode: municipality, phase: phase,
            consulentId: context.actsAsConsulent ? context.actor.id : nil,
            kennisgevingDate: kennisgeving, koppelingDate: koppeling, housingDate: housing, brpDate: brp,
            intakeDate: nil, pipDate: nil, routeStartDate: nil, leerroute: nil, closedDate: nil, closedReason: nil)
        return Registration(person: person, traject: traject)
    }

    /// Registers the newcomer; a duplicate on BSN or V-nummer is refused as a conflict that names the
    /// existing file only when it is in the caller's scope.
    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> PersonRecord {
        let registration = try validate(context)
        var householdWith: String?
        if let key = household {
            let filter = PersonStore.ListFilter(includeClosed: true, search: key)
            let matches = try await stores.persons.listPersons(scope: context.scope, filter: filter, after: nil, limit: 2, today: context.today).rows
            guard matches.count == 1, key.allSatisfy(\.isNumber) else {
                throw CaseworkError(.invalid, [FieldIssue(field: "household", rule: "register.errors.householdNotFound")], labels: Self.labels)
            }
            householdWith = matches[0].id
        }
        let event = context.audit(.personRegister, registration.person, "doelgroep: \(registration.person.doelgroep.rawValue)")
        let outcome = try await stores.persons.registerPerson(
            .init(person: registration.person, traject: registration.traject), householdWith: householdWith, scope: context.scope,
            actor: context.actor, audit: event, now: context.now)
        switch outcome {
        case .success(let person): return person
        case .failure(let conflict):
            let (field, existing): (String, String?) = switch conflict {
            case .bsn(let id): ("bsn", id)
            case .vNummer(let id): ("vNummer", id)
            }
            let rule = existing == nil ? "register.errors.duplicateElsewhere" : "register.errors.duplicate"
            throw CaseworkError(.conflict(existingId: existing), [FieldIssue(field: field, rule: rule)], labels: Self.labels)
        }
    }
}
