package store

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestRiverLoggerDemotesInfo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		level slog.Level
		want  []string // the lines that show
	}{
		{slog.LevelInfo, []string{"warn"}},
		{slog.LevelDebug, []string{"info", "warn"}},
	} {
		var b bytes.Buffer
		log := RiverLogger(slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{Level: tc.level}))).With("svc", "river")
		log.Info("info")
		log.Warn("warn")
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
			if line == "" {
				continue
			}
			if !strings.Contains(line, "svc=river") {
				t.Errorf("level %v: attrs lost: %q", tc.level, line)
			}
			got = append(got, line[strings.Index(line, "msg=")+4:][:4])
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("LOG_LEVEL %v: shown %v, want %v\n%s", tc.level, got, tc.want, b.String())
		}
		if tc.level == slog.LevelDebug && !strings.Contains(b.String(), "level=DEBUG msg=info") {
			t.Errorf("River's Info is not recorded as Debug:\n%s", b.String())
		}
	}
}
