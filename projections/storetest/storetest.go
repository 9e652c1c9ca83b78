package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/projections"
)

// Directory returns the directory of the scenario's trust.
func Directory(items []projections.Item) *projections.Directory {
	dir := projections.NewDirectory()
	for _, it := range items {
		if it.Commit.Aggregate != "pupil" {
			dir.Apply(it.Seq, it.Commit)
		}
	}
	return dir
}

// ApplyInBatches applies items to s in batches of n.
func ApplyInBatches(t testing.TB, s projections.Store, items []projections.Item, n int) {
	t.Helper()
	for i := 0; i < len(items); i += n {
		if err := s.Apply(context.Background(), items[i:min(i+n, len(items))]); err != nil {
			t.Fatal(err)
		}
	}
}

// Snapshot renders every view of the scenario as JSON, to compare stores.
func Snapshot(t testing.TB, s projections.Store, items []projections.Item) string {
	t.Helper()
	ctx := context.Background()
	v := projections.Views{Store: s, Dir: Directory(items)}
	out := map[string]any{}
	for _, asOf := range []string{"2025-11-01", "2025-11-10", "2026-02-20"} {
		on := civil.MustParse(asOf)
		ca, err := v.Caseload(ctx, SchoolA, on, projections.CaseloadFilter{})
		if err != nil {
			t.Fatal(err)
		}
		cb, _ := v.Caseload(ctx, SchoolB, on, projections.CaseloadFilter{})
		w, err := v.Workload(ctx, Trust, on)
		if err != nil {
			t.Fatal(err)
		}
		pm, err := v.ProvisionMap(ctx, Trust, "", on)
		if err != nil {
			t.Fatal(err)
		}
		pa, _ := v.ProvisionMap(ctx, Trust, SchoolA, on)
		out[asOf] = []any{ca, cb, w, pm, pa}
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Run runs the conformance suite against stores made by open; each call
// must return an empty store.
func Run(t *testing.T, open func(t *testing.T) projections.Store) {
	items := Scenario()
	ctx := context.Background()

	t.Run("views match hand-worked totals", func(t *testing.T) {
		s := open(t)
		ApplyInBatches(t, s, items, 7)
		checkViews(t, projections.Views{Store: s, Dir: Directory(items)})
	})

	t.Run("checkpoint, redelivery and reset", func(t *testing.T) {
		s := open(t)
		if cp, err := s.Checkpoint(ctx); err != nil || cp != 0 {
			t.Fatalf("empty store checkpoint %d %v", cp, err)
		}
		ApplyInBatches(t, s, items, 5)
		want := Snapshot(t, s, items)
		last := items[len(items)-1].Seq
		if cp, _ := s.Checkpoint(ctx); cp != last {
			t.Fatalf("checkpoint %d, want %d", cp, last)
		}
		// Delivering the last batches again (a crash before the ack) changes nothing.
		ApplyInBatches(t, s, items[len(items)-12:], 4)
		if got := Snapshot(t, s, items); got != want {
			t.Fatalf("redelivery changed the views:\n%s", Diff(want, got))
		}
		a, ok, err := s.Anchor(ctx, Ben)
		if err != nil || !ok || a.Events != 9 || a.Head == "" || a.SchoolID != SchoolA {
			t.Fatalf("anchor %+v %v %v", a, ok, err)
		}
		if err := s.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		if cp, _ := s.Checkpoint(ctx); cp != 0 {
			t.Fatalf("checkpoint after reset %d", cp)
		}
		if _, ok, _ := s.Anchor(ctx, Ben); ok {
			t.Fatal("anchor after reset")
		}
		ApplyInBatches(t, s, items, 1000)
		if got := Snapshot(t, s, items); got != want {
			t.Fatalf("rebuild differs:\n%s", Diff(want, got))
		}
	})

	t.Run("what falls due", func(t *testing.T) {
		s := open(t)
		ApplyInBatches(t, s, items, 10)
		v := projections.Views{Store: s, Dir: Directory(items)}
		for _, tt := range []struct {
			days int
			want string
		}{
			// Cara's decision to assess (1 Sep + 6 weeks) and Ben's APDR
			// review (1 Nov) are overdue; Ben's annual review falls on
			// 20 Nov (plan of 20 Nov 2024); by 8 Feb 2026 also Ada's APDR
			// review (12 Dec), Cara's first meeting with her parents this
			// school year (by the end of the autumn term: none is
			// recorded), Ada's referral still not seen after 18 weeks (10
			// Sep + 18 weeks) and Cara's final plan (1 Sep + 20 weeks).
			// Ada's and Ben's plans (from 15 September) had no session in
			// the 4 weeks to 10 November: 0% delivered, under 75%, listed
			// on the day.
			{30, "2025-10-13 Cara decision_to_assess overdue; 2025-11-01 Ben apdr_review overdue; 2025-11-10 Ada provision_delivery overdue; 2025-11-10 Ben provision_delivery overdue; 2025-11-20 Ben annual_review"},
			{90, "2025-10-13 Cara decision_to_assess overdue; 2025-11-01 Ben apdr_review overdue; 2025-11-10 Ada provision_delivery overdue; 2025-11-10 Ben provision_delivery overdue; 2025-11-20 Ben annual_review; 2025-12-12 Ada apdr_review; 2025-12-31 Cara parent_meeting; 2026-01-14 Ada referral_wait; 2026-01-19 Cara final_issued"},
		} {
			items, err := v.Due(ctx, SchoolA, AsOf, tt.days)
			var got []string
			for _, it := range items {
				line := it.DueOn.String() + " " + strings.TrimSuffix(it.Name, " Test") + " " + it.Kind
				if it.Overdue {
					line += " overdue"
				}
				got = append(got, line)
			}
			if err != nil || strings.Join(got, "; ") != tt.want {
				t.Errorf("due within %d days:\n got %s\nwant %s (%v)", tt.days, strings.Join(got, "; "), tt.want, err)
			}
		}
	})

	t.Run("leavers and groups", func(t *testing.T) {
		s := open(t)
		ApplyInBatches(t, s, items, 10)
		v := projections.Views{Store: s, Dir: Directory(items)}
		leavers, err := v.Leavers(ctx, SchoolA)
		if err != nil || len(leavers) != 1 || leavers[0].PupilID != Eve || leavers[0].LeftOn.String() != "2025-10-31" || leavers[0].RetainUntil.String() != "2040-01-01" {
			t.Fatalf("leavers: %+v %v", leavers, err)
		}
		group, err := v.Group(ctx, SchoolA, P1)
		if err != nil || len(group) != 2 || group[0].PupilID != Ada || group[1].PupilID != Ben || group[0].MinutesPerSession != 30 {
			t.Fatalf("Talk Boost's group at school A: %+v %v", group, err)
		}
		if group, _ := v.Group(ctx, SchoolA, P2); len(group) != 1 || group[0].PupilID != Ben {
			t.Fatalf("ELSA's group: %+v", group)
		}
	})

	t.Run("corrections and voids count as corrected", func(t *testing.T) {
		s := open(t)
		corrections := Corrections()
		ApplyInBatches(t, s, corrections, 3)
		v := projections.Views{Store: s, Dir: Directory(corrections)}
		rows, err := v.Caseload(ctx, SchoolA, AsOf, projections.CaseloadFilter{})
		if err != nil || len(rows) != 1 {
			t.Fatalf("caseload: %+v %v", rows, err)
		}
		if r := rows[0]; r.ReviewDueOn.String() != "2025-11-01" || !r.ReviewOverdue || r.DaysOverdue != 9 || r.StatutoryOverdue != 1 || r.NextStatutoryDueOn.String() != "2025-10-27" {
			t.Errorf("Gus's row: %+v", r)
		}
		m, err := v.ProvisionMap(ctx, Trust, SchoolA, AsOf)
		// 1850p/h × 2 × 30 min × 38 weeks / (60 × 4) = 17575p.
		if err != nil || len(m.Provisions) != 1 || m.Provisions[0].AnnualCostPence != 17575 || m.Provisions[0].WeeklyPupilMinutes != 60 {
			t.Errorf("provision map: %+v %v", m.Provisions, err)
		}
	})

	t.Run("delivery and impact", func(t *testing.T) {
		s := open(t)
		items := Impact()
		ApplyInBatches(t, s, items, 7)
		checkDeliveryAndImpact(t, projections.Views{Store: s, Dir: Directory(items), Today: AsOf})
	})

	t.Run("patterns of need", func(t *testing.T) {
		s := open(t)
		items := Impact()
		ApplyInBatches(t, s, items, 5)
		checkPatterns(t, projections.Views{Store: s, Dir: Directory(items), Today: AsOf})
	})

	t.Run("grants and needs by school", func(t *testing.T) {
		s := open(t)
		ApplyInBatches(t, s, items, 10)
		v := projections.Views{Store: s, Dir: Directory(items)}
		g, err := v.Granted(ctx, Reviewer, AsOf)
		if err != nil || len(g) != 1 || g[0].PupilID != Ben || !g[0].Live || g[0].Until.String() != "2026-03-31" {
			t.Fatalf("granted: %+v %v", g, err)
		}
		if g, _ := v.Granted(ctx, Reviewer, civil.MustParse("2026-04-01")); g[0].Live {
			t.Fatal("an ended grant is live")
		}
		if g, _ := v.Granted(ctx, "nobody", AsOf); len(g) != 0 {
			t.Fatalf("granted to nobody: %+v", g)
		}
		n, err := v.NeedsBySchool(ctx, Trust)
		if err != nil {
			t.Fatalf("needs: %v %v", n, err)
		}
		if n[SchoolA]["communication_interaction"] != 2 || n[SchoolA]["semh"] != 1 || n[SchoolB]["communication_interaction"] != 1 {
			t.Fatalf("needs by school: %v", n)
		}
	})

	t.Run("a refused commit is recorded and skipped", func(t *testing.T) {
		s := open(t)
		// Ben's last commit (the grant to the reviewer) is refused; the
		// commits after it (Cara, Dan, Eve, Finn) still apply.
		skip := -1
		for i, it := range items {
			if it.Commit.AggregateID == Ben {
				skip = i
			}
		}
		ApplyInBatches(t, s, items[:skip], 6)
		if err := s.Skip(ctx, items[skip], "a value the store cannot hold"); err != nil {
			t.Fatal(err)
		}
		// A skipped commit delivered again (a crash before the ack) is
		// skipped by the checkpoint, not applied.
		ApplyInBatches(t, s, items[skip:], 6)
		if err := s.Skip(ctx, items[skip], "again"); err != nil {
			t.Fatal(err)
		}
		last := items[len(items)-1].Seq
		if cp, _ := s.Checkpoint(ctx); cp != last {
			t.Fatalf("checkpoint %d, want %d", cp, last)
		}
		got, err := s.Unapplied(ctx)
		want := []projections.Unapplied{{Seq: items[skip].Seq, Aggregate: "pupil", AggregateID: Ben, Reason: "a value the store cannot hold"}}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("unapplied = %+v %v, want %+v", got, err, want)
		}
		v := projections.Views{Store: s, Dir: Directory(items)}
		rows, err := v.Caseload(ctx, SchoolA, AsOf, projections.CaseloadFilter{})
		if err != nil {
			t.Fatal(err)
		}
		incomplete := map[string]bool{}
		for _, r := range rows {
			incomplete[strings.Fields(r.Name)[0]] = r.Incomplete
		}
		if fmt.Sprint(incomplete) != "map[Ada:false Ben:true Cara:false]" {
			t.Fatalf("incomplete rows: %v", incomplete)
		}
		if g, _ := v.Granted(ctx, Reviewer, AsOf); len(g) != 0 {
			t.Fatalf("the refused grant was applied: %+v", g)
		}
		w, err := v.Workload(ctx, Trust, AsOf)
		if err != nil || w.Totals.IncompletePupils != 1 || w.Schools[1].IncompletePupils != 0 {
			t.Fatalf("workload incomplete pupils: %+v %v", w.Totals, err)
		}
		if err := s.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Unapplied(ctx); len(got) != 0 {
			t.Fatalf("unapplied after reset: %+v", got)
		}
	})

	t.Run("views as of past dates show the record as it stood", func(t *testing.T) {
		s := open(t)
		past := History()
		ApplyInBatches(t, s, past, 4)
		checkHistory(t, projections.Views{Store: s, Dir: Directory(past), Today: AsOf})
	})

	t.Run("trends month by month", func(t *testing.T) {
		s := open(t)
		items := Timeliness()
		ApplyInBatches(t, s, items, 5)
		checkTrends(t, projections.Views{Store: s, Dir: Directory(items), Today: AsOf})
	})

	t.Run("batch size does not change answers", func(t *testing.T) {
		a, b := open(t), projections.Store(projections.NewMemory())
		ApplyInBatches(t, a, items, 1)
		ApplyInBatches(t, b, items, len(items))
		if sa, sb := Snapshot(t, a, items), Snapshot(t, b, items); sa != sb {
			t.Fatalf("one by one vs all at once:\n%s", Diff(sa, sb))
		}
	})
}

func checkViews(t *testing.T, v projections.Views) {
	ctx := context.Background()
	names := func(rows []projections.CaseloadRow) string {
		var n []string
		for _, r := range rows {
			n = append(n, strings.Fields(r.Name)[0])
		}
		return strings.Join(n, ",")
	}
	// Caseload of school A.
	rows, err := v.Caseload(ctx, SchoolA, AsOf, projections.CaseloadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[strings.Fields(r.Name)[0]] = fmt.Sprintf("y%s %s %s %s due=%s overdue=%v/%d prov=%d refs=%d ehcp=%s next=%s stat=%d",
			r.YearGroup, r.SENStatus, r.AreaOfNeed, r.Stage, r.ReviewDueOn, r.ReviewOverdue, r.DaysOverdue,
			r.ActiveProvisions, r.OpenReferrals, r.EHCPStatus, r.NextStatutoryDueOn, r.StatutoryOverdue)
	}
	want := map[string]string{
		"Ada":  "y5 K communication_interaction do due=2025-12-12 overdue=false/0 prov=1 refs=1 ehcp=none next= stat=0",
		"Ben":  "y6 E communication_interaction do due=2025-11-01 overdue=true/9 prov=2 refs=1 ehcp=active next=2025-11-20 stat=0",
		"Cara": "y3 K semh assess due= overdue=false/0 prov=0 refs=0 ehcp=requested next=2025-10-13 stat=1",
	}
	if names(rows) != "Ada,Ben,Cara" {
		t.Fatalf("caseload A: %s", names(rows))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("caseload %s\n got %s\nwant %s", k, got[k], w)
		}
	}
	for _, tt := range []struct {
		f    projections.CaseloadFilter
		want string
	}{
		{projections.CaseloadFilter{Stage: "do"}, "Ada,Ben"},
		{projections.CaseloadFilter{Stage: "assess"}, "Cara"},
		{projections.CaseloadFilter{Overdue: true}, "Ben,Cara"},
		{projections.CaseloadFilter{Need: "SLCN"}, "Ada"},
		{projections.CaseloadFilter{Need: "semh"}, "Cara"},
		{projections.CaseloadFilter{Need: "communication_interaction"}, "Ada,Ben"},
		{projections.CaseloadFilter{Stage: "do", Overdue: true}, "Ben"},
	} {
		rows, _ := v.Caseload(ctx, SchoolA, AsOf, tt.f)
		if names(rows) != tt.want {
			t.Errorf("filter %+v: %s, want %s", tt.f, names(rows), tt.want)
		}
	}
	// Overdue only after the due date (Ben's review is due 1 November).
	for _, tt := range []struct {
		asOf string
		want string
	}{{"2025-10-31", "false/0"}, {"2025-11-01", "false/0"}, {"2025-11-02", "true/1"}} {
		rows, _ := v.Caseload(ctx, SchoolA, civil.MustParse(tt.asOf), projections.CaseloadFilter{Stage: "do"})
		if g := fmt.Sprintf("%v/%d", rows[1].ReviewOverdue, rows[1].DaysOverdue); g != tt.want {
			t.Errorf("Ben as of %s: %s, want %s", tt.asOf, g, tt.want)
		}
	}
	if rows, _ := v.Caseload(ctx, SchoolB, AsOf, projections.CaseloadFilter{}); names(rows) != "Finn" {
		t.Errorf("caseload B: %s", names(rows))
	}

	// Workload.
	w, err := v.Workload(ctx, Trust, AsOf)
	if err != nil {
		t.Fatal(err)
	}
	line := func(c projections.WorkloadCounts) string {
		mean := "null"
		if c.MeanReferralWaitDays != nil {
			mean = fmt.Sprint(*c.MeanReferralWaitDays)
		}
		return fmt.Sprintf("K=%d E=%d req=%d ar=%d/%d/%d stat=%d/%d/%d over=%d apdr=%d/%d refs=%d wait=%s hours=%v",
			c.SENSupport, c.EHCP, c.EHCRequestsInProgress, c.AnnualReviewsDue30d, c.AnnualReviewsDue60d, c.AnnualReviewsDue90d,
			c.StatutoryDue30d, c.StatutoryDue60d, c.StatutoryDue90d, c.StatutoryOverdue, c.APDRReviewsDue30d, c.APDRReviewsOverdue,
			c.OpenReferrals, mean, c.AdminHoursNext30d)
	}
	if len(w.Schools) != 2 || w.Schools[0].Name != "Oak Primary" {
		t.Fatalf("workload schools %+v", w.Schools)
	}
	// Worked by hand, as of 10 November 2025 with admin hours 6 an annual
	// review, 10 an EHC request, 1.5 an APDR review, 1 an open referral:
	// school A has Ben's annual review (6), Cara's EHC request (10), Ben's
	// APDR review due 1 November (1.5) and Ada's and Ben's referrals (2×1):
	// 19.5 hours. The referral waits: Ada 10 Sep → 10 Nov unseen = 61 days,
	// Ben 1 Mar → seen 1 Jun = 92 days; mean (61+92)/2 = 76.5. School B:
	// Finn's APDR review due 30 November, 1.5. Totals 19.5+1.5 = 21.
	for _, tt := range []struct{ name, got, want string }{
		{"school A", line(w.Schools[0].WorkloadCounts), "K=2 E=1 req=1 ar=1/1/1 stat=1/1/2 over=1 apdr=1/1 refs=2 wait=76.5 hours=19.5"},
		{"school B", line(w.Schools[1].WorkloadCounts), "K=1 E=0 req=0 ar=0/0/0 stat=0/0/0 over=0 apdr=1/0 refs=0 wait=null hours=1.5"},
		{"totals", line(w.Totals), "K=3 E=1 req=1 ar=1/1/1 stat=1/1/2 over=1 apdr=2/1 refs=2 wait=76.5 hours=21"},
	} {
		if tt.got != tt.want {
			t.Errorf("workload %s\n got %s\nwant %s", tt.name, tt.got, tt.want)
		}
	}

	// Provision maps.
	pl := func(l projections.ProvisionLine) string {
		return fmt.Sprintf("%d/%d/%v/%d", l.Pupils, l.WeeklyPupilMinutes, l.WeeklyStaffHours, l.AnnualCostPence)
	}
	pm, err := v.ProvisionMap(ctx, Trust, "", AsOf)
	if err != nil {
		t.Fatal(err)
	}
	// Worked by hand (pupils/weekly pupil minutes/weekly staff hours/annual
	// pence; cost = hourly × sessions × minutes × 38 weeks ÷ (60 × group),
	// each plan rounded half up):
	//   Ada   Talk Boost 3×30 in 4: 1850×3×30×38/240 = 26362.5 → 26363; staff 90/4 = 22.5 min
	//   Ben   Talk Boost 2×30 in 3: 1850×2×30×38/180 = 23433.3 → 23433; staff 60/3 = 20 min
	//         ELSA       1×45 alone: 2250×1×45×38/60 = 64125;             staff 45 min
	//   Finn  Talk Boost 1×20 in 2: 1850×1×20×38/120 = 11716.7 → 11717; staff 20/2 = 10 min
	// Talk Boost: 3 pupils, 90+60+20 = 170 min, (22.5+20+10)/60 = 0.875 → 0.88 h,
	// 26363+23433+11717 = 61513; totals: 170+45 = 215 min, (52.5+45)/60 = 1.625
	// → 1.63 h, 61513+64125 = 125638. School A (Ada, Ben): Talk Boost 150 min,
	// 42.5/60 = 0.71 h, 26363+23433 = 49796; with ELSA 195 min, 87.5/60 = 1.46 h,
	// 49796+64125 = 113921.
	for _, tt := range []struct{ name, got, want string }{
		{"trust Talk Boost", pl(pm.Provisions[0]), "3/170/0.88/61513"},
		{"trust ELSA", pl(pm.Provisions[1]), "1/45/0.75/64125"},
		{"trust communication", pl(*pm.ByAreaOfNeed["communication_interaction"]), "3/170/0.88/61513"},
		{"trust semh", pl(*pm.ByAreaOfNeed["semh"]), "1/45/0.75/64125"},
		{"trust sensory", pl(*pm.ByAreaOfNeed["sensory_physical"]), "0/0/0/0"},
		{"trust totals", pl(pm.Totals), "3/215/1.63/125638"},
	} {
		if tt.got != tt.want {
			t.Errorf("provision map %s: %s, want %s", tt.name, tt.got, tt.want)
		}
	}
	pa, _ := v.ProvisionMap(ctx, Trust, SchoolA, AsOf)
	for _, tt := range []struct{ name, got, want string }{
		{"school A Talk Boost", pl(pa.Provisions[0]), "2/150/0.71/49796"},
		{"school A totals", pl(pa.Totals), "2/195/1.46/113921"},
	} {
		if tt.got != tt.want {
			t.Errorf("provision map %s: %s, want %s", tt.name, tt.got, tt.want)
		}
	}
}

