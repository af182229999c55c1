package knowledge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"

	"github.com/leadagent/leadagent/store"
)

// IngestOptions tune one Ingest run.
type IngestOptions struct {
	// Namespace to ingest into; "" is DefaultNamespace.
	Namespace string
	// Progress, when set, is called after each file is settled (written,
	// unchanged or failed), with the number settled so far and the number
	// found. Calls come one at a time, from one goroutine or another.
	Progress func(done, total int)
}

// IngestReport says what an Ingest run did.
type IngestReport struct {
	Files     int // files to ingest: found in folders or named, readable or not
	Ingested  int // new or changed files written
	Unchanged int // files already stored with the same content and embedder
	Chunks    int // chunks written
	// Skipped are the files in folders whose type Ingest does not read.
	Skipped []string
	// Failed lists the files that could not be ingested, each error naming
	// its path; the other files were ingested all the same.
	Failed   []*FileError
	Duration time.Duration
}

// FileError is one file that could not be ingested.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return fmt.Sprintf("ingest %s: %v", e.Path, e.Err) }
func (e *FileError) Unwrap() error { return e.Err }

// Ingest loads files and folders (recursively; hidden files and folders
// are left out) into the knowledge base. Markdown, text, HTML, PDF and FAQ
// CSV are read; in folders other files are skipped, but a file named
// explicitly must be one of those.
//
// A file whose content and embedder are unchanged since it was last
// ingested is left alone. A new or changed file's chunks are written, or
// replace the old ones, in one transaction: search sees the old chunks or
// the new ones, never a mix.
//
// A bad file does not stop the others: it is listed in the report, and the
// returned error joins every file's error (each "ingest PATH: cause") with
// any error that stopped the run (a cancelled context, a database that is
// down). The report is filled in either way.
func (b *Base) Ingest(ctx context.Context, paths []string, opts IngestOptions) (IngestReport, error) {
	start := time.Now()
	run := &ingestRun{
		base:     b,
		ns:       namespaceOrDefault(opts.Namespace),
		progress: opts.Progress,
	}
	files, skipped, failed := expand(paths)
	run.report.Skipped = skipped
	run.report.Files = len(files) + len(failed)
	run.total = run.report.Files
	for _, fe := range failed {
		run.fail(fe)
	}
	fatal := run.process(ctx, files)
	if fatal == nil && run.report.Chunks > 0 {
		fatal = b.analyze(ctx)
	}
	run.report.Duration = time.Since(start)

	errs := make([]error, 0, len(run.report.Failed)+1)
	for _, fe := range run.report.Failed {
		errs = append(errs, fe)
	}
	if fatal != nil {
		errs = append(errs, fatal)
	}
	return run.report, errors.Join(errs...)
}

// analyze refreshes the planner's statistics of the chunks table, which
// search reads to tell common words from rare ones (see searchSQL), so
// that a large load is searched well at once rather than after
// autovacuum's next pass. It samples a fixed number of rows: well under a
// second even for 100,000 chunks.
func (b *Base) analyze(ctx context.Context) error {
	if _, err := b.pool.Exec(ctx, "ANALYZE chunks"); err != nil {
		return fmt.Errorf("refresh search statistics: %w", err)
	}
	b.stats.invalidate()
	return nil
}

// expand turns the paths given into the files to ingest, each once, in a
// stable order. A path that cannot be read at all is a failure.
func expand(paths []string) (files, skipped []string, failed []*FileError) {
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, root := range paths {
		root = filepath.Clean(root)
		info, err := os.Stat(root)
		if err != nil {
			failed = append(failed, &FileError{Path: root, Err: err})
			continue
		}
		if !info.IsDir() {
			add(root)
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				failed = append(failed, &FileError{Path: p, Err: err})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if p != root && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			if !Supported(p) {
				skipped = append(skipped, p)
				return nil
			}
			add(p)
			return nil
		})
		if err != nil {
			failed = append(failed, &FileError{Path: root, Err: err})
		}
	}
	return files, skipped, failed
}

// ingestRun is the state of one Ingest call.
type ingestRun struct {
	base     *Base
	ns       string
	progress func(done, total int)

	mu     sync.Mutex
	report IngestReport
	done   int
	total  int
}

