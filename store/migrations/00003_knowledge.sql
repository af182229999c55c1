-- +goose Up
-- The knowledge base: the files as ingested and their chunks, with the
-- vectors and the full-text index that hybrid search reads. Owned by
-- package knowledge.

CREATE TABLE documents (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The business's knowledge lives in 'default'; eval suites ingest into
    -- a namespace of their own so they never see each other's files.
    namespace   text NOT NULL DEFAULT 'default',
    -- The path as it was ingested; search results cite it.
    path        text NOT NULL,
    title       text NOT NULL DEFAULT '',
    -- Hex SHA-256 of the file's bytes: an unchanged file is not ingested twice.
    sha256      text NOT NULL,
    -- The embedder the chunks were embedded with; changing embedders
    -- re-embeds on the next ingest even when the file did not change.
    embedder    text NOT NULL,
    chunk_count integer NOT NULL DEFAULT 0,
    ingested_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (namespace, path)
);

CREATE TABLE chunks (
    id          bigserial PRIMARY KEY,
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    -- Copied from the document so that both search indexes filter on the
    -- chunk row itself, without a join.
    namespace   text NOT NULL,
    ordinal     integer NOT NULL,
    title       text NOT NULL DEFAULT '',
    heading     text NOT NULL DEFAULT '',
    content     text NOT NULL,
    embedder    text NOT NULL,
    -- 384 dimensions for every embedder: the local one hashes into 384, and
    -- OpenAI's text-embedding-3-* models are asked for 384 (their
    -- "dimensions" parameter), so one HNSW index serves both.
    embedding   vector(384) NOT NULL,
    -- Title words weigh most, then headings, then the text.
    tsv         tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('english'::regconfig, title), 'A') ||
                    setweight(to_tsvector('english'::regconfig, heading), 'B') ||
                    to_tsvector('english'::regconfig, content)
                ) STORED,
    UNIQUE (document_id, ordinal)
);
CREATE INDEX chunks_embedding ON chunks USING hnsw (embedding vector_cosine_ops);
CREATE INDEX chunks_tsv ON chunks USING gin (tsv);
CREATE INDEX chunks_namespace ON chunks (namespace, embedder);

-- +goose Down
DROP TABLE chunks;
DROP TABLE documents;
