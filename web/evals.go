package web

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/evals"
	"github.com/leadagent/leadagent/prompts"
)

// The console's eval pages (admins): start a suite against a prompt
// version, follow the run, read its report, compare two runs case by case.
// A run is played by a River job that Config.StartEval queues; these
// handlers only read what the job records in eval_runs.

// suiteChoice is one suite file the console offers.
type suiteChoice struct {
	Path, File string
	Name       string
	Cases      int
	// Problem is why the file cannot run ("" when it can).
	Problem string
}

// promptChoice is one option of the prompt select.
type promptChoice struct {
	Value, Label string
}

// runView is a run as the pages show it.
type runView struct{ evals.Run }

// Running reports whether the run is still going.
func (r runView) Running() bool { return r.State == evals.StateRunning }

// Engine is the responder under test: "offline", or "openai · gpt-4o-mini".
func (r runView) Engine() string {
	if r.Model == "" || r.Model == r.Provider {
		return r.Provider
	}
	return r.Provider + " · " + r.Model
}

// Prompt is the prompt version, "none" for a responder without one.
func (r runView) Prompt() string {
	if r.PromptVersion == "" || r.PromptVersion == r.Provider {
		return "none"
	}
	return r.PromptVersion
}

// PassRate is "91.4%", or "–" until the run is done.
func (r runView) PassRate() string {
	if r.Summary == nil {
		return "–"
	}
	return percentOf(r.Summary.PassRate)
}

// Score is "64 of 70 passed", or how far the run got.
func (r runView) Score() string {
	if r.Summary != nil {
		return fmt.Sprintf("%d of %d passed", r.Summary.Passed, r.Summary.Cases)
	}
	return fmt.Sprintf("%d of %d cases", r.CasesDone, r.CasesTotal)
}

