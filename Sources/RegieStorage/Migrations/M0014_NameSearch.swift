/// Name search through an index instead of reading every person (`search_name LIKE '%…%'` cannot use
/// a B-tree index).
///
/// SQLite: a contentless FTS5 table with the trigram tokenizer over `persons.search_name` (it stores
/// only the index). Its rows are keyed by `persons_search_keys.key`, an INTEGER PRIMARY KEY per
/// person, because the implicit rowid of `persons` (whose key is the text id) may be renumbered by
/// `VACUUM`. Triggers on insert, update of `search_name` and delete of `persons` keep both in step in
/// the same statement, so no code path that writes a name (registration, correction, DUO, the
/// backfill, bulk inserts) can let it drift; the migration fills them from the rows already there.
/// `case_sensitive 1` makes the tokenizer compare the stored folded key byte for byte, so a phrase
/// query of three or more characters finds exactly the rows `LIKE '%key%'` finds (the key is
/// already lower case without diacritics).
///
/// PostgreSQL: a GIN index with `pg_trgm`'s `gin_trgm_ops` on `persons.search_name`, which serves
/// `LIKE '%key%'` itself (with a recheck, so the answer is exact). `pg_trgm` is a trusted extension
/// since PostgreSQL 13. When it is already installed (in any schema) its operator class is named
/// with that schema; otherwise it is created in the current schema.
enum M0014_NameSearch {
    static let migration = Migration(id: "M0014_NameSearch") { kind in
        switch kind {
        case .sqlite:
            return [
                "CREATE TABLE persons_search_keys (key INTEGER PRIMARY KEY, person_id TEXT NOT NULL UNIQUE)",
                "CREATE VIRTUAL TABLE persons_search USING fts5(search_name, content = '', contentless_delete = 1, tokenize = 'trigram case_sensitive 1')",
                """
                CREATE TRIGGER persons_search_insert AFTER INSERT ON persons
                BEGIN
                    INSERT INTO persons_search_keys (person_id) VALUES (NEW.id);
                    INSERT INTO persons_search (rowid, search_name) SELECT key, NEW.search_name FROM persons_search_keys WHERE person_id = NEW.id;
                END
                """,
                """
                CREATE TRIGGER persons_search_update AFTER UPDATE OF search_name ON persons
                BEGIN
                    DELETE FROM persons_search WHERE rowid = (SELECT key FROM persons_search_keys WHERE person_id = OLD.id);
                    INSERT INTO persons_search (rowid, search_name) SELECT key, NEW.search_name FROM persons_search_keys WHERE person_id = NEW.id;
                END
                """,
                """
                CREATE TRIGGER persons_search_delete AFTER DELETE ON persons
                BEGIN
                    DELETE FROM persons_search WHERE rowid = (SELECT key FROM persons_search_keys WHERE person_id = OLD.id);
                    DELETE FROM persons_search_keys WHERE person_id = OLD.id;
                END
                """,
                "INSERT INTO persons_search_keys (person_id) SELECT id FROM persons",
                "INSERT INTO persons_search (rowid, search_name) SELECT k.key, p.search_name FROM persons_search_keys k JOIN persons p ON p.id = k.person_id",
            ]
        case .postgres:
            return ["""
                DO $$
                DECLARE
                    trgm_schema text;
                BEGIN
                    SELECT n.nspname INTO trgm_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
                    IF trgm_schema IS NULL THEN
                        CREATE EXTENSION IF NOT EXISTS pg_trgm;
                        SELECT n.nspname INTO trgm_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
                    END IF;
                    EXECUTE format('CREATE INDEX persons_by_search_name ON persons USING gin (search_name %I.gin_trgm_ops)', trgm_schema);
                END
                $$
                """]
        }
    }
}