// checkHistory checks the History scenario's views on dates before and
// after each of its events (worked out by hand in History's comment).
func checkHistory(t *testing.T, v projections.Views) {
	t.Helper()
	ctx := context.Background()
	caseload := func(v projections.Views, school, on string) string {
		t.Helper()
		rows, err := v.Caseload(ctx, school, d(on), projections.CaseloadFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			out = append(out, strings.Fields(r.Name)[0]+":"+r.Stage)
		}
		return strings.Join(out, ",")
	}
	for _, tt := range []struct{ on, a, b string }{
		{"2025-09-02", "", ""},                    // before the registrations
		{"2025-09-05", "Hal:none,Ivy:none", ""},   // registered, no cycle
		{"2025-09-09", "Hal:assess,Ivy:none", ""}, // cycle opened
		{"2025-09-12", "Hal:plan,Ivy:none", ""},   // assessed (back-dated, but dated 10 September)
		{"2025-09-20", "Hal:do,Ivy:none", ""},     // plan agreed
		{"2025-10-05", "Ivy:none", "Hal:do"},      // Hal transferred on 1 October
		{"2025-10-25", "", "Hal:do"},              // Ivy left on 20 October
		{"2025-11-10", "", "Hal:do"},              // today: the current record
	} {
		if got := caseload(v, SchoolA, tt.on); got != tt.a {
			t.Errorf("caseload of school A as of %s: %q, want %q", tt.on, got, tt.a)
		}
		if got := caseload(v, SchoolB, tt.on); got != tt.b {
			t.Errorf("caseload of school B as of %s: %q, want %q", tt.on, got, tt.b)
		}
	}
	// known_at leaves out what was recorded later: on 1 October the record
	// did not yet hold Hal's assessment.
	known := v
	known.KnownAt = time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)
	if got := caseload(known, SchoolA, "2025-09-12"); got != "Hal:assess,Ivy:none" {
		t.Errorf("caseload as of 12 September known on 1 October: %q", got)
	}
	known.KnownAt = StoredAfterBackDating
	if got := caseload(known, SchoolA, "2025-09-12"); got != "Hal:plan,Ivy:none" {
		t.Errorf("caseload as of 12 September known on 31 October: %q", got)
	}

	// Provision maps: Hal's plan costs 1850 × 2 × 30 × 38 / (60 × 2) = 35150p
	// from 15 September, at school A until 1 October and at B after.
	cost := func(school, on string) string {
		t.Helper()
		pm, err := v.ProvisionMap(ctx, Trust, school, d(on))
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%d/%d/%d", pm.Totals.Pupils, pm.Totals.WeeklyPupilMinutes, pm.Totals.AnnualCostPence)
	}
	for _, tt := range []struct{ school, on, want string }{
		{"", "2025-09-12", "0/0/0"}, {"", "2025-09-20", "1/60/35150"},
		{SchoolA, "2025-09-20", "1/60/35150"}, {SchoolA, "2025-10-05", "0/0/0"}, {SchoolB, "2025-10-05", "1/60/35150"},
	} {
		if got := cost(tt.school, tt.on); got != tt.want {
			t.Errorf("provision map %q as of %s: %s, want %s", tt.school, tt.on, got, tt.want)
		}
	}

	// Workload: pupils on SEN support per school.
	for _, tt := range []struct{ on, want string }{
		{"2025-09-02", "0/0"}, {"2025-09-05", "2/0"}, {"2025-10-05", "1/1"}, {"2025-10-25", "0/1"},
	} {
		w, err := v.Workload(ctx, Trust, d(tt.on))
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%d/%d", w.Schools[0].SENSupport, w.Schools[1].SENSupport); got != tt.want {
			t.Errorf("workload as of %s: %s, want %s", tt.on, got, tt.want)
		}
	}
}

