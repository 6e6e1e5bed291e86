/// A first PIP fixed after its 10 weeks for "another reason" says which (issue 16): the explanation
/// beside `trajecten.pip_delay_reason`.
enum M0011_DelayNote {
    static let migration = Migration(id: "M0011_DelayNote") { _ in
        ["ALTER TABLE trajecten ADD COLUMN pip_delay_note TEXT"]
    }
}
