package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/upn"
	"github.com/sendcase/sendcase/importer"
	"github.com/sendcase/sendcase/internal/natstest"
	"github.com/sendcase/sendcase/internal/node"
)

func TestMain(m *testing.M) {
	natstest.MaybeRunServer()
	os.Exit(m.Run())
}

// register writes an export of n pupils in SIMS style.
func register(n int) string {
	var b strings.Builder
	b.WriteString("UPN,Legal Surname,Legal Forename,DOB,NC Year Actual,SEN Provision,Primary Need,Secondary Need\n")
	needs := []string{"SLCN", "ASD", "SEMH", "MLD", "SPLD"}
	for i := 0; i < n; i++ {
		rest := fmt.Sprintf("9012%08d", i)
		l, _ := upn.CheckLetter(rest)
		status := "K"
		if i%4 == 0 {
			status = "E"
		}
		fmt.Fprintf(&b, "%c%s,Surname%d,Forename%d,%02d/%02d/%d,%d,%s,%s,\n", l, rest, i, i, 1+i%28, 1+i%12, 2010+i%8, 1+i%11, status, needs[i%len(needs)])
	}
	return b.String()
}

// BenchmarkImport5000 imports a 5,000-pupil register into an empty school,
// then imports it again (every row unchanged).
func BenchmarkImport5000(b *testing.B) {
	const rows = 5000
	csv := register(rows)
	ctx := context.Background()
	var first, again time.Duration
	for b.Loop() {
		n, err := node.Start(ctx, node.Config{DataDir: b.TempDir(), Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			b.Fatal(err)
		}
		t, err := n.Service.CreateTrust(ctx, app.System, app.CommandOptions{}, trust.Create{Name: "Bench Trust"})
		if err != nil {
			b.Fatal(err)
		}
		school, err := n.Service.AddSchool(ctx, app.System, app.CommandOptions{}, t.ID, trust.AddSchool{Name: "Bench School", URN: "123456", Phase: "primary"})
		if err != nil {
			b.Fatal(err)
		}
		for i, d := range []*time.Duration{&first, &again} {
			start := time.Now()
			rep, err := n.Service.ImportRegister(ctx, app.System, school.ID, strings.NewReader(csv), importer.Options{})
			*d += time.Since(start)
			if err != nil || (i == 0 && rep.Summary.Created != rows) || (i == 1 && rep.Summary.Unchanged != rows) {
				b.Fatalf("run %d: %+v %v", i, rep.Summary, err)
			}
		}
		n.Close()
	}
	b.ReportMetric(float64(rows*b.N)/first.Seconds(), "rows/s")
	b.ReportMetric(float64(rows*b.N)/again.Seconds(), "reimport-rows/s")
}
