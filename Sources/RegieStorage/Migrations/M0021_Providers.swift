/// The municipality's providers (language schools, participation and MAP/PVT partners) that hours
/// are recorded against (issue 15 item 4): a simple list of names for now, as JSON.
enum M0021_Providers {
    static let migration = Migration(id: "M0021_Providers") { _ in
        ["ALTER TABLE municipality_settings ADD COLUMN providers TEXT NOT NULL DEFAULT '[]'"]
    }
}
