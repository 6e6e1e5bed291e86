import Foundation
import Inburgering
import RegieStorage

extension Money {
    /// "€ 1.234,56" (Dutch) or "€1,234.56" (English), in the reader's language.
    static func format(_ cents: Int, _ locale: UILocale) -> String { format(cents, dutch: locale == .nl) }
}

/// The name of a kind of bill for people: the statutory kinds and leefgeld from the catalogue (so a
/// statement can be translated), a municipality's own kinds by the label its policy gives them.
enum SoortText {
    static func label(_ code: String, policy: OntzorgenBeleidRecord?, _ t: Localizer) -> String {
        if code == "leefgeld" { return t("ontzorgen.leefgeld") }
        if OntzorgSoort.standaard.contains(where: { $0.code == code }) { return t("ontzorgen.soorten.\(code)") }
        return (policy?.soortenList ?? []).first { $0.code == code }?.label ?? code
    }
}
