package knowledge

// Result is one chunk that search returned, best first.
type Result struct {
	ChunkID      int64   `json:"chunk_id"`
	DocumentPath string  `json:"document"`
	Title        string  `json:"title"`
	Heading      string  `json:"heading"`
	Content      string  `json:"chunk"`
	Score        float64 `json:"score"`
	// VectorScore is the cosine similarity (0 when the chunk came from full
	// text only); TextRank is the full-text rank (0 when from vectors only).
	VectorScore float64 `json:"vector_score"`
	TextRank    float64 `json:"text_rank"`
}
