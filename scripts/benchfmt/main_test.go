package main

import (
	"strings"
	"testing"
)

// A benchmark's result line split over events, its b.Logf and a failure
// come through; the product's logs and go test's chatter do not.
func TestFormatKeepsFiguresOnly(t *testing.T) {
	t.Parallel()
	in := `{"Action":"start","Package":"p"}
{"Action":"output","Package":"p","Output":"goos: linux\n"}
{"Action":"output","Package":"p","Output":"pkg: p\n"}
{"Action":"output","Package":"p","Test":"BenchmarkInbox","Output":"=== RUN   BenchmarkInbox\n"}
{"Action":"output","Package":"p","Test":"BenchmarkInbox","Output":"time=2026-12-07T02:00:00Z level=INFO msg=\"River client started\"\n"}
{"Action":"output","Package":"p","Test":"BenchmarkInbox","Output":"BenchmarkInbox-2   \t"}
{"Action":"output","Package":"p","Test":"BenchmarkInbox","Output":"     100\t       991.2 ns/op\t  12.0 p95-ms\n"}
{"Action":"output","Package":"p","Test":"BenchmarkInbox","Output":"    bench_test.go:42: 10,000 conversations\n"}
{"Action":"output","Package":"p","Test":"BenchmarkSend","Output":"--- FAIL: BenchmarkSend\n"}
{"Action":"output","Package":"p","Output":"PASS\n"}
{"Action":"fail","Package":"p"}
`
	var out strings.Builder
	failed, err := format(strings.NewReader(in), &out)
	if err != nil || !failed {
		t.Fatalf("format: failed %v, err %v", failed, err)
	}
	want := "\np\nBenchmarkInbox-2   \t     100\t       991.2 ns/op\t  12.0 p95-ms\n    bench_test.go:42: 10,000 conversations\n--- FAIL: BenchmarkSend\nFAIL p\n"
	if out.String() != want {
		t.Errorf("got\n%q\nwant\n%q", out.String(), want)
	}
}