// Took is how long the run ran, "" while it runs.
func (r runView) Took() string {
	if r.FinishedAt == nil {
		return ""
	}
	d := r.FinishedAt.Sub(r.StartedAt)
	if d < time.Minute {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return minutes(d)
}

// Option labels the run in the compare form's selects.
func (r runView) Option() string {
	return fmt.Sprintf("#%d %s · %s · %s · %s", r.ID, r.Suite, r.Prompt(), r.PassRate(), r.StartedAt.Format("Jan 2 15:04"))
}

func percentOf(x float64) string { return fmt.Sprintf("%.1f%%", x*100) }

type evalsPage struct {
	pageBase
	Dir      string
	Suites   []suiteChoice
	Prompts  []promptChoice
	CanStart bool
	// Suite and Prompt are the form's choices.
	Suite, Prompt string
	Runs          []runView
	// Done are the runs that can be compared; A and B the compare form's
	// defaults (the two newest).
	Done  []runView
	A, B  int64
	Error string
}

// consoleEvals serves GET /console/evals: the suites on offer, the form
// that starts one, and the runs so far, newest first.
func (s *Server) consoleEvals(c *gin.Context) {
	s.renderEvals(c, http.StatusOK, c.Query("suite"), c.Query("prompt"), "")
}

func (s *Server) renderEvals(c *gin.Context, status int, suite, prompt, problem string) {
	ctx := c.Request.Context()
	p := evalsPage{pageBase: s.base(c, "Evals"), Dir: s.cfg.EvalSuites, CanStart: s.cfg.StartEval != nil,
		Suite: suite, Prompt: prompt, Error: problem}
	// Runs whose worker died are marked here rather than by a job of their
	// own: the page that would show them running is the one that matters.
	if _, err := evals.InterruptStaleRuns(ctx, s.cfg.DB, time.Now()); err != nil {
		s.consoleFail(c, err)
		return
	}
	var err error
	if p.Suites, err = s.evalSuites(); err != nil {
		s.consoleFail(c, err)
		return
	}
	if p.Prompts, err = s.promptChoices(c); err != nil {
		s.consoleFail(c, err)
		return
	}
	runs, err := evals.ListRuns(ctx, s.cfg.DB, "", 100)
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	for _, r := range runs {
		v := runView{r}
		p.Runs = append(p.Runs, v)
		if r.State == evals.StateDone {
			p.Done = append(p.Done, v)
		}
	}
	if len(p.Done) >= 2 {
		p.A, p.B = p.Done[1].ID, p.Done[0].ID
	}
	s.renderPage(c, status, "evals.html", p)
}

// evalSuites lists the *.yaml files of EvalSuites, each loaded to name it
// and say whether it can run.
func (s *Server) evalSuites() ([]suiteChoice, error) {
	if s.cfg.EvalSuites == "" {
		return nil, nil
	}
	paths, err := filepath.Glob(filepath.Join(s.cfg.EvalSuites, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("eval suites in %s: %w", s.cfg.EvalSuites, err)
	}
	slices.Sort(paths)
	out := make([]suiteChoice, 0, len(paths))
	for _, path := range paths {
		ch := suiteChoice{Path: path, File: filepath.Base(path)}
		suite, err := evals.Load(path)
		if err != nil {
			ch.Problem = err.Error()
		} else {
			ch.Name, ch.Cases = suite.Name, len(suite.Cases)
		}
		out = append(out, ch)
	}
	return out, nil
}

// promptChoices are the active version, then every version of the sms
// prompt (the default last), as prompts.List orders them.
func (s *Server) promptChoices(c *gin.Context) ([]promptChoice, error) {
	versions, err := prompts.List(c.Request.Context(), s.cfg.DB, prompts.SMS)
	if err != nil {
		return nil, err
	}
	out := []promptChoice{{Value: "", Label: "the active version"}}
	for _, v := range versions {
		label := v.Ref()
		if v.Active {
			out[0].Label = "the active version (" + v.Ref() + ")"
			label += " · active"
		}
		if v.Note != "" {
			label += " · " + v.Note
		}
		out = append(out, promptChoice{Value: v.Ref(), Label: label})
	}
	return out, nil
}

// consoleStartEval serves POST /console/evals: it queues a run of the
// chosen suite and shows it.
func (s *Server) consoleStartEval(c *gin.Context) {
	suite, prompt := c.PostForm("suite"), strings.TrimSpace(c.PostForm("prompt"))
	if s.cfg.StartEval == nil {
		s.renderEvals(c, http.StatusServiceUnavailable, suite, prompt, "This server cannot run eval suites.")
		return
	}
	suites, err := s.evalSuites()
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	i := slices.IndexFunc(suites, func(ch suiteChoice) bool { return ch.Path == suite })
	switch {
	case i < 0:
		s.renderEvals(c, http.StatusUnprocessableEntity, suite, prompt, "suite: choose one of the suites listed")
		return
	case suites[i].Problem != "":
		s.renderEvals(c, http.StatusUnprocessableEntity, suite, prompt, suites[i].Problem)
		return
	}
	id, err := s.cfg.StartEval(c.Request.Context(), suite, prompt)
	if evals.IsSuiteError(err) || errors.Is(err, prompts.ErrNotFound) || errors.Is(err, prompts.ErrInvalid) {
		s.renderEvals(c, http.StatusUnprocessableEntity, suite, prompt, err.Error())
		return
	}
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/console/evals/runs/%d", id))
}

// evalFigure is one figure of a report's summary.
type evalFigure struct {
	Label, Value, Detail string
}

type evalRunPage struct {
	pageBase
	Run runView
	// The rest is set once the run is done.
	Figures    []evalFigure
	Rows, Cols []string
	Confusion  map[string]map[string]int
	Failed     []evals.CaseResult
	Cases      []evals.CaseResult
}

// Cell is one count of the handoff confusion matrix.
func (p evalRunPage) Cell(row, col string) int { return p.Confusion[row][col] }

// consoleEvalRun serves GET /console/evals/runs/{id}: the run's progress
// while it runs, then its report.
func (s *Server) consoleEvalRun(c *gin.Context) {
	p, err := s.evalRun(c)
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	s.renderPage(c, http.StatusOK, "evals_run.html", p)
}

// consoleEvalRunProgress serves the run page's body alone, which the page
// polls while the run runs; once it is done the body has no poll.
func (s *Server) consoleEvalRunProgress(c *gin.Context) {
	p, err := s.evalRun(c)
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	s.renderPage(c, http.StatusOK, "eval_run", p)
}

func (s *Server) evalRun(c *gin.Context) (evalRunPage, error) {
	ctx := c.Request.Context()
	run, err := s.getEvalRun(c, c.Param("id"))
	if err != nil {
		return evalRunPage{}, err
	}
	if run.State == evals.StateRunning && time.Since(run.StartedAt) > evals.StaleAfter {
		if _, err := evals.InterruptStaleRuns(ctx, s.cfg.DB, time.Now()); err != nil {
			return evalRunPage{}, err
		}
		if run, err = s.getEvalRun(c, c.Param("id")); err != nil {
			return evalRunPage{}, err
		}
	}
	p := evalRunPage{pageBase: s.base(c, fmt.Sprintf("Eval run #%d", run.ID)), Run: runView{run}}
	rep := run.Report
	if rep == nil {
		return p, nil
	}
	p.Cases, p.Failed = rep.Cases, rep.Failed()
	h := rep.Summary.Handoff
	p.Confusion = h.Confusion
	if h.TP+h.FP+h.FN+h.TN > 0 {
		p.Rows, p.Cols = h.Classes()
	}
	p.Figures = reportFigures(rep)
	return p, nil
}

// getEvalRun reads the run named by a path's id; an id that is not a
// number is as unknown as one that names no run.
func (s *Server) getEvalRun(c *gin.Context, param string) (evals.Run, error) {
	id, err := strconv.ParseInt(param, 10, 64)
	if err != nil || id <= 0 {
		return evals.Run{}, fmt.Errorf("eval run %q: %w", param, evals.ErrNotFound)
	}
	return evals.GetRun(c.Request.Context(), s.cfg.DB, id)
}

func reportFigures(r *evals.Report) []evalFigure {
	s := r.Summary
	figs := []evalFigure{
		{"Pass rate", percentOf(s.PassRate), fmt.Sprintf("%d of %d cases", s.Passed, s.Cases)},
		{"Failed", strconv.Itoa(s.Failed), fmt.Sprintf("%d check(s) skipped", s.SkippedChecks)},
	}
	if n := len(r.KnowledgeErrors) + len(r.KnowledgeSkipped); n > 0 {
		why := slices.Clone(r.KnowledgeErrors)
		for _, p := range r.KnowledgeSkipped {
			why = append(why, p+": a type the reader does not take")
		}
		figs = append(figs, evalFigure{"Knowledge not loaded", fmt.Sprintf("%d file(s)", n), strings.Join(why, "; ")})
	}
	if h := s.Handoff; h.TP+h.FP+h.FN+h.TN > 0 {
		figs = append(figs, evalFigure{"Handoff precision · recall", fmt.Sprintf("%.2f · %.2f", h.Precision, h.Recall),
			fmt.Sprintf("tp %d · fp %d · fn %d · tn %d", h.TP, h.FP, h.FN, h.TN)})
	}
	if a := s.Answers; a.Answerable > 0 {
		figs = append(figs, evalFigure{"No answer where one was due", percentOf(a.UnknownRate),
			fmt.Sprintf("%d of %d cases; answered %d of %d that expect none", a.SaidUnknown, a.Answerable, a.Answered, a.Unanswerable)})
	}
	figs = append(figs,
		evalFigure{"Latency p50", fmt.Sprintf("%.0f ms", s.LatencyMS.P50), fmt.Sprintf("p95 %.0f ms", s.LatencyMS.P95)},
		evalFigure{"Tokens", strconv.Itoa(s.Tokens.Prompt + s.Tokens.Completion),
			fmt.Sprintf("%d prompt + %d completion; judge %d", s.Tokens.Prompt, s.Tokens.Completion, s.JudgeTokens.Prompt+s.JudgeTokens.Completion)})
	cost := evalFigure{"Estimated cost", "unknown", "no list price for the model"}
	if s.CostUSD != nil {
		cost.Value, cost.Detail = fmt.Sprintf("$%.4f", *s.CostUSD), "at list prices"
	}
	figs = append(figs, cost, evalFigure{"Duration", fmt.Sprintf("%.1f s", s.DurationMS/1000), fmt.Sprintf("%d cases", s.Cases)})
	return figs
}

type evalComparePage struct {
	pageBase
	A, B  runView
	Sides []compareSide
	// Swapped is set when the runs were asked for later first: A is
	// always the earlier, so "regressed" means what it says.
	Swapped     bool
	OtherSuites bool
	Error       string

	Regressed, Fixed, StillFailing, Added, Removed []changeView
	Unchanged, RepliesChanged                      int
}

// compareSide is one run in the compare page's header.
type compareSide struct {
	Label string
	Run   runView
}

// changeView is one case of a comparison, with the runs' ids to name them.
type changeView struct {
	evals.CaseChange
	A, B int64
}

// consoleEvalCompare serves GET /console/evals/compare?a=ID&b=ID: two
// runs side by side, case by case, what broke first.
func (s *Server) consoleEvalCompare(c *gin.Context) {
	a, err := s.getEvalRun(c, c.Query("a"))
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	b, err := s.getEvalRun(c, c.Query("b"))
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	p := evalComparePage{pageBase: s.base(c, fmt.Sprintf("Compare eval runs #%d and #%d", a.ID, b.ID))}
	if b.StartedAt.Before(a.StartedAt) {
		a, b, p.Swapped = b, a, true
	}
	p.A, p.B, p.OtherSuites = runView{a}, runView{b}, a.Suite != b.Suite
	p.Sides = []compareSide{{"Before", p.A}, {"After", p.B}}
	for _, r := range []evals.Run{a, b} {
		if r.Report == nil {
			p.Error = fmt.Sprintf("Run #%d is %s: only runs that are done can be compared.", r.ID, r.State)
			s.renderPage(c, http.StatusConflict, "evals_compare.html", p)
			return
		}
	}
	cmp := evals.CompareReports(a.Report, b.Report)
	for _, c := range cmp.Changes {
		ch := changeView{CaseChange: c, A: a.ID, B: b.ID}
		switch ch.Change {
		case evals.Regressed:
			p.Regressed = append(p.Regressed, ch)
		case evals.Fixed:
			p.Fixed = append(p.Fixed, ch)
		case evals.StillFailing:
			p.StillFailing = append(p.StillFailing, ch)
		case evals.Added:
			p.Added = append(p.Added, ch)
		case evals.Removed:
			p.Removed = append(p.Removed, ch)
		}
	}
	p.Unchanged, p.RepliesChanged = cmp.Counts[evals.StillPassing], cmp.ReplyChanged
	s.renderPage(c, http.StatusOK, "evals_compare.html", p)
}
