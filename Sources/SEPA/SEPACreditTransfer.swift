import Foundation

/// A SEPA credit-transfer initiation (ISO 20022 `pain.001.001.03`, the version Dutch banks accept
/// for batches) for one approved ontzorgen run: one payment information block from the
/// municipality's account, one transaction per payment. Texts are reduced to the SEPA character
/// set and the schema's lengths; the same run always gives the same bytes.
public enum SEPACreditTransfer {
    static let namespace = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"

    /// One batch: the debtor (the municipality's account), the requested execution day and the payments.
    public struct Batch: Sendable, Hashable {
        /// The message id (also the payment information id): the same run, the same id.
        public var messageId: String
        /// `YYYY-MM-DD`.
        public var executionDate: String
        public var debtorName: String
        public var debtorIban: String
        public var debtorBic: String?
        /// The file's creation time (the first export's moment, so a copy is byte for byte the same).
        public var createdAt: Date
        public var payments: [Payment]

        public init(messageId: String, executionDate: String, debtorName: String, debtorIban: String, debtorBic: String?,
                    createdAt: Date, payments: [Payment]) {
            self.messageId = messageId
            self.executionDate = executionDate
            self.debtorName = debtorName
            self.debtorIban = debtorIban
            self.debtorBic = debtorBic
            self.createdAt = createdAt
            self.payments = payments
        }
    }

    /// One credit transfer.
    public struct Payment: Sendable, Hashable {
        public var endToEndId: String
        public var amountCents: Int
        public var payeeName: String
        public var iban: String
        public var reference: String

        public init(endToEndId: String, amountCents: Int, payeeName: String, iban: String, reference: String) {
            self.endToEndId = endToEndId
            self.amountCents = amountCents
            self.payeeName = payeeName
            self.iban = iban
            self.reference = reference
        }
    }

    public static func document(_ export: Batch) -> String {
        let run = export
        let lines = export.payments
        let total = lines.reduce(0) { $0 + $1.amountCents }
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="\(namespace)" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
              <CstmrCdtTrfInitn>
                <GrpHdr>
                  <MsgId>\(text(run.messageId, 35))</MsgId>
                  <CreDtTm>\(timestamp(export.createdAt))</CreDtTm>
                  <NbOfTxs>\(lines.count)</NbOfTxs>
                  <CtrlSum>\(amount(total))</CtrlSum>
                  <InitgPty><Nm>\(text(export.debtorName, 70))</Nm></InitgPty>
                </GrpHdr>
                <PmtInf>
                  <PmtInfId>\(text(run.messageId, 35))</PmtInfId>
                  <PmtMtd>TRF</PmtMtd>
                  <BtchBookg>true</BtchBookg>
                  <NbOfTxs>\(lines.count)</NbOfTxs>
                  <CtrlSum>\(amount(total))</CtrlSum>
                  <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>
                  <ReqdExctnDt>\(run.executionDate)</ReqdExctnDt>
                  <Dbtr><Nm>\(text(export.debtorName, 70))</Nm></Dbtr>
                  <DbtrAcct><Id><IBAN>\(export.debtorIban)</IBAN></Id></DbtrAcct>
                  <DbtrAgt><FinInstnId>\(agent(export.debtorBic))</FinInstnId></DbtrAgt>
                  <ChrgBr>SLEV</ChrgBr>

            """
        for line in lines {
            xml += """
                      <CdtTrfTxInf>
                        <PmtId><EndToEndId>\(text(line.endToEndId, 35))</EndToEndId></PmtId>
                        <Amt><InstdAmt Ccy="EUR">\(amount(line.amountCents))</InstdAmt></Amt>
                        <Cdtr><Nm>\(text(line.payeeName, 70))</Nm></Cdtr>
                        <CdtrAcct><Id><IBAN>\(line.iban)</IBAN></Id></CdtrAcct>
                        <RmtInf><Ustrd>\(text(line.reference, 140))</Ustrd></RmtInf>
                      </CdtTrfTxInf>

                """
        }
        xml += """
                </PmtInf>
              </CstmrCdtTrfInitn>
            </Document>

            """
        return xml
    }

    static func agent(_ bic: String?) -> String {
        if let bic, !bic.isEmpty { return "<BIC>\(bic)</BIC>" }
        return "<Othr><Id>NOTPROVIDED</Id></Othr>"
    }

    /// Euros with a point and two decimals: 1234.5 → "1234.50".
    public static func amount(_ cents: Int) -> String {
        let rest = cents % 100
        return "\(cents / 100).\(rest < 10 ? "0" : "")\(rest)"
    }

    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Amsterdam") ?? .current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year ?? 1970, c.month ?? 1, c.day ?? 1, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// The SEPA (EPC) character set: Latin letters and digits, space and / - ? : ( ) . , ' +.
    /// Diacritics are dropped (é → e), anything else becomes a space; at most `max` characters,
    /// never empty; XML-escaped.
    static let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ")
    static let posix = Locale(identifier: "en_US_POSIX")

    public static func text(_ value: String, _ max: Int) -> String {
        // Most names and references are plain ASCII already: folding (slow on Linux) only when needed.
        let plain = value.utf8.allSatisfy { $0 < 128 }
        let folded = plain ? value : value.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: posix)
        var cleaned = String(folded.map { allowed.contains($0) ? $0 : " " })
        cleaned = cleaned.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        if cleaned.isEmpty { cleaned = "-" }
        return String(cleaned.prefix(max)).trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "'", with: "&apos;")
    }
}