// checkTrends checks the Timeliness scenario's trends, worked out by hand
// from Timeliness's comment.
func checkTrends(t *testing.T, v projections.Views) {
	t.Helper()
	tr, err := v.Trends(context.Background(), Trust, "", d("2025-01-01"), d("2025-11-30"))
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Total.Months) != 11 || tr.Total.Months[10].AsOf != AsOf || tr.NationalWithin20Weeks2024 != 46.4 {
		t.Fatalf("months %d, last as of %s", len(tr.Total.Months), tr.Total.Months[len(tr.Total.Months)-1].AsOf)
	}
	pct := func(p *float64) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	line := func(m projections.TrendMonth) string {
		return fmt.Sprintf("K=%d E=%d over=%d plans=%d/%d %s%% reviews=%d/%d %s%%", m.SENSupport, m.EHCP, m.StatutoryOverdue,
			m.FinalPlansWithin20Weeks12m, m.FinalPlans12m, pct(m.PercentWithin20Weeks), m.AnnualReviewsOnTime12m, m.AnnualReviewsDue12m, pct(m.PercentReviewsOnTime))
	}
	month := func(series projections.TrendSeries, m string) projections.TrendMonth {
		for _, x := range series.Months {
			if x.Month == m {
				return x
			}
		}
		t.Fatalf("no month %s", m)
		return projections.TrendMonth{}
	}
	for _, tt := range []struct{ series, month, want string }{
		// 31 January: Max has a plan; Kit and Lou await theirs. Overdue: Lou's
		// decision to issue (due 31 December) and final plan (due 28
		// January), Kit's decision to issue (due 21 January). Max's review
		// of 1 October 2024 was held on time.
		{"total", "2025-01", "K=2 E=1 over=3 plans=0/0 -% reviews=1/1 100%"},
		{"B", "2025-01", "K=2 E=0 over=3 plans=0/0 -% reviews=0/0 -%"},
		// 28 February: Kit's plan, within 20 weeks, puts Kit on E.
		{"total", "2025-02", "K=1 E=2 over=2 plans=1/1 100% reviews=1/1 100%"},
		// 31 March: Lou's plan, late: 1 of 2 within 20 weeks.
		{"total", "2025-03", "K=0 E=3 over=0 plans=1/2 50% reviews=1/1 100%"},
		// 30 September: Max's review due 20 September not yet held: overdue,
		// and 1 of the 2 reviews due in the 12 months held on time.
		{"total", "2025-09", "K=0 E=3 over=1 plans=1/2 50% reviews=1/2 50%"},
		{"A", "2025-09", "K=0 E=1 over=1 plans=0/0 -% reviews=1/2 50%"},
		// 31 October: held late on 1 October; the 2024 review has left the
		// 12 months (it was due on 1 October 2024).
		{"total", "2025-10", "K=0 E=3 over=0 plans=1/2 50% reviews=0/1 0%"},
		{"B", "2025-11", "K=0 E=2 over=0 plans=1/2 50% reviews=0/0 -%"},
	} {
		series := tr.Total
		switch tt.series {
		case "A":
			series = tr.Schools[0]
		case "B":
			series = tr.Schools[1]
		}
		if got := line(month(series, tt.month)); got != tt.want {
			t.Errorf("%s %s\n got %s\nwant %s", tt.series, tt.month, got, tt.want)
		}
	}
	// Each month's counts are the workload as of its end: folding forward
	// month by month (and again from the start when an earlier event begins
	// to count: Max's plan of 2023 was recorded after his registration of
	// 2024) gives what a view of that date gives.
	long, err := v.Trends(context.Background(), Trust, "", d("2024-08-01"), d("2025-11-30"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range long.Total.Months {
		w, err := v.Workload(context.Background(), Trust, m.AsOf)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprintf("%+v", m.WorkloadCounts) != fmt.Sprintf("%+v", w.Totals) {
			t.Errorf("%s: trends %+v\nworkload %+v", m.Month, m.WorkloadCounts, w.Totals)
		}
	}
	one, err := v.Trends(context.Background(), Trust, SchoolB, d("2025-03-01"), d("2025-03-31"))
	if err != nil || len(one.Schools) != 1 || line(one.Total.Months[0]) != "K=0 E=2 over=0 plans=1/2 50% reviews=0/0 -%" {
		t.Errorf("school B's own trends: %+v %v", one, err)
	}
}

// Diff shows the first differing line of two snapshots.
func Diff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths %d vs %d", len(al), len(bl))
}

