package store

import (
	"context"
	"log/slog"
)

// RiverLogger is the logger to hand River (its client and its migrator):
// logger with River's Info lines demoted to Debug. River reports every
// start, stop and maintenance pass ("maintenance.JobScheduler: Ran
// successfully") at Info, a line every few seconds that buries the
// product's own; with LOG_LEVEL=debug they show again. Warnings and errors
// pass unchanged.
func RiverLogger(logger *slog.Logger) *slog.Logger {
	if logger == nil {
		return nil
	}
	return slog.New(demoteInfo{logger.Handler()})
}

// demoteInfo is a slog.Handler that records Info as Debug.
type demoteInfo struct{ h slog.Handler }

func (d demoteInfo) Enabled(ctx context.Context, level slog.Level) bool {
	return d.h.Enabled(ctx, demote(level))
}

func (d demoteInfo) Handle(ctx context.Context, r slog.Record) error {
	r.Level = demote(r.Level)
	return d.h.Handle(ctx, r)
}

func (d demoteInfo) WithAttrs(attrs []slog.Attr) slog.Handler {
	return demoteInfo{d.h.WithAttrs(attrs)}
}

func (d demoteInfo) WithGroup(name string) slog.Handler { return demoteInfo{d.h.WithGroup(name)} }

func demote(level slog.Level) slog.Level {
	if level == slog.LevelInfo {
		return slog.LevelDebug
	}
	return level
}
