package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/reports"
	"github.com/leadagent/leadagent/webhooks"
)

// reportRange reads ?from=&to= (dates in the business's time zone, or RFC
// 3339 times; the last 30 days without them). A bad value is a badRequest
// that names the parameter.
func (s *Server) reportRange(c *gin.Context) (reports.Range, *time.Location, error) {
	bh, err := handoff.LoadBusinessHours(c.Request.Context(), s.cfg.DB, s.cfg.Hours)
	if err != nil {
		return reports.Range{}, nil, err
	}
	loc := bh.Schedule.Location()
	r, err := reports.ParseRange(c.Query("from"), c.Query("to"), time.Now(), loc)
	if reports.IsRangeError(err) {
		return reports.Range{}, loc, badRequest(err.Error())
	}
	return r, loc, err
}

// reportsSummary serves GET /api/v1/reports/summary?from=&to=: the
// report as JSON (reports.Report).
func (s *Server) reportsSummary(c *gin.Context) {
	r, _, err := s.reportRange(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	rep, err := reports.Summary(c.Request.Context(), s.cfg.DB, r)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}

// metrics serves GET /metrics, outside the API keys: Prometheus scrapes
// it, with MetricsToken as its bearer token when one is set.
func (s *Server) metrics(c *gin.Context) {
	if s.cfg.Metrics == nil {
		abortError(c, http.StatusNotFound, "metrics are off")
		return
	}
	if s.cfg.MetricsToken != "" {
		token, _ := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		if !oneOf(strings.TrimSpace(token), []string{s.cfg.MetricsToken}) {
			c.Header("WWW-Authenticate", `Bearer realm="leadagent metrics"`)
			abortError(c, http.StatusUnauthorized, "missing or wrong metrics token")
			return
		}
	}
	s.cfg.Metrics.ServeHTTP(c.Writer, c.Request)
}

// figure is one big number on the reports page.
type figure struct {
	Label  string
	Value  string
	Detail string
}

// preset is a quick range on the reports page.
type preset struct {
	Label, From, To string
	Current         bool
}

// sourceRow and repFiguresRow are the tables' rows, in words.
type sourceRow struct {
	Source, Leads, AIFirst, SpeedP50, SpeedP90, AfterHours, Handoffs, Booked, OptOuts string
}

type repFiguresRow struct {
	Name, Assigned, Claimed, ClaimP50, ClaimP90, Booked, Conversion string
}

type reportsPage struct {
	pageBase
	Report  reports.Report
	Charts  reportCharts
	Figures []figure
	Sources []sourceRow
	Reps    []repFiguresRow
	Presets []preset
	// From and To are the form's dates; Span says the range in words.
	From, To, Span, TimeZone string
	CSV                      string
	Error                    string
	// DisabledWebhooks counts the webhook endpoints disabled for failing,
	// told to admins here too.
	DisabledWebhooks int
}

// reportCharts is what reports.js draws from: the report as the API
// returns it, and the words for its keys.
type reportCharts struct {
	Report  reports.Report    `json:"report"`
	Reasons map[string]string `json:"reasons"`
}

// consoleReports serves GET /console/reports: the figures of a range,
// their charts and the CSV link. Reps and admins both read it: the team's
// numbers are the team's.
func (s *Server) consoleReports(c *gin.Context) {
	p := reportsPage{pageBase: s.base(c, "Reports")}
	r, loc, err := s.reportRange(c)
	if err != nil && statusOf(err) != http.StatusBadRequest {
		s.consoleFail(c, err)
		return
	}
	if err != nil {
		// The form again, with what was wrong, and no figures.
		p.Error, p.From, p.To, p.TimeZone = err.Error(), c.Query("from"), c.Query("to"), loc.String()
		p.Presets = presets(time.Now(), loc, reports.Range{})
		s.renderPage(c, http.StatusBadRequest, "reports.html", p)
		return
	}
	rep, err := reports.Summary(c.Request.Context(), s.cfg.DB, r)
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	if p.Admin {
		if p.DisabledWebhooks, err = webhooks.DisabledCount(c.Request.Context(), s.cfg.DB); err != nil {
			s.consoleFail(c, err)
			return
		}
	}
	p.Report = rep
	p.Charts = reportCharts{Report: rep, Reasons: map[string]string{}}
	for reason := range rep.Handoffs {
		p.Charts.Reasons[reason] = handoff.ReasonLabel(reason)
	}
	p.Figures = figures(rep)
	for _, f := range rep.BySource {
		p.Sources = append(p.Sources, sourceRow{Source: sourceName(f.Source), Leads: fmt.Sprint(f.Leads),
			AIFirst: percent(f.AIFirstResponse), SpeedP50: seconds(f.SpeedToLeadSeconds.P50), SpeedP90: seconds(f.SpeedToLeadSeconds.P90),
			AfterHours: fmt.Sprint(f.AfterHoursLeads), Handoffs: fmt.Sprint(f.Handoffs),
			Booked: fmt.Sprintf("%d of %d", f.HandoffConversion.Count, f.HandoffConversion.Of), OptOuts: fmt.Sprint(f.OptOuts)})
	}
	for _, f := range rep.ByRep {
		p.Reps = append(p.Reps, repFiguresRow{Name: f.Name, Assigned: fmt.Sprint(f.HandoffsAssigned), Claimed: fmt.Sprint(f.HandoffsClaimed),
			ClaimP50: minutesOf(f.HandoffClaimMinutes.P50), ClaimP90: minutesOf(f.HandoffClaimMinutes.P90),
			Booked: fmt.Sprint(f.Booked), Conversion: percent(f.Conversion)})
	}
	p.From, p.To = r.From.In(loc).Format(time.DateOnly), r.To.In(loc).Format(time.DateOnly)
	p.Span, p.TimeZone = span(r, loc), loc.String()
	p.Presets = presets(time.Now(), loc, r)
	p.CSV = "/console/reports.csv?" + url.Values{"from": {r.From.Format(time.RFC3339)}, "to": {r.To.Format(time.RFC3339)}}.Encode()
	s.renderPage(c, http.StatusOK, "reports.html", p)
}

// consoleReportsCSV serves GET /console/reports.csv: the range's report
// as one CSV (reports.CSV), for a spreadsheet.
func (s *Server) consoleReportsCSV(c *gin.Context) {
	r, loc, err := s.reportRange(c)
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	rep, err := reports.Summary(c.Request.Context(), s.cfg.DB, r)
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	var b bytes.Buffer
	if err := reports.CSV(&b, rep); err != nil {
		s.consoleFail(c, err)
		return
	}
	name := fmt.Sprintf("leadagent-report-%s-to-%s.csv", r.From.In(loc).Format(time.DateOnly), r.To.In(loc).Format(time.DateOnly))
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
}

func figures(r reports.Report) []figure {
	return []figure{
		{"Leads", fmt.Sprint(r.Leads), fmt.Sprintf("%d texted, %d emailed, %d called, %d by form, API or import (%d of those after hours)",
			r.LeadsByChannel["text"], r.LeadsByChannel["email"], r.LeadsByChannel["call"], r.LeadsByChannel["form"], r.AfterHoursLeads)},
		{"AI first response", percent(r.AIFirstResponse),
			fmt.Sprintf("%d of %d leads answered first by the AI", r.AIFirstResponse.Count, r.AIFirstResponse.Of)},
		{"Speed to lead", seconds(r.SpeedToLeadSeconds.P50), "median; 90% within " + seconds(r.SpeedToLeadSeconds.P90)},
		{"Handoffs", fmt.Sprint(r.HandoffsTotal), plural(r.HandoffConversion.Of, "conversation", "conversations")},
		{"Claimed in", minutesOf(r.HandoffClaimMinutes.P50), fmt.Sprintf("median of %d claimed; 90%% within %s",
			r.HandoffClaimMinutes.Of, minutesOf(r.HandoffClaimMinutes.P90))},
		{"Handoffs booked", percent(r.HandoffConversion),
			fmt.Sprintf("%d of %d handed-off conversations", r.HandoffConversion.Count, r.HandoffConversion.Of)},
		{"Opt-outs", fmt.Sprint(r.OptOuts), fmt.Sprintf("%d from texts (STOP, START, STOP is two), %d unsubscribes from email",
			r.OptOutsByChannel["sms"], r.OptOutsByChannel["email"])},
		{"Cadences completed", percent(r.CadenceCompletion),
			fmt.Sprintf("%d of %d ended; %d still running", r.CadenceCompletion.Count, r.CadenceCompletion.Of, r.Cadences.Active)},
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// sourceName is how a page names a source; leads that named none have "".
func sourceName(s string) string {
	if s == "" {
		return "(no source)"
	}
	return s
}

func percent(r reports.Rate) string {
	if r.Of == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", r.Rate*100)
}

func seconds(v *float64) string {
	switch {
	case v == nil:
		return "–"
	case *v < 90:
		return fmt.Sprintf("%.0f s", *v)
	case *v < 90*60:
		return fmt.Sprintf("%.1f min", *v/60)
	}
	return fmt.Sprintf("%.1f h", *v/3600)
}

func minutesOf(v *float64) string {
	if v == nil {
		return "–"
	}
	s := *v * 60
	return seconds(&s)
}

// span says a range in words: "Nov 1 – Nov 30, 2026" for whole days.
func span(r reports.Range, loc *time.Location) string {
	from, to := r.From.In(loc), r.To.In(loc)
	if from.Hour()+from.Minute()+from.Second() != 0 || to.Hour()+to.Minute()+to.Second() != 0 {
		return from.Format("Jan 2 15:04") + " – " + to.Format("Jan 2 15:04, 2006")
	}
	last := to.AddDate(0, 0, -1)
	if last.Equal(from) {
		return from.Format("Mon Jan 2, 2006")
	}
	return from.Format("Jan 2") + " – " + last.Format("Jan 2, 2006")
}

func presets(now time.Time, loc *time.Location, current reports.Range) []preset {
	y, m, d := now.In(loc).Date()
	tomorrow := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	month := time.Date(y, m, 1, 0, 0, 0, 0, loc)
	out := []preset{}
	for _, p := range []struct {
		label    string
		from, to time.Time
	}{
		{"Last 7 days", tomorrow.AddDate(0, 0, -7), tomorrow},
		{"Last 30 days", tomorrow.AddDate(0, 0, -reports.DefaultDays), tomorrow},
		{"This month", month, month.AddDate(0, 1, 0)},
		{"Last month", month.AddDate(0, -1, 0), month},
	} {
		out = append(out, preset{Label: p.label, From: p.from.Format(time.DateOnly), To: p.to.Format(time.DateOnly),
			Current: p.from.Equal(current.From) && p.to.Equal(current.To)})
	}
	return out
}