func pct(p *int) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}

func deliveryLine(l projections.DeliveryLine) string {
	return fmt.Sprintf("%s: %d pupils, %d/week, planned %d, delivered %d (%s%%), attended %d (%s%%)", l.Name, l.Pupils, l.PlannedPerWeek,
		l.PlannedMinutes, l.DeliveredMinutes, pct(l.DeliveredPercent), l.AttendedMinutes, pct(l.AttendedPercent))
}

func impactLine(l projections.ImpactLine) string {
	if l.Suppressed {
		return strings.TrimSpace(l.Label+" "+l.Name) + ": fewer than 5"
	}
	line := fmt.Sprintf("%s: %d pupils, %d of %d met (%s%%), %dp", strings.TrimSpace(l.Label+" "+l.Name), l.Pupils, l.MetOrExceeded, l.Outcomes, pct(l.MetPercent), l.CostPence)
	if l.CostPerOutcomeMetPence != nil {
		line += fmt.Sprintf(", %dp a met outcome", *l.CostPerOutcomeMetPence)
	}
	for _, m := range l.Measures {
		line += fmt.Sprintf("; %s %d measured, mean gain %v %s, %d%% of target, %d reached", m.Name, m.Outcomes, m.MeanGain, m.Unit, m.MeanOfTargetPercent, m.ReachedTarget)
	}
	return line
}

