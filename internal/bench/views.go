package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/internal/node"
	"github.com/sendcase/sendcase/internal/seed"
	"github.com/sendcase/sendcase/projections"
)

// views loads the caseload of the largest school and the trust workload
// with concurrent HTTP clients against the real handler.
func views(ctx context.Context, n *node.Node, s seed.Result, o Options, rep *Report) error {
	last, _ := n.Store.LastSeq(ctx)
	wctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := n.Projector.WaitFor(wctx, last); err != nil {
		return err
	}
	mk := func(role user.Role, schools []string) (string, error) {
		res, err := n.Service.CreateUser(ctx, app.System, app.CommandOptions{}, user.Create{Name: "Bench " + string(role), Email: "bench@example.org", Role: role, TrustID: s.TrustID, SchoolIDs: schools})
		return res.Token, err
	}
	senco, err := mk(user.SENCO, s.SchoolIDs[:1])
	if err != nil {
		return err
	}
	lead, err := mk(user.TrustLead, nil)
	if err != nil {
		return err
	}
	srv := httptest.NewServer(n.Handler)
	defer srv.Close()
	caseloadSize := 0
	_ = n.Projector.Store().EachSchoolPupil(ctx, s.SchoolIDs[0], func(*projections.Summary) { caseloadSize++ })
	// What one computation costs, without the view cache: what a request
	// pays after every change, one client at a time.
	v := projections.Views{Store: n.Projector.Store(), Dir: n.Service.Directory()}
	today := civil.Today(time.Now())
	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var cl, wl latencies
	for range 20 {
		t := time.Now()
		if _, err := v.Caseload(ctx, s.SchoolIDs[0], today, projections.CaseloadFilter{}); err != nil {
			return err
		}
		cl = append(cl, time.Since(t))
		t = time.Now()
		if _, err := v.Workload(ctx, s.TrustID, today); err != nil {
			return err
		}
		wl = append(wl, time.Since(t))
	}
	// What falls due (issue 19): per school, as a SENCO's page, a trust
	// lead's (every school) and each reminder run (every SENCO) compute it.
	var dl, dt latencies
	for range 10 {
		t := time.Now()
		if _, err := v.Due(ctx, s.SchoolIDs[0], today, 30); err != nil {
			return err
		}
		dl = append(dl, time.Since(t))
		t = time.Now()
		for _, sch := range s.SchoolIDs {
			if _, err := v.Due(ctx, sch, today, 30); err != nil {
				return err
			}
		}
		dt = append(dt, time.Since(t))
	}
	rep.add(Line{Name: fmt.Sprintf("caseload of a %d-pupil school, one uncached computation, p50", caseloadSize), Value: ms(cl.pct(.5)), Unit: "ms"})
	rep.add(Line{Name: fmt.Sprintf("due list of a %d-pupil school, one uncached computation, p50", caseloadSize), Value: ms(dl.pct(.5)), Unit: "ms"})
	rep.add(Line{Name: fmt.Sprintf("due list of a %d-school trust (its lead's page; a reminder run's planning), p50", len(s.SchoolIDs)), Value: ms(dt.pct(.5)), Unit: "ms"})
	rep.add(Line{Name: fmt.Sprintf("workload of a %d-school trust, one uncached computation, p50", len(s.SchoolIDs)), Value: ms(wl.pct(.5)), Unit: "ms"})
	// The past: views folded again from history (issue 15).
	past := v
	past.Today = today
	twoYearsAgo := today.AddMonths(-24)
	var pcl, tr latencies
	for range 5 {
		t := time.Now()
		if _, err := past.Caseload(ctx, s.SchoolIDs[0], twoYearsAgo, projections.CaseloadFilter{}); err != nil {
			return err
		}
		pcl = append(pcl, time.Since(t))
	}
	// The first trends after a start work out every pupil's month ends;
	// later ones only those of pupils changed since (docs/projections.md).
	var trFirst time.Duration
	for i := range 4 {
		t := time.Now()
		if _, err := past.Trends(ctx, s.TrustID, "", today.AddMonths(-23), today); err != nil {
			return err
		}
		if i == 0 {
			trFirst = time.Since(t)
			continue
		}
		tr = append(tr, time.Since(t))
	}
	// Delivery and impact (issue 21): the trust's, uncached, over the four
	// weeks to today and over the last school year's reviews.
	yearAgo := today.AddMonths(-12)
	var dv, im latencies
	for range 5 {
		t := time.Now()
		if _, err := past.Delivery(ctx, s.TrustID, "", today.AddDays(-27), today, today); err != nil {
			return err
		}
		dv = append(dv, time.Since(t))
		t = time.Now()
		if _, err := past.Impact(ctx, s.TrustID, "", yearAgo, today, today, true); err != nil {
			return err
		}
		im = append(im, time.Since(t))
	}
	rep.add(Line{Name: fmt.Sprintf("delivery of a %d-school trust, 4 weeks, one uncached computation, p50", len(s.SchoolIDs)), Value: ms(dv.pct(.5)), Unit: "ms",
		Target: "≤ 1000 ms", Met: met(dv.pct(.5) <= time.Second)})
	rep.add(Line{Name: fmt.Sprintf("impact of a %d-school trust, 12 months of reviews, one uncached computation, p50", len(s.SchoolIDs)), Value: ms(im.pct(.5)), Unit: "ms",
		Target: "≤ 1000 ms", Met: met(im.pct(.5) <= time.Second)})
	rep.add(Line{Name: fmt.Sprintf("caseload of a %d-pupil school as of two years back, one uncached computation, p50", caseloadSize), Value: ms(pcl.pct(.5)), Unit: "ms"})
	rep.add(Line{Name: fmt.Sprintf("24-month trends of a %d-school trust, the first after start (no month end kept)", len(s.SchoolIDs)), Value: ms(trFirst), Unit: "ms"})
	rep.add(Line{Name: "  computed again, no view cache (month ends kept by unchanged pupils), p50", Value: ms(tr.pct(.5)), Unit: "ms",
		Target: "≤ 1000 ms", Met: met(tr.pct(.5) <= time.Second)})
	if o.CPUProfile != "" {
		pprof.StopCPUProfile()
	}
	for _, v := range []struct {
		name, path, token string
		target            time.Duration
	}{
		{fmt.Sprintf("caseload of a %d-pupil school", caseloadSize), "/v1/schools/" + s.SchoolIDs[0] + "/caseload", senco, 20 * time.Millisecond},
		{fmt.Sprintf("workload of a %d-school trust", len(s.SchoolIDs)), "/v1/trusts/" + s.TrustID + "/workload", lead, 50 * time.Millisecond},
		{"due list of one school, as its trust lead opens it", "/v1/me/due?within=30&school=" + s.SchoolIDs[0], lead, 0}, // no target set: measured
		{fmt.Sprintf("due list of every school of a %d-school trust (the export)", len(s.SchoolIDs)), "/v1/me/due?within=30", lead, 0},
		{fmt.Sprintf("caseload of a %d-pupil school as of two years back", caseloadSize), "/v1/schools/" + s.SchoolIDs[0] + "/caseload?as_of=" + twoYearsAgo.String(), senco, 50 * time.Millisecond},
		{fmt.Sprintf("delivery of a %d-school trust", len(s.SchoolIDs)), "/v1/trusts/" + s.TrustID + "/delivery", lead, 50 * time.Millisecond},
		{fmt.Sprintf("impact of a %d-school trust, 12 months of reviews", len(s.SchoolIDs)), "/v1/trusts/" + s.TrustID + "/impact?from=" + yearAgo.String(), lead, 50 * time.Millisecond},
		{"impact of one school, as its SENCO opens it", "/v1/schools/" + s.SchoolIDs[0] + "/impact?from=" + yearAgo.String(), senco, 50 * time.Millisecond},
	} {
		lat, count, err := load(srv.URL+v.path, v.token, o.Clients, o.HTTP)
		if err != nil {
			return err
		}
		rep.add(Line{Name: v.name + ", p50", Value: ms(lat.pct(.5)), Unit: "ms"})
		p99 := Line{Name: v.name + ", p99", Value: ms(lat.pct(.99)), Unit: "ms"}
		if v.target > 0 {
			p99.Target, p99.Met = fmt.Sprintf("≤ %d ms", v.target.Milliseconds()), met(lat.pct(.99) <= v.target)
		}
		rep.add(p99)
		rep.add(Line{Name: v.name + ", throughput", Value: float64(count) / o.HTTP.Seconds(), Unit: "requests/s"})
	}
	return nil
}

func load(url, token string, clients int, d time.Duration) (latencies, int, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	deadline := time.Now().Add(d)
	lats := make([]latencies, clients)
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				t := time.Now()
				res, err := client.Do(req)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					firstErr.CompareAndSwap(nil, fmt.Errorf("%s: status %d", url, res.StatusCode))
					return
				}
				lats[c] = append(lats[c], time.Since(t))
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return nil, 0, err
	}
	all := slices.Concat(lats...)
	return all, len(all), nil
}
