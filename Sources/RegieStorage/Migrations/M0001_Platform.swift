/// The platform: organisations and the municipalities they serve, staff and their roles, sessions,
/// login attempts, the hash-chained audit log, API keys, and the first shape of a person's case.
enum M0001_Platform {
    static let migration = Migration(id: "M0001_Platform") { kind in
        // The one place where the engines differ: 64-bit integers are INTEGER in SQLite.
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        return [
            """
            CREATE TABLE organisations (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                created_at \(bigint) NOT NULL
            )
            """,
            """
            CREATE TABLE municipalities (
                code TEXT PRIMARY KEY CHECK (length(code) = 6),
                name TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE organisation_municipalities (
                organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
                municipality_code TEXT NOT NULL REFERENCES municipalities(code),
                PRIMARY KEY (organisation_id, municipality_code)
            )
            """,
            "CREATE INDEX organisation_municipalities_by_code ON organisation_municipalities (municipality_code)",
            """
            CREATE TABLE teams (
                id TEXT PRIMARY KEY,
                organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                UNIQUE (organisation_id, name)
            )
            """,
            """
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                organisation_id TEXT NOT NULL REFERENCES organisations(id),
                team_id TEXT REFERENCES teams(id),
                email TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                locale TEXT NOT NULL DEFAULT 'nl' CHECK (locale IN ('nl', 'en')),
                active INTEGER NOT NULL DEFAULT 1,
                created_at \(bigint) NOT NULL,
                password_changed_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX users_by_organisation ON users (organisation_id, name, id)",
            """
            CREATE TABLE user_roles (
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                role TEXT NOT NULL CHECK (role IN ('consulent', 'teamleider', 'beleidsmedewerker', 'budgetbeheerder', 'functioneelBeheerder')),
                PRIMARY KEY (user_id, role)
            )
            """,
            """
            CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                csrf_token TEXT NOT NULL,
                municipality_code TEXT REFERENCES municipalities(code),
                created_at \(bigint) NOT NULL,
                last_seen_at \(bigint) NOT NULL,
                expires_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX sessions_by_user ON sessions (user_id)",
            "CREATE INDEX sessions_by_expiry ON sessions (expires_at)",
            """
            CREATE TABLE login_attempts (
                username TEXT NOT NULL,
                address TEXT NOT NULL,
                attempted_at \(bigint) NOT NULL,
                succeeded INTEGER NOT NULL
            )
            """,
            "CREATE INDEX login_attempts_by_username ON login_attempts (username, attempted_at)",
            "CREATE INDEX login_attempts_by_address ON login_attempts (address, attempted_at)",
            """
            CREATE TABLE audit_log (
                seq \(bigint) PRIMARY KEY,
                occurred_at \(bigint) NOT NULL,
                actor_id TEXT,
                actor_name TEXT NOT NULL,
                actor_role TEXT NOT NULL,
                organisation_id TEXT,
                action TEXT NOT NULL,
                person_id TEXT,
                municipality_code TEXT,
                purpose TEXT NOT NULL,
                request_id TEXT NOT NULL,
                detail TEXT NOT NULL,
                previous_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            )
            """,
            "CREATE INDEX audit_log_by_person ON audit_log (person_id, seq)",
            "CREATE INDEX audit_log_by_actor ON audit_log (actor_id, seq)",
            "CREATE INDEX audit_log_by_time ON audit_log (occurred_at, seq)",
            """
            CREATE TABLE audit_head (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last_seq \(bigint) NOT NULL,
                last_hash TEXT NOT NULL
            )
            """,
            "INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '\(AuditChain.genesisHash)')",
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                organisation_id TEXT NOT NULL REFERENCES organisations(id),
                name TEXT NOT NULL,
                prefix TEXT NOT NULL UNIQUE,
                secret_hash TEXT NOT NULL,
                role TEXT NOT NULL,
                created_by TEXT NOT NULL REFERENCES users(id),
                created_at \(bigint) NOT NULL,
                last_used_at \(bigint),
                revoked_at \(bigint)
            )
            """,
            "CREATE INDEX api_keys_by_organisation ON api_keys (organisation_id, created_at)",
            """
            CREATE TABLE households (
                id TEXT PRIMARY KEY,
                municipality_code TEXT NOT NULL REFERENCES municipalities(code)
            )
            """,
            """
            CREATE TABLE persons (
                id TEXT PRIMARY KEY,
                municipality_code TEXT NOT NULL REFERENCES municipalities(code),
                household_id TEXT REFERENCES households(id),
                bsn TEXT UNIQUE CHECK (bsn IS NULL OR length(bsn) = 9),
                v_nummer TEXT UNIQUE,
                given_names TEXT NOT NULL,
                family_name TEXT NOT NULL,
                date_of_birth TEXT NOT NULL,
                gender TEXT NOT NULL CHECK (gender IN ('vrouw', 'man', 'x')),
                doelgroep TEXT NOT NULL,
                language TEXT NOT NULL,
                interpreter_needed INTEGER NOT NULL DEFAULT 0,
                phone TEXT,
                email TEXT,
                created_at \(bigint) NOT NULL,
                updated_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX persons_by_municipality_name ON persons (municipality_code, family_name, id)",
            // The caseload walks people in name order and stops after a page: no sort of the whole set.
            "CREATE INDEX persons_by_name ON persons (family_name, id)",
            "CREATE INDEX persons_by_household ON persons (household_id)",
            """
            CREATE TABLE trajecten (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL UNIQUE REFERENCES persons(id) ON DELETE CASCADE,
                municipality_code TEXT NOT NULL REFERENCES municipalities(code),
                phase TEXT NOT NULL,
                consulent_id TEXT REFERENCES users(id),
                team_id TEXT REFERENCES teams(id),
                kennisgeving_date TEXT,
                koppeling_date TEXT,
                housing_date TEXT,
                brp_date TEXT,
                intake_date TEXT,
                pip_date TEXT,
                route_start_date TEXT,
                leerroute TEXT,
                closed_date TEXT,
                closed_reason TEXT,
                created_at \(bigint) NOT NULL,
                updated_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX trajecten_by_municipality_phase ON trajecten (municipality_code, phase)",
            "CREATE INDEX trajecten_by_consulent ON trajecten (consulent_id)",
        ]
    }
}