// checkDeliveryAndImpact checks the Impact scenario by hand.
func checkDeliveryAndImpact(t *testing.T, v projections.Views) {
	t.Helper()
	ctx := context.Background()
	from, to := d("2025-09-15"), d("2025-10-12")
	// School A, 15 September to 12 October (20 weekdays, 4 weeks): five
	// plans of 3 × 30 = 90 minutes a week, 360 minutes each, 1800 in all;
	// A1 had 12 × 30 = 360 and A2 8 × 30 = 240 delivered: 600 of 1800 is
	// 33%; attended 360 + 6 × 30 = 540 of 600, 90%. A6's plan is from 13
	// October, after the period.
	got, err := v.Delivery(ctx, Trust, SchoolA, from, to, AsOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Provisions) != 1 || deliveryLine(got.Provisions[0]) != "Talk Boost: 5 pupils, 450/week, planned 1800, delivered 600 (33%), attended 540 (90%)" {
		t.Errorf("school A's delivery: %+v", got.Provisions)
	}
	if len(got.Pupils) != 5 || got.Pupils[0].Name != "A1 Test" || pct(got.Pupils[0].DeliveredPercent) != "100" || pct(got.Pupils[1].DeliveredPercent) != "66" || pct(got.Pupils[1].AttendedPercent) != "75" {
		t.Errorf("school A's pupils: %+v", got.Pupils)
	}
	// A6, on 10 November: the 4 weeks from 14 October are 20 weekdays of a
	// plan of 2 × 30 a week (240 minutes); 4 × 30 = 120 delivered, 50%,
	// under the 75% threshold. A1–A5's plans ended at their reviews.
	if len(got.Below) != 1 || got.Below[0].Name != "A6 Test" || got.Below[0].DeliveredPercent != 50 || got.ThresholdPercent != 75 {
		t.Errorf("below the threshold: %+v", got.Below)
	}
	// The same 50% puts A6 on the due list and the caseload.
	due, err := v.Due(ctx, SchoolA, AsOf, 7)
	if err != nil || len(due) != 1 || due[0].Kind != projections.DueDelivery || due[0].From != "50" || !due[0].Overdue {
		t.Errorf("due: %+v %v", due, err)
	}
	rows, err := v.Caseload(ctx, SchoolA, AsOf, projections.CaseloadFilter{})
	for _, r := range rows {
		if behind := r.Name == "A6 Test"; r.DeliveryBehind != behind || (behind && pct(r.DeliveredPercent) != "50") || (!behind && r.DeliveredPercent != nil) {
			t.Errorf("caseload row %s: delivered %s%%, behind %v", r.Name, pct(r.DeliveredPercent), r.DeliveryBehind)
		}
	}
	if err != nil || len(rows) != 6 {
		t.Errorf("caseload: %d rows, %v", len(rows), err)
	}
	// The trust adds school B's ELSA: two plans of 45 a week, 180 each
	// over the 4 weeks, none delivered. In all 600 of 2160 is 27%.
	trustWide, err := v.Delivery(ctx, Trust, "", from, to, AsOf)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range append(append(trustWide.Provisions, trustWide.Schools...), trustWide.Totals) {
		lines = append(lines, deliveryLine(l))
	}
	want := []string{
		"Talk Boost: 5 pupils, 450/week, planned 1800, delivered 600 (33%), attended 540 (90%)",
		"ELSA: 2 pupils, 90/week, planned 360, delivered 0 (0%), attended 0 (-%)",
		"Oak Primary: 5 pupils, 450/week, planned 1800, delivered 600 (33%), attended 540 (90%)",
		"Oak Infants: 2 pupils, 90/week, planned 360, delivered 0 (0%), attended 0 (-%)",
		"All provision: 7 pupils, 540/week, planned 2160, delivered 600 (27%), attended 540 (90%)",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") || len(trustWide.Pupils) != 0 {
		t.Errorf("the trust's delivery:\n%s", Diff(strings.Join(want, "\n"), strings.Join(lines, "\n")))
	}

	// Impact, autumn term. Talk Boost: 3 of 5 outcomes met or exceeded
	// (60%); each plan 360 minutes × 1850p ÷ (60 × 4) = 2775p, 13875p for
	// five, 13875 ÷ 3 = 4625p a met outcome. Reading age: A1–A4 measured
	// (A5 has no exit); gains 4, 8, 10, 0 months, mean 5.5; of the 8
	// aimed for 0.5, 1, 1.25, 0, mean 0.6875, 69%; A2 and A3 reached 104.
	// ELSA: 2 pupils, fewer than 5, not shown outside school B. In all 7
	// pupils, 4 of 7 met (57%), 13875 + 2 × (180 × 2250 ÷ 60 = 6750) =
	// 27375p, 27375 ÷ 4 = 6843.75, 6844p a met outcome.
	impact, err := v.Impact(ctx, Trust, "", d("2025-09-01"), d("2025-12-31"), AsOf, true)
	if err != nil {
		t.Fatal(err)
	}
	lines = nil
	for _, l := range append(append(impact.Provisions, impact.Groups...), impact.Totals) {
		lines = append(lines, impactLine(l))
	}
	measured := "; Reading age 4 measured, mean gain 5.5 months, 69% of target, 2 reached"
	want = []string{
		"Talk Boost: 5 pupils, 3 of 5 met (60%), 13875p, 4625p a met outcome" + measured,
		"ELSA: fewer than 5",
		"Communication and interaction Talk Boost: 5 pupils, 3 of 5 met (60%), 13875p, 4625p a met outcome" + measured,
		"Social, emotional and mental health ELSA: fewer than 5",
		"Oak Primary Talk Boost: 5 pupils, 3 of 5 met (60%), 13875p, 4625p a met outcome" + measured,
		"Oak Infants ELSA: fewer than 5",
		"Year 1 ELSA: fewer than 5",
		"Year 4 Talk Boost: 5 pupils, 3 of 5 met (60%), 13875p, 4625p a met outcome" + measured,
		"All provision: 7 pupils, 4 of 7 met (57%), 27375p, 6844p a met outcome" + measured,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("the trust's impact:\n%s", Diff(strings.Join(want, "\n"), strings.Join(lines, "\n")))
	}
	// In its own school the figures for two pupils are shown: 1 of 2 met,
	// 2 × 6750 = 13500p, 13500p a met outcome.
	own, err := v.Impact(ctx, Trust, SchoolB, d("2025-09-01"), d("2025-12-31"), AsOf, false)
	if err != nil || len(own.Provisions) != 1 || impactLine(own.Provisions[0]) != "ELSA: 2 pupils, 1 of 2 met (50%), 13500p, 13500p a met outcome" {
		t.Errorf("school B's own impact: %+v %v", own.Provisions, err)
	}
	// As of 10 October nothing had been reviewed.
	if early, err := v.Impact(ctx, Trust, "", d("2025-09-01"), d("2025-12-31"), d("2025-10-10"), true); err != nil || len(early.Provisions) != 0 {
		t.Errorf("impact as of 10 October: %+v %v", early.Provisions, err)
	}
}

