-- +goose Up
-- Term statistics per knowledge namespace (package knowledge): how many
-- chunks a namespace has, and how many of them hold each lexeme. Search
-- weighs a question's words by their rarity in the namespace it searches
-- (inverse document frequencies) and selects chunks by its rarer words,
-- so that an eval suite's results depend on its own knowledge only,
-- whatever else the database holds. Triggers on chunks keep both tables
-- in the transaction that writes the chunks: every ingest, replacement
-- and deletion keeps them exact, with no pass over the whole table.

CREATE TABLE knowledge_namespaces (
    namespace text PRIMARY KEY,
    chunks    bigint NOT NULL
);

CREATE TABLE knowledge_terms (
    namespace text NOT NULL,
    lexeme    text NOT NULL,
    -- Chunks of the namespace whose tsv holds the lexeme; 0 once the last
    -- one is gone (the row stays until the namespace is deleted).
    chunks    bigint NOT NULL,
    PRIMARY KEY (namespace, lexeme)
-- Room on each page for the counts' new versions: an ingest updates
-- thousands of them, and an update on the same page leaves the index alone.
) WITH (fillfactor = 70);

-- Counts are upserted in key order, so that concurrent writers to one
-- namespace lock the same rows in the same order and wait for each other
-- rather than deadlock. An update (nothing updates chunks today) counts as
-- a removal and an addition.
-- +goose StatementBegin
CREATE FUNCTION knowledge_terms_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO knowledge_namespaces AS n (namespace, chunks)
        SELECT namespace, -count(*) FROM old_chunks GROUP BY namespace ORDER BY namespace
        ON CONFLICT (namespace) DO UPDATE SET chunks = n.chunks + excluded.chunks;
        INSERT INTO knowledge_terms AS t (namespace, lexeme, chunks)
        SELECT c.namespace, l.lexeme, -count(*) FROM old_chunks c, unnest(c.tsv) AS l
        GROUP BY c.namespace, l.lexeme ORDER BY c.namespace, l.lexeme
        ON CONFLICT (namespace, lexeme) DO UPDATE SET chunks = t.chunks + excluded.chunks;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO knowledge_namespaces AS n (namespace, chunks)
        SELECT namespace, count(*) FROM new_chunks GROUP BY namespace ORDER BY namespace
        ON CONFLICT (namespace) DO UPDATE SET chunks = n.chunks + excluded.chunks;
        INSERT INTO knowledge_terms AS t (namespace, lexeme, chunks)
        SELECT c.namespace, l.lexeme, count(*) FROM new_chunks c, unnest(c.tsv) AS l
        GROUP BY c.namespace, l.lexeme ORDER BY c.namespace, l.lexeme
        ON CONFLICT (namespace, lexeme) DO UPDATE SET chunks = t.chunks + excluded.chunks;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER chunks_terms_insert AFTER INSERT ON chunks
    REFERENCING NEW TABLE AS new_chunks FOR EACH STATEMENT EXECUTE FUNCTION knowledge_terms_keep();
CREATE TRIGGER chunks_terms_delete AFTER DELETE ON chunks
    REFERENCING OLD TABLE AS old_chunks FOR EACH STATEMENT EXECUTE FUNCTION knowledge_terms_keep();
CREATE TRIGGER chunks_terms_update AFTER UPDATE ON chunks
    REFERENCING OLD TABLE AS old_chunks NEW TABLE AS new_chunks FOR EACH STATEMENT EXECUTE FUNCTION knowledge_terms_keep();

-- What is there already.
INSERT INTO knowledge_namespaces (namespace, chunks)
SELECT namespace, count(*) FROM chunks GROUP BY namespace;
INSERT INTO knowledge_terms (namespace, lexeme, chunks)
SELECT c.namespace, l.lexeme, count(*) FROM chunks c, unnest(c.tsv) AS l GROUP BY c.namespace, l.lexeme;