// settle records the end of one file and reports progress.
func (r *ingestRun) settle(update func(*IngestReport)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	update(&r.report)
	r.done++
	if r.progress != nil {
		r.progress(r.done, r.total)
	}
}

func (r *ingestRun) fail(fe *FileError) {
	r.settle(func(rep *IngestReport) { rep.Failed = append(rep.Failed, fe) })
}

// A file read and checked against what is stored.
type fileJob struct {
	path, sha string
	data      []byte
}

// A file parsed into chunks, waiting for its vectors and its transaction.
type parsedFile struct {
	path, sha string
	doc       parsedDoc
	vectors   [][]float32
}

// Batches group files for embedding and writing: fewer embedder calls and
// fewer commits. A batch closes at whichever limit it reaches first.
const (
	batchFiles  = 64
	batchChunks = 512
	// hashGroup is how many files are looked up in one query to find the
	// unchanged ones.
	hashGroup = 256
)

// process runs the pipeline: read and hash (here), skip the unchanged,
// parse (workers), group into batches, embed and write (workers). It
// returns the first error that must stop the run.
func (r *ingestRun) process(ctx context.Context, files []string) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := func(err error) { cancel(err) }

	jobs := make(chan fileJob, r.base.workers*2)
	parsed := make(chan parsedFile, r.base.workers*2)
	batches := make(chan []parsedFile, r.base.workers)

	var parsers, writers sync.WaitGroup
	for range r.base.workers {
		parsers.Go(func() {
			for job := range jobs {
				doc, err := parse(ctx, job.path, job.data, r.base.split)
				if err != nil {
					r.fail(&FileError{Path: job.path, Err: err})
					continue
				}
				select {
				case parsed <- parsedFile{path: job.path, sha: job.sha, doc: doc}:
				case <-ctx.Done():
					return
				}
			}
		})
		writers.Go(func() {
			for batch := range batches {
				if err := r.write(ctx, batch); err != nil {
					stop(err)
				}
			}
		})
	}
	// Group parsed files into batches.
	var grouper sync.WaitGroup
	grouper.Go(func() {
		defer close(batches)
		var batch []parsedFile
		chunks := 0
		send := func() {
			if len(batch) > 0 {
				select {
				case batches <- batch:
				case <-ctx.Done():
				}
				batch, chunks = nil, 0
			}
		}
		for pf := range parsed {
			batch = append(batch, pf)
			chunks += len(pf.doc.chunks)
			if len(batch) >= batchFiles || chunks >= batchChunks {
				send()
			}
		}
		send()
	})

	feedErr := r.feed(ctx, files, jobs)
	close(jobs)
	parsers.Wait()
	close(parsed)
	grouper.Wait()
	writers.Wait()

	if err := context.Cause(ctx); err != nil {
		return err
	}
	return feedErr
}