// checkPatterns: the impact scenario's pupils by need, now and as they
// stood before the last was registered.
func checkPatterns(t *testing.T, v projections.Views) {
	t.Helper()
	ctx := context.Background()
	tr, _ := v.Dir.Trust(Trust)
	got, err := v.Patterns(ctx, tr, "", AsOf, true)
	if err != nil {
		t.Fatal(err)
	}
	// 8 on SEN support: SLCN 6 (communication and interaction, 75%),
	// SEMH 2 (25%); none with a plan; every one registered since 31 August.
	tp := got.Trust
	if tp.Support != 8 || tp.Plan != 0 || tp.ByArea[0].Support != 6 || *tp.ByArea[0].SupportPercent != 75 || *tp.ByArea[2].SupportPercent != 25 ||
		len(tp.ByNeed) != 2 || tp.ByNeed[0].Need != "SLCN" {
		t.Errorf("the trust's pattern: %+v", tp)
	}
	last, before := got.Series[len(got.Series)-1], got.Series[len(got.Series)-2]
	if last.AsOf != AsOf || last.Support != 8 || last.ByArea["semh"] != 2 || before.AsOf != d("2025-08-31") || before.Support != 0 {
		t.Errorf("over time: %+v then %+v", before, last)
	}
	// Without small numbers, a school of fewer than 5 is withheld.
	got, err = v.Patterns(ctx, tr, "", AsOf, false)
	for _, sc := range got.Schools {
		if n := sc.Support + sc.Plan; !sc.Withheld && n < projections.MinPupils {
			t.Errorf("%s: %d pupils shown", sc.Name, n)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
}
