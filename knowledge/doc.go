// Package knowledge owns the business's knowledge base: documents, their
// chunks, the embedders that turn text into vectors, ingestion of files and
// folders, and hybrid search (pgvector cosine plus PostgreSQL full text,
// fused by reciprocal rank fusion). It owns the documents and chunks tables
// and must not know about leads or conversations.
package knowledge