// feed reads files, drops the unchanged ones and sends the rest to the
// parsers.
func (r *ingestRun) feed(ctx context.Context, files []string, jobs chan<- fileJob) error {
	for start := 0; start < len(files); start += hashGroup {
		group := files[start:min(start+hashGroup, len(files))]
		var read []fileJob
		for _, p := range group {
			data, err := os.ReadFile(p)
			if err != nil {
				r.fail(&FileError{Path: p, Err: err})
				continue
			}
			read = append(read, fileJob{path: p, sha: contentHash(data), data: data})
		}
		stored, err := r.base.storedHashes(ctx, r.ns, read)
		if err != nil {
			return err
		}
		for _, job := range read {
			if stored[job.path] == job.sha {
				r.settle(func(rep *IngestReport) { rep.Unchanged++ })
				continue
			}
			select {
			case jobs <- job:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
	}
	return nil
}

// parserVersion names how files are read into chunks: bump it whenever a
// reader or the splitter changes what it makes of a file, so that the next
// ingest reads every stored file again rather than keep its old chunks.
const parserVersion = "table-headers-4"

// contentHash is what tells a stored file unchanged: its bytes and the
// version of the readers that cut it into chunks.
func contentHash(data []byte) string {
	h := sha256.New()
	h.Write([]byte(parserVersion + "\x00"))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// storedHashes returns the hash of each of the files stored in ns with
// the current embedder; a file embedded with another one counts as changed.
func (b *Base) storedHashes(ctx context.Context, ns string, jobs []fileJob) (map[string]string, error) {
	paths := make([]string, len(jobs))
	for i, j := range jobs {
		paths[i] = j.path
	}
	rows, err := b.pool.Query(ctx,
		`SELECT path, sha256 FROM documents WHERE namespace = $1 AND embedder = $2 AND path = ANY($3)`,
		ns, b.embedder.Name(), paths)
	if err != nil {
		return nil, fmt.Errorf("look up stored documents: %w", err)
	}
	out := map[string]string{}
	var path, sha string
	_, err = pgx.ForEachRow(rows, []any{&path, &sha}, func() error {
		out[path] = sha
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("look up stored documents: %w", err)
	}
	return out, nil
}

// write embeds a batch and stores it.
func (r *ingestRun) write(ctx context.Context, batch []parsedFile) error {
	var passages []Passage
	for _, pf := range batch {
		for _, c := range pf.doc.chunks {
			passages = append(passages, Passage{Title: c.title, Heading: c.heading, Text: c.content})
		}
	}
	vecs, err := embedPassages(ctx, r.base.embedder, passages)
	if err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		for _, pf := range batch {
			r.fail(&FileError{Path: pf.path, Err: err})
		}
		return nil
	}
	for i := range batch {
		n := len(batch[i].doc.chunks)
		batch[i].vectors, vecs = vecs[:n], vecs[n:]
	}
	return r.store(ctx, batch)
}

// store writes a batch in one transaction. When that fails for a reason
// other than the database being gone, each file is tried alone so that a
// bad file fails alone.
func (r *ingestRun) store(ctx context.Context, batch []parsedFile) error {
	err := r.base.store(ctx, r.ns, batch)
	switch {
	case err == nil:
		for _, pf := range batch {
			r.settle(func(rep *IngestReport) {
				rep.Ingested++
				rep.Chunks += len(pf.doc.chunks)
			})
		}
		return nil
	case ctx.Err() != nil:
		return context.Cause(ctx)
	case store.IsUnavailable(err):
		return err
	case len(batch) == 1:
		r.fail(&FileError{Path: batch[0].path, Err: err})
		return nil
	}
	for _, pf := range batch {
		if err := r.store(ctx, []parsedFile{pf}); err != nil {
			return err
		}
	}
	return nil
}

// store writes parsed files and their chunks in one transaction: each
// document row is upserted and its old chunks deleted in one statement
// (both see the snapshot from before it), then the new chunks are copied
// in.
func (b *Base) store(ctx context.Context, ns string, batch []parsedFile) error {
	conn, err := b.acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	name := b.embedder.Name()
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		var q pgx.Batch
		ids := make([]int64, len(batch))
		for i, pf := range batch {
			q.Queue(`
				WITH doc AS (
					INSERT INTO documents (namespace, path, title, sha256, embedder, chunk_count)
					VALUES ($1, $2, $3, $4, $5, $6)
					ON CONFLICT (namespace, path) DO UPDATE
					SET title = excluded.title, sha256 = excluded.sha256, embedder = excluded.embedder,
					    chunk_count = excluded.chunk_count, ingested_at = now()
					RETURNING id
				), old AS (
					DELETE FROM chunks WHERE document_id = (SELECT id FROM doc)
				)
				SELECT id FROM doc`,
				ns, pf.path, pf.doc.title, pf.sha, name, len(pf.doc.chunks),
			).QueryRow(func(row pgx.Row) error { return row.Scan(&ids[i]) })
		}
		if err := tx.SendBatch(ctx, &q).Close(); err != nil {
			return fmt.Errorf("store documents: %w", err)
		}
		rows := make([][]any, 0, batchChunks)
		for i, pf := range batch {
			for j, c := range pf.doc.chunks {
				rows = append(rows, []any{ids[i], ns, j, c.title, c.heading, c.content, name, pgvector.NewVector(pf.vectors[j])})
			}
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"chunks"},
			[]string{"document_id", "namespace", "ordinal", "title", "heading", "content", "embedder", "embedding"},
			pgx.CopyFromRows(rows))
		if err != nil {
			return fmt.Errorf("copy chunks: %w", err)
		}
		return nil
	})
}
