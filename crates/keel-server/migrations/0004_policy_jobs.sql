-- Keel server schema, version 4: `keel policy` analyses run as jobs. They read the published data sets, not a
-- version, so `jobs.version_id` may be NULL, for them only. Same placeholders as 0001_init.sql, and one more:
--   {resync_id:TABLE}  after rows were copied into TABLE with their ids, its id generator continues after the
--                      largest (PostgreSQL: setval of the identity's sequence; SQLite: nothing, AUTOINCREMENT
--                      already tracks the largest id inserted).
--
-- Neither database changes a column's NOT NULL in one portable statement, so the two job tables are rebuilt:
-- new tables, rows copied with their ids, old tables dropped (results first: they reference jobs), new ones
-- renamed (SQLite rewrites job_results' reference to jobs_new as jobs; PostgreSQL's follows the table), and the
-- indexes of 0002_jobs.sql made again. All in the migration's one transaction.

CREATE TABLE jobs_new (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
    -- NULL for a policy job, which reads no version.
    version_id BIGINT REFERENCES versions (id),
    kind TEXT NOT NULL,
    options TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    done BIGINT NOT NULL DEFAULT 0,
    total BIGINT NOT NULL DEFAULT 0,
    error TEXT,
    main_table TEXT,
    cancel_requested BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    CHECK (version_id IS NOT NULL OR kind = 'policy')
);

INSERT INTO jobs_new (id, workspace_id, version_id, kind, options, state, done, total, error, main_table,
                      cancel_requested, created_by, created_at, started_at, finished_at, attempts)
SELECT id, workspace_id, version_id, kind, options, state, done, total, error, main_table,
       cancel_requested, created_by, created_at, started_at, finished_at, attempts
FROM jobs;

CREATE TABLE job_results_new (
    job_id BIGINT NOT NULL REFERENCES jobs_new (id),
    format TEXT NOT NULL,
    position BIGINT NOT NULL,
    content {blob} NOT NULL,
    PRIMARY KEY (job_id, format)
);

INSERT INTO job_results_new (job_id, format, position, content)
SELECT job_id, format, position, content FROM job_results;

DROP TABLE job_results;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
ALTER TABLE job_results_new RENAME TO job_results;

CREATE INDEX jobs_by_state ON jobs (state, id);
CREATE INDEX jobs_by_workspace ON jobs (workspace_id, id);
CREATE INDEX jobs_by_creator ON jobs (created_by, state);

{resync_id:jobs}
