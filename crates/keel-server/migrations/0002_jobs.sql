-- Keel server schema, version 2: analyses run as background jobs (src/jobs/). Portable SQL with the same
-- {id} and {blob} placeholders as 0001_init.sql; times are Unix seconds (UTC).

-- One analysis of one version. `kind` is the analysis's name and `options` the JSON object it was created
-- from (without `version`), kept as text so that a restart runs exactly what was asked. `attempts` counts the
-- times a worker started the job: a job found `running` at start was cut short by a crash, and is queued
-- again until it has been started 3 times. `cancel_requested` reaches the worker running the job through its
-- periodic progress write, so a cancel is honoured whichever connection or process took it.
CREATE TABLE jobs (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
    version_id BIGINT NOT NULL REFERENCES versions (id),
    kind TEXT NOT NULL,
    options TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    done BIGINT NOT NULL DEFAULT 0,
    total BIGINT NOT NULL DEFAULT 0,
    error TEXT,
    -- The table results.csv serves when no table is named (set when the job succeeds).
    main_table TEXT,
    cancel_requested BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0
);

-- Workers take the oldest queued job; the per-user limit counts queued and running jobs.
CREATE INDEX jobs_by_state ON jobs (state, id);
CREATE INDEX jobs_by_workspace ON jobs (workspace_id, id);
CREATE INDEX jobs_by_creator ON jobs (created_by, state);

-- A succeeded job's results, written in the same transaction that marks it succeeded (never half a result):
-- format is `json`, `xlsx`, or `csv:TABLE` for each of its tables; position keeps the tables in the order the
-- analysis gives them.
CREATE TABLE job_results (
    job_id BIGINT NOT NULL REFERENCES jobs (id),
    format TEXT NOT NULL,
    position BIGINT NOT NULL,
    content {blob} NOT NULL,
    PRIMARY KEY (job_id, format)
);
