// Package knowledge owns the business's knowledge base: documents, their
// chunks, the embedders that turn text into vectors, ingestion of files and
// folders, and hybrid search (pgvector cosine plus PostgreSQL full text,
// fused by reciprocal rank fusion). It owns the documents and chunks tables
// and the term statistics kept beside them (knowledge_terms,
// knowledge_namespaces), and must not know about leads or conversations.
//
// # Ingestion
//
// [Base.Ingest] reads Markdown (.md), text (.txt), HTML (.html, .htm), PDF
// (.pdf) and FAQ CSV (.csv with question and answer columns) files, and
// folders of them recursively. Files are loaded with langchaingo's
// document loaders (HTML with goquery, which that loader uses, so that
// titles and headings survive) and cut with langchaingo's splitters: the
// Markdown splitter for Markdown, section by section, and the recursive
// character splitter for the rest, at about 800 characters with a 100
// character overlap. Plain text is cut into sections first, at the lines
// that mark headings in typed documents ("WHAT TO BRING", "3. FINANCING",
// a line underlined with "==="), and a web page's sidebar, header and
// footer keep headings of their own. Each FAQ row is its own chunk titled by its question.
// A chunk keeps its document's path as ingested, a title (the first H1,
// the page's <title>, the PDF's Title or the file name) and its heading
// path ("Air conditioning > Sizing").
//
// A file is stored with the SHA-256 of its bytes (and of the readers'
// version, so that a better reader re-reads what was stored before it) and
// the embedder's name: ingesting it again unchanged does nothing, and a changed file's chunks
// are replaced in one transaction. Files are parsed and embedded in
// parallel and written in batches with COPY. A bad file is reported by
// path and does not stop the others.
//
// # Embedders
//
// Every vector has [Dimensions] (384) numbers. [LocalEmbedder] needs no
// network or model: it hashes word stems, word pairs and character n-grams
// with signed feature hashing. [OpenAIEmbedder] calls any OpenAI-compatible
// /embeddings endpoint in batches and asks text-embedding-3-* models for
// 384 dimensions. Chunks remember which embedder made their vectors, and
// search only compares vectors of the same one.
//
// # Search
//
// [Base.Search] weighs the question's words first: by how rare each is in
// the namespace searched (IDF from the term statistics that triggers keep
// at ingest in knowledge_terms and knowledge_namespaces, cached), less for
// the words that frame a question ("is it possible to"), and adds the
// forms English derives from them ("payment" also looks for "pay"; from
// WordNet, package lexicon). [Base.TermCounts] gives the answerer the
// same counts.
// It then runs, in one statement, an HNSW cosine search with the weighted
// query vector and a full-text search whose query ORs the question's words
// (a natural question must match partially), and takes the best of both by
// reciprocal rank fusion; those candidates are scored again in Go by a
// field-weighted BM25 over title, heading and text, and the three
// rankings are fused (k = 60). Results carry the fused score, the cosine
// similarity and the full-text rank. Namespaces keep an eval suite's
// knowledge apart from the business's ("" is [DefaultNamespace]).
package knowledge
