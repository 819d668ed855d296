-- Keel server schema: firm contributions (issue 17, phase 2b). Same placeholders as 0001_init.sql.
--
-- A contribution is one firm's rows (firms, sites, stages, inputs, lanes, demand) uploaded by one of its
-- contributors; each upload is a new immutable revision, numbered 1, 2, 3... per (workspace, firm).
-- `base_version` is the version whose shared catalogue (model.toml, countries, items) validated it.

CREATE TABLE contributions (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
    firm TEXT NOT NULL,
    revision BIGINT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    base_version BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    UNIQUE (workspace_id, firm, revision)
);

CREATE TABLE contribution_files (
    contribution_id BIGINT NOT NULL REFERENCES contributions (id),
    name TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content {blob} NOT NULL,
    PRIMARY KEY (contribution_id, name)
);

-- Which contribution revisions an assembled version used (one row per firm).
CREATE TABLE assemblies (
    version_id BIGINT NOT NULL REFERENCES versions (id),
    contribution_id BIGINT NOT NULL REFERENCES contributions (id),
    PRIMARY KEY (version_id, contribution_id)
);
